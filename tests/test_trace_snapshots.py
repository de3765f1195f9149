"""The explanations people read stay as reviewed: every trace line, item and warning of the shipped cases.

Scores are checked against hand-written expectations elsewhere (expected.yaml); this file guards the
words around them, which no scoring test reads: a changed verdict, a dropped figure in a trace, an item
that loses its owner or date. When an explanation changes on purpose, regenerate and review the diff:

    CCHC_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_trace_snapshots.py
"""

from __future__ import annotations

import json
import os
from datetime import date

import pytest

from engine.pipeline import run
from engine.reports.json_result import render
from tests.conftest import CASES, ROOT

SNAPSHOTS = ROOT / "tests" / "snapshots"
RUNS = {
    "seed": ("ha-giang-sonnptnt-2023", None),
    "seed-1-11-2023": ("ha-giang-sonnptnt-2023", date(2023, 11, 1)),
    "q3-2024": ("ha-giang-sonnptnt-2024-q3", None),
}
KEPT = ("id", "points", "status", "trace", "missing", "reachable", "lost")


def _explanations(name: str, as_of: date | None) -> dict[str, object]:
    data = json.loads(render(run(CASES / name, as_of=as_of, prefer="python")))
    return {
        "criteria": [{k: c[k] for k in KEPT if k in c} for c in data["criteria"]],
        "warnings": data.get("warnings", []),
    }


@pytest.mark.parametrize("run_name", sorted(RUNS))
def test_explanations_are_as_reviewed(run_name: str) -> None:
    case, as_of = RUNS[run_name]
    got = _explanations(case, as_of)
    path = SNAPSHOTS / f"{run_name}.json"
    if os.environ.get("CCHC_UPDATE_SNAPSHOTS"):
        path.write_text(json.dumps(got, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert got == expected, f"{path.name}: explanations changed (see the module docstring to review and update)"

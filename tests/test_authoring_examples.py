"""The templates and worked examples of docs/authoring.md load, validate, and give the points they state.

Each YAML block of the guide whose first line is `# mẫu: <file>`, `# ví dụ luật: <method>` or
`# ví dụ ca: <method>` is put together into a real scheme folder and run through the real loader, checks
and case runner, so the guide cannot drift from cchc.
"""

from __future__ import annotations

import re
import typing
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from engine.authoring.criterion_cases import run_scheme_cases
from engine.scheme import Score
from engine.scheme_loader import read_scheme
from tests.conftest import ROOT

GUIDE = ROOT / "docs" / "authoring.md"
BLOCK = re.compile(r"```yaml\n# (mẫu|ví dụ luật|ví dụ ca): (\S+)\n(.*?)```", re.S)


def _blocks() -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], str] = {}
    for kind, name, body in BLOCK.findall(GUIDE.read_text(encoding="utf-8")):
        assert (kind, name) not in found, f"hai khối {kind}: {name}"
        found[(kind, name)] = body
    return found


@pytest.fixture(scope="module")
def guide_scheme(tmp_path_factory: pytest.TempPathFactory) -> Path:
    blocks = _blocks()
    folder = tmp_path_factory.mktemp("guide") / "tinh-x-2024-so"
    (folder / "fields").mkdir(parents=True)
    (folder / "cases").mkdir()
    rules = [body for (kind, _), body in blocks.items() if kind == "ví dụ luật"]
    criteria = [c for body in rules for c in yaml.safe_load(body)]
    total = sum((Decimal(str(c["max"])) for c in criteria), Decimal(0))
    head = blocks[("mẫu", "scheme.yaml")]
    assert "total_max: 100" in head
    (folder / "scheme.yaml").write_text(head.replace("total_max: 100", f"total_max: {total}"), encoding="utf-8")
    (folder / "units.yaml").write_text(blocks[("mẫu", "units.yaml")], encoding="utf-8")
    (folder / "fields" / "9-vi-du.yaml").write_text(blocks[("mẫu", "fields/9-vi-du.yaml")] + "".join(rules),
                                                   encoding="utf-8")
    for (kind, _), body in blocks.items():
        if kind == "ví dụ ca":
            crit = yaml.safe_load(body)["criterion"]
            (folder / "cases" / f"{crit}.yaml").write_text(body, encoding="utf-8")
    return folder


def test_the_templates_and_examples_load_without_errors(guide_scheme: Path) -> None:
    scheme, problems = read_scheme(guide_scheme)
    assert [str(p) for p in problems if p.severity == "error"] == []
    assert scheme is not None and scheme.province and scheme.unit_type and scheme.evidence_deadline is not None


def test_every_example_gives_the_points_the_guide_states(guide_scheme: Path) -> None:
    scheme, _ = read_scheme(guide_scheme)
    assert scheme is not None
    run = run_scheme_cases(guide_scheme, scheme, prefer="python")
    assert [p for p in run.cases.problems if p.severity == "error"] == []
    assert run.results and [str(p) for r in run.results for p in r.problems] == []


def test_every_scoring_method_and_threshold_variant_has_a_worked_example() -> None:
    methods = set(typing.get_args(Score.model_fields["method"].annotation))
    rules = {name: body for (kind, name), body in _blocks().items() if kind == "ví dụ luật"}
    assert methods <= {name.split("-")[0] for name in rules}
    assert {"proportional", "proportional-zero"} <= set(rules)
    assert {name for (kind, name) in _blocks() if kind == "ví dụ ca"} == set(rules)

"""Every case folder with an expected.yaml is a regression test, under both matchers."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from engine.assess import Assessor
from engine.pipeline import prepare
from engine.results import STATUS
from tests.conftest import CASES, EXPECTED_MATCHER

CASE_DIRS = sorted(p for p in CASES.iterdir() if (p / "expected.yaml").is_file())


def _dec(value: object) -> Decimal:
    return Decimal(str(value))


@pytest.mark.parametrize("matcher", ["durable", "python"])
@pytest.mark.parametrize("case_dir", CASE_DIRS, ids=[p.name for p in CASE_DIRS])
def test_case_matches_expected(case_dir: Path, matcher: str) -> None:
    expected = yaml.safe_load((case_dir / "expected.yaml").read_text(encoding="utf-8"))
    scheme, evidence = prepare(case_dir)
    result = Assessor(scheme, prefer=matcher).assess(evidence)
    if matcher == "durable":
        assert result.matcher == EXPECTED_MATCHER
    got = {c.id: c for c in result.criteria}
    assert set(got) == {str(k) for k in expected["criteria"]}
    for crit_id, want in expected["criteria"].items():
        c = got[str(crit_id)]
        assert (c.points, STATUS[c.status]) == (_dec(want["points"]), want["status"]), crit_id
    assert result.total == _dec(expected["total"])
    assert result.max == _dec(expected["max"])
    assert result.index_percent == _dec(expected["index_percent"])
    assert result.classification == expected["classification"]
    if "reachable" in expected:
        assert result.reachable == _dec(expected["reachable"])
    if "lost" in expected:
        assert result.lost == _dec(expected["lost"])
    if "change_from_last_official" in expected:
        assert result.last_official is not None
        assert result.last_official.change == _dec(expected["change_from_last_official"])
    for unit, want in (expected.get("units") or {}).items():
        view = result.for_unit(unit)
        assert view.stake_by_unit().get(unit, 0) == _dec(want["points_at_stake"])
        assert view.lost_by_unit().get(unit, 0) == _dec(want.get("points_lost", 0))
        items = sorted(f"{c.id}/{m.requirement}" for c in view.criteria for m in c.missing)
        assert items == sorted(want["missing"])


def test_every_case_has_expected_outcomes() -> None:
    folders = [p for p in CASES.iterdir() if (p / "case.yaml").is_file()]
    assert folders
    assert [p for p in folders if not (p / "expected.yaml").is_file()] == []


def test_without_durable_rules_the_report_says_which_matcher_ran(monkeypatch, seed) -> None:
    """On Python 3.13 durable-rules does not load: say so once, score the same with the plain matcher."""
    import engine.matching as matching
    from engine.matching import durable_matcher

    def unavailable():
        raise ImportError("undefined symbol: PyEval_CallObject")

    monkeypatch.setattr(durable_matcher, "load_durable", unavailable)
    monkeypatch.setattr(matching, "_warned", False)
    scheme, evidence = seed
    with pytest.warns(RuntimeWarning, match="durable-rules không dùng được"):
        result = Assessor(scheme, prefer="durable").assess(evidence)
    assert result.matcher == "python" and str(result.total) == "75.66"
    assert [w.code for w in result.warnings if w.code == "W003"] == ["W003"]

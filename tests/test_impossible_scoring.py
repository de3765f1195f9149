"""`rules check` refuses scoring numbers that cannot give the points they promise (R030, R031)."""

from __future__ import annotations

import shutil
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.authoring.locator import Locator
from engine.authoring.scheme_checks import _check_criterion
from engine.outcomes import Outcome
from engine.scheme import Criterion
from engine.scheme_loader import read_scheme
from engine.scoring import score
from evidence.yaml_lines import LineIndex
from tests.conftest import RULES
from tests.editing import edit, line_of

ONE_DOC = "score: {method: all_or_nothing, requires: [ra-soat-vi-tri-viec-lam]}"


@pytest.fixture
def scheme_copy(tmp_path: Path) -> Path:
    target = tmp_path / "scheme"
    shutil.copytree(RULES / "ha-giang-2023-so", target)
    return target


def _errors(folder: Path, code: str) -> list:
    _, problems = read_scheme(folder)
    return [p for p in problems if p.code == code]


def test_per_item_above_the_maximum_is_an_error(scheme_copy: Path) -> None:
    field = scheme_copy / "fields" / "5-che-do-cong-vu.yaml"  # 5.1: one document, max 0.5
    edit(field, ONE_DOC, "score: {method: per_item, per_item: 2, requires: [ra-soat-vi-tri-viec-lam]}")
    [p] = _errors(scheme_copy, "R030")
    assert (p.file, p.line, p.criterion) == (str(field), line_of(field, "per_item: 2"), "5.1")
    assert "2 × 1 mục = 2 điểm" in p.message and "0,5" in p.message


@pytest.mark.parametrize("floor", ["-1", "0.75"])
def test_a_floor_below_zero_or_above_the_maximum_is_an_error(scheme_copy: Path, floor: str) -> None:
    field = scheme_copy / "fields" / "5-che-do-cong-vu.yaml"
    edit(field, ONE_DOC, "score:\n      method: deduction\n      per_violation: 0.25\n"
                         f"      floor: {floor}\n      requires: [ra-soat-vi-tri-viec-lam]")
    [p] = _errors(scheme_copy, "R031")
    assert (p.line, p.criterion) == (line_of(field, f"floor: {floor}"), "5.1") and "floor" in p.message


def test_a_negative_deduction_or_part_maximum_is_an_error(scheme_copy: Path) -> None:
    field = scheme_copy / "fields" / "5-che-do-cong-vu.yaml"
    edit(field, ONE_DOC, "score: {method: deduction, per_violation: -0.25, requires: [ra-soat-vi-tri-viec-lam]}")
    [p] = _errors(scheme_copy, "R031")
    assert p.criterion == "5.1" and "per_violation" in p.message


def _criterion(cap: D, method: dict, n: int) -> Criterion:
    return Criterion.model_validate({
        "id": "9.9", "title": "t", "max": cap, "owners": ["u"], "remedy": "r",
        "source": {"document": "d", "verified": True},
        "requires": [{"id": f"d{i}", "type": "document", "label": "x", "owner": "u", "match": {"kind": "BC"}}
                     for i in range(n)],
        "score": {**method, "requires": [f"d{i}" for i in range(n)]},
    })


decimals = st.decimals(D("0.05"), D(5), places=2)


@given(cap=decimals, per_item=decimals, n=st.integers(1, 6))
def test_per_item_passes_the_check_exactly_when_every_item_met_gives_the_maximum(cap: D, per_item: D, n: int) -> None:
    crit = _criterion(cap, {"method": "per_item", "per_item": per_item}, n)
    flagged = any(p.code == "R030" for p in _check_criterion(crit, Locator(Path("f"), LineIndex({})), None))
    all_met = {f"d{i}": Outcome(f"d{i}", "met", D(1), good=1) for i in range(n)}
    got = score(crit.score, cap, all_met)
    clipped, unreachable = got != per_item * n, got != cap
    assert flagged == (clipped or unreachable)


@given(cap=decimals, floor=st.decimals(D(-3), D(8), places=2), per_violation=decimals, bad=st.integers(0, 30))
def test_an_accepted_deduction_scores_between_its_floor_and_its_maximum(cap: D, floor: D, per_violation: D,
                                                                       bad: int) -> None:
    crit = _criterion(cap, {"method": "deduction", "per_violation": per_violation, "floor": floor}, 1)
    flagged = any(p.code == "R031" for p in _check_criterion(crit, Locator(Path("f"), LineIndex({})), None))
    assert flagged == (not D(0) <= floor <= cap)
    if not flagged:
        got = score(crit.score, cap, {"d0": Outcome("d0", "failed", D(0), bad=bad)})
        assert floor <= got <= cap and got == max(floor, cap - per_violation * bad)

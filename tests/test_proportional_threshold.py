"""`proportional` honours the requirement's threshold: trace, status and points tell one story.

The published rule reads "đạt ngưỡng: đủ điểm; dưới ngưỡng: theo tỷ lệ" (or "dưới ngưỡng: 0"). Before,
96 % against "≥ 95 %" traced "Đạt" and scored 1,92/2.
"""

from __future__ import annotations

import shutil
from decimal import Decimal as D
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.assess import _evaluate_criterion
from engine.authoring.criterion_cases import run_scheme_cases
from engine.dataset_requirements import evaluate_rate
from engine.scheme import Criterion
from engine.scheme_loader import load_scheme, read_scheme
from engine.scoring import score
from tests.conftest import RULES
from tests.editing import edit

CASES_5_2 = """criterion: "5.2"
cases:
  - name: tren-nguong
    description: 96/100 hoàn thành tốt trở lên, ngưỡng 95 phần trăm
    datasets:
      staff_evaluations:
        - {group: Công chức, grade: Hoàn thành tốt nhiệm vụ trở lên, n: 96}
        - {group: Công chức, grade: Hoàn thành nhiệm vụ, n: 4}
    expect: {points: 1, status: đạt, missing: []}
  - name: duoi-nguong
    description: 94/100 hoàn thành tốt trở lên, ngưỡng 95 phần trăm
    datasets:
      staff_evaluations:
        - {group: Công chức, grade: Hoàn thành tốt nhiệm vụ trở lên, n: 94}
        - {group: Công chức, grade: Hoàn thành nhiệm vụ, n: 6}
    expect: {points: BELOW, status: đạt một phần, missing: [hoan-thanh-tot]}
"""


@pytest.mark.parametrize(("mode", "below"), [("proportional", "0.97"), ("zero", "0.5")])
def test_at_the_threshold_full_points_below_it_as_the_rule_says(tmp_path: Path, mode: str, below: str) -> None:
    folder = tmp_path / "scheme"
    shutil.copytree(RULES / "ha-giang-2023-so", folder)
    field = folder / "fields" / "5-che-do-cong-vu.yaml"
    edit(field, "threshold: 1\n        owner: tccb", "threshold: 0.95\n        owner: tccb")
    edit(field, "method: proportional, below_threshold: proportional, requires: [hoan-thanh-tot]",
         f"method: proportional, below_threshold: {mode}, requires: [hoan-thanh-tot]")
    (folder / "cases" / "5.2.yaml").write_text(CASES_5_2.replace("BELOW", below), encoding="utf-8")
    run = run_scheme_cases(folder, load_scheme(folder), criterion="5.2", prefer="python")
    assert [r.case.name for r in run.results if r.passed] == ["tren-nguong", "duoi-nguong"], \
        [p.message for r in run.results for p in r.problems]
    above = run.results[0]
    assert any(line.startswith("Đạt — Tỷ lệ công chức, viên chức hoàn thành tốt") for line in above.trace)


def test_a_rule_file_must_say_what_happens_below_the_threshold(tmp_path: Path) -> None:
    folder = tmp_path / "scheme"
    shutil.copytree(RULES / "ha-giang-2023-so", folder)
    edit(folder / "fields" / "5-che-do-cong-vu.yaml", "below_threshold: proportional, ", "")
    _, problems = read_scheme(folder)
    [p] = [p for p in problems if p.code == "R013"]
    assert p.criterion == "5.2" and "below_threshold" in p.message


def test_below_threshold_belongs_to_proportional_only(tmp_path: Path) -> None:
    folder = tmp_path / "scheme"
    shutil.copytree(RULES / "ha-giang-2023-so", folder)
    edit(folder / "fields" / "5-che-do-cong-vu.yaml", "method: all_or_nothing, requires: [khong-co-khtnv]",
         "method: all_or_nothing, below_threshold: zero, requires: [khong-co-khtnv]")
    _, problems = read_scheme(folder)
    assert [p.criterion for p in problems if p.code == "R013"] == ["5.2"]


def _criterion(cap: D, threshold: D, mode: str) -> Criterion:
    return Criterion.model_validate({
        "id": "9.9", "title": "t", "max": cap, "owners": ["u"], "remedy": "r",
        "source": {"document": "d", "verified": True},
        "requires": [{"id": "r", "type": "rate", "label": "Tỷ lệ", "owner": "u", "dataset": "staff_evaluations",
                      "numerator": {"grade": ["htt"]}, "threshold": threshold, "if_empty": "missing"}],
        "score": {"method": "proportional", "below_threshold": mode, "requires": ["r"]},
    })


@given(total=st.integers(1, 400), share=st.floats(0, 1), threshold=st.integers(0, 100),
       cap=st.sampled_from([D("0.25"), D("0.5"), D(1), D(2), D("3.5")]),
       mode=st.sampled_from(["proportional", "zero"]))
def test_trace_status_and_points_agree(total: int, share: float, threshold: int, cap: D, mode: str) -> None:
    good = round(total * share)
    frame = pd.DataFrame({"grade": ["htt", "ht"], "_n": [good, total - good], "_row": [2, 3]})
    crit = _criterion(cap, D(threshold) / 100, mode)
    outcome = evaluate_rate(crit.requires[0], frame, as_of=pd.Timestamp("2024-12-31").date())
    result = _evaluate_criterion(crit, "9", {"r": outcome})
    ratio = D(good) / D(total)
    reached = ratio >= D(threshold) / 100
    assert result.trace[0].startswith("Đạt — ") == reached
    if reached:
        assert (result.points, result.status) == (cap, "met")
    else:
        unrounded = score(crit.score, cap, {"r": outcome})
        assert unrounded == (cap * ratio if mode == "proportional" else 0) < cap
        assert result.status != "met" or result.points == cap  # only the council's rounding can reach max
        assert (result.status == "failed") == (result.points == 0)

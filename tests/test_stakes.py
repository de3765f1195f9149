"""Points at stake tell the truth: what can still be won at the as-of date, what is already lost, and never
a criterion out of the maximum."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.assess import Assessor, _evaluate_criterion, _implied
from engine.cli import main
from engine.dataset_requirements import evaluate_rate
from engine.pipeline import prepare
from engine.rate_reach import reach
from engine.scheme import RateRequirement
from engine.scoring import round_points, score
from tests.conftest import CASES, SEED
from tests.editing import edit

Q3 = CASES / "ha-giang-sonnptnt-2024-q3"


def _copy(tmp_path: Path, source: Path) -> Path:
    target = tmp_path / "case"
    shutil.copytree(source, target)
    return target


def _json(capsys, *args: str) -> dict:
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


# ---- 1. a criterion out of the maximum is at stake for no one ---------------------------------------------

@pytest.mark.parametrize("as_of", ["26/12/2023", "1/11/2023"])
def test_a_not_applicable_criterion_is_not_at_stake(tmp_path: Path, capsys, as_of: str) -> None:
    case = _copy(tmp_path, SEED)
    edit(case / "case.yaml", "inputs: inputs.yaml\n", 'inputs: inputs.yaml\nnot_applicable: {"2.2": "lý do"}\n')
    data = _json(capsys, "assess", str(case), "--unit", "thanh-tra", "--as-of", as_of, "--format", "json")
    winnable = data["points_at_stake_by_unit"].get("thanh-tra", 0)
    lost = data["points_lost_by_unit"].get("thanh-tra", 0)
    assert winnable + lost == 0.75  # 2.1's two items; 2.2 (1 point) is out of the maximum
    crit = next(c for c in data["criteria"] if c["id"] == "2.2")
    assert crit["missing"] == [] and crit["reachable"] == 0 and crit["lost"] == 0


# ---- 3. standing: winnable, partly winnable, lost --------------------------------------------------------

def test_at_30_9_chi_cuc_ptnt_can_win_only_what_is_not_yet_settled(capsys) -> None:
    """Was 4,11 "có thể lấy lại", including a task finished late in May and dossiers already returned late."""
    data = _json(capsys, "assess", "ha-giang-sonnptnt-2024-q3", "--unit", "chi-cuc-ptnt", "--format", "json")
    assert data["points_at_stake_by_unit"]["chi-cuc-ptnt"] == 2  # apology letters for 2 late dossiers
    assert data["points_lost_by_unit"]["chi-cuc-ptnt"] == 2.08
    items = {(c["id"], m["requirement"]): m for c in data["criteria"] for m in c["missing"]}
    task = items[("1.3", "nhiem-vu")]
    assert (task["standing"], task["lost_on"], task["points_at_stake"]) == ("đã mất", "2024-05-31", 0)
    rate = items[("3.2", "ho-so-dung-han")]
    assert rate["standing"] == "đã mất" and rate["points_lost"] == 1 and rate["lost_on"] is None  # dateless counts
    assert items[("3.2", "xin-loi")]["standing"] == "còn lấy được"


def test_a_plan_due_in_january_is_lost_at_30_9(capsys) -> None:
    data = _json(capsys, "assess", "ha-giang-sonnptnt-2024-q3", "--format", "json")
    plans = [m for c in data["criteria"] if c["id"] == "1.4" for m in c["missing"]]
    assert len(plans) == 3
    assert all((m["standing"], m["lost_on"], m["points_at_stake"], m["points_lost"])
               == ("đã mất", "2024-01-30", 0, 0.05) for m in plans)
    assert data["winnable"] == round(data["reachable"] - data["total"], 2) and data["lost"] == 2.25


def test_the_seed_after_appraisal_is_all_lesson(capsys) -> None:
    data = _json(capsys, "assess", "--format", "json")
    assert (data["total"], data["classification"], data["reachable"], data["winnable"]) == (75.66, "Khá", 75.66, 0)
    items = [m for c in data["criteria"] for m in c["missing"]]
    assert items and all(m["standing"] == "đã mất" and m["points_at_stake"] == 0 for m in items)
    assert data["points_at_stake_by_unit"] == {}


def test_on_time_rate_says_what_it_can_still_reach() -> None:
    """Even if every remaining dossier is on time: (335 + 38 open + 84 at the pace so far) / (340 + 38 + 84)."""
    scheme, evidence = prepare(Q3)
    c = next(c for c in Assessor(scheme).assess(evidence).criteria if c.id == "3.2")
    line = next(t for t in c.trace if t.startswith("Đã mất"))
    assert "38 đang giải quyết" in line and "84 hồ sơ" in line and "98,92% < 100%" in line


def test_expected_remaining_in_case_yaml_replaces_the_pace_assumption(tmp_path: Path) -> None:
    case = _copy(tmp_path, Q3)
    edit(case / "case.yaml", "inputs: inputs.yaml\n", "inputs: inputs.yaml\nexpected_remaining: {dossiers: 200}\n")
    scheme, evidence = prepare(case)
    c = next(c for c in Assessor(scheme).assess(evidence).criteria if c.id == "3.2")
    line = next(t for t in c.trace if t.startswith("Đã mất"))
    assert "200 dự kiến tiếp nhận thêm theo case.yaml" in line and "99,13%" in line  # 573/578


def _dossiers(rows: list[tuple[str, int, date | None]]) -> pd.DataFrame:
    return pd.DataFrame({"status": [r[0] for r in rows], "_n": [r[1] for r in rows], "due": [r[2] for r in rows],
                         "apology": [None] * len(rows), "_row": range(2, len(rows) + 2)})


RATE = RateRequirement(id="r", type="rate", label="Tỷ lệ đúng hạn", dataset="dossiers",
                       numerator={"status": ["truoc-han", "dung-han"]},
                       denominator={"status": ["truoc-han", "dung-han", "qua-han"]}, threshold=Decimal("0.95"),
                       owner=["u"], if_empty="missing")


def test_a_rate_below_threshold_is_winnable_while_open_items_can_lift_it() -> None:
    frame = _dossiers([("truoc-han", 90, None), ("qua-han", 10, date(2024, 3, 1)), ("dang-giai-quyet", 100, None)])
    # 190/200 = 95%: reachable if every open dossier is on time
    assert reach(RATE, frame, 90, 100, date(2024, 6, 30), None, 0) is None


def test_a_rate_lost_says_the_due_date_of_the_dossier_that_lost_it() -> None:
    late = [("qua-han", 1, date(2024, m, 1)) for m in range(2, 9)]
    frame = _dossiers([("truoc-han", 93, None), *late])
    got = reach(RATE, frame, 93, 100, date(2024, 9, 30), None, 0)
    # 5 late of 100 are allowed at 95%: the 6th (due 01/07) lost it
    assert got is not None and got.lost and got.lost_on == date(2024, 7, 1) and got.best == Decimal("0.93")


def test_a_partly_winnable_rate_scores_what_is_still_reachable() -> None:
    """A proportional rate that cannot reach its threshold can still gain up to the best reachable rate."""
    frame = _dossiers([("truoc-han", 80, None), ("qua-han", 20, date(2024, 2, 1)), ("dang-giai-quyet", 50, None)])
    outcome = evaluate_rate(RATE, frame, date(2024, 9, 30), period_end=None, expected=0)
    item = outcome.items[0]
    assert item.lost and item.now is not None and item.now.ratio == Decimal(130) / Decimal(150)
    assert outcome.resolve_now((0,)) is item.now


# ---- 2. a requirement met in full can carry another with it (kéo theo) ---------------------------------

def test_meeting_the_on_time_rate_also_empties_the_apology_rate() -> None:
    """All dossiers on time leaves no late dossier to apologise for: the promise must include 3.2.b."""
    scheme, evidence = prepare(Q3)
    crit = scheme.criterion("3.2")
    frame = evidence.datasets["dossiers"]
    as_of = date(2024, 9, 30)
    outcomes = {r.id: evaluate_rate(r, frame, as_of) if isinstance(r, RateRequirement) else None
                for r in crit.requires}
    outcomes["hai-long"] = _hai_long(scheme, evidence)
    # make the on-time rate winnable, to see what resolving it in full is worth
    on_time = outcomes["ho-so-dung-han"]
    outcomes["ho-so-dung-han"] = replace(on_time, items=tuple(replace(i, lost=False) for i in on_time.items))
    result = _evaluate_criterion(crit, "3", outcomes)
    item = next(m for m in result.missing if m.requirement == "ho-so-dung-han")
    # the real gain: the same dossiers, every late one returned on time
    fixed = frame.assign(status=frame["status"].replace({"qua-han": "truoc-han"}))
    real = {**outcomes, **{r.id: evaluate_rate(r, fixed, as_of) for r in crit.requires
                           if isinstance(r, RateRequirement)}}
    real_gain = round_points(score(crit.score, crit.max, real)) - result.points
    assert real_gain == 3  # 1 (bands 1 → 2) + 2 (no late dossier left without a letter)
    assert item.requirement_points_at_stake == real_gain == item.points_at_stake
    assert item.implies == ("Hồ sơ quá hạn có thư xin lỗi người dân, tổ chức",)


def _hai_long(scheme, evidence):
    from engine.assess import _input_outcome

    crit = scheme.criterion("3.2")
    return _input_outcome(crit, crit.requirement("hai-long"), evidence.inputs.get(("3.2", "hai-long")))


# ---- agreement: items, unit lines and the reachable maximum ---------------------------------------------

@pytest.fixture(scope="module")
def cases():
    return {name: (prepare(CASES / name), None) for name in ("ha-giang-sonnptnt-2023", "ha-giang-sonnptnt-2024-q3")}


@given(name=st.sampled_from(["ha-giang-sonnptnt-2023", "ha-giang-sonnptnt-2024-q3"]),
       offset=st.integers(min_value=-330, max_value=60), drop=st.sets(st.sampled_from(["1.4", "2.1", "2.2", "3.2"])))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_items_unit_lines_and_reachable_maximum_agree(cases, name: str, offset: int, drop: set[str]) -> None:
    (scheme, evidence), _ = cases[name]
    not_applicable = {c: "thử" for c in drop if scheme.criterion(c)}
    evidence = replace(evidence, case=evidence.case.model_copy(update={"not_applicable": not_applicable}))
    a = Assessor(scheme, prefer="python").assess(evidence, as_of=date.fromordinal(evidence.case.as_of.toordinal()
                                                                                   + offset))
    assert a.reachable == a.total + sum((c.reachable - c.points for c in a.criteria if c.applicable), Decimal(0))
    assert a.reachable + a.lost <= a.max
    units: dict[str, Decimal] = {}
    for c in a.criteria:
        if not c.applicable:
            assert not c.missing and not c.stake_by_unit and not c.lost_by_unit and c.lost == 0
            continue
        assert c.points <= c.reachable and c.reachable + c.lost <= c.max
        for m in c.missing:
            assert m.points_at_stake >= 0 and m.points_lost >= 0
            if m.standing == "lost":
                assert m.points_at_stake == 0
            if m.standing == "winnable":
                assert m.points_lost == 0
            assert m.points_at_stake <= c.reachable - c.points
        for unit, v in c.stake_by_unit.items():
            units[unit] = units.get(unit, Decimal(0)) + v
            assert v <= c.reachable - c.points
        # independent items (one requirement each, all-or-nothing parts): gains add up exactly
        if _independent(scheme.criterion(c.id)):
            assert sum((m.points_at_stake for m in c.missing), Decimal(0)) == c.reachable - c.points
            for unit, v in c.stake_by_unit.items():
                assert v == sum((m.points_at_stake for m in c.missing if unit in m.owner), Decimal(0))
    assert {u: v for u, v in units.items() if v} == a.stake_by_unit()
    for unit in a.stake_by_unit():
        view = a.for_unit(unit)
        assert view.stake_by_unit()[unit] == a.stake_by_unit()[unit]


def _independent(crit) -> bool:
    """One item per requirement (no dataset of many items), each alone in an all-or-nothing part, none
    carrying another with it."""
    spec = crit.score
    parts = spec.parts if spec.method == "sum" else [spec]
    single = all(r.type in ("document", "input", "rate") for r in crit.requires)
    return single and not _implied(crit) and all(
        p.method in ("all_or_nothing", "entered") and len(p.requires) == 1 for p in parts)


@pytest.mark.parametrize(("value", "said"), [
    ("{dossier: 12}", "expected_remaining nêu bộ dữ liệu không khai trong datasets: dossier"),
    ("{dossiers: -1}", "expected_remaining.dossiers"),
])
def test_a_wrong_expected_remaining_is_refused_not_ignored(tmp_path: Path, capsys, value: str, said: str) -> None:
    case = _copy(tmp_path, Q3)
    edit(case / "case.yaml", "inputs: inputs.yaml\n", f"inputs: inputs.yaml\nexpected_remaining: {value}\n")
    assert main(["assess", str(case)]) == 2
    err = capsys.readouterr().err
    assert "case.yaml" in err and said in err


@pytest.mark.parametrize(("as_of", "standing"), [("30/1/2024", "còn lấy được"), ("31/1/2024", "đã mất")])
def test_a_document_can_still_be_won_on_its_due_day_and_is_lost_the_day_after(capsys, as_of: str,
                                                                               standing: str) -> None:
    data = _json(capsys, "assess", "ha-giang-sonnptnt-2024-q3", "--as-of", as_of, "--format", "json")
    plan = next(m for c in data["criteria"] if c["id"] == "1.4" for m in c["missing"]
                if m["requirement"] == "ke-hoach-bql-du-gia")
    assert plan["standing"] == standing

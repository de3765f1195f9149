"""Boundaries of the scoring core, each pinned by a test that a one-line mutation of the engine fails.

Found by mutation testing (issue 7, tools/mutation.py): the suite passed with `>` turned into `>=` at the
as-of day, band edges moved, the index left unrounded, clamps removed, or the first on-time document taken
instead of the earliest. Dates, statuses, points, class and index are checked on the real cases and the real
engine; the clamps on `engine.scoring.score` with hand-built outcomes, so they stay valid whatever the
evidence readers come to refuse (a ratio above 1, a negative floor).
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from engine.as_of_status import deadline_status, dossier_status
from engine.assess import Assessor
from engine.dataset_requirements import evaluate_deadlines, evaluate_rate
from engine.outcomes import Outcome
from engine.pipeline import prepare
from engine.results import Assessment
from engine.scheme import Criterion, DeadlineRequirement, RateRequirement, Scheme, Score
from engine.scheme_loader import load_scheme
from engine.scoring import score
from evidence.datasets import read_dataset
from tests.conftest import CASES, RULES, SEED
from tests.editing import edit

Q3 = CASES / "ha-giang-sonnptnt-2024-q3"
DAY = timedelta(days=1)


@pytest.fixture(scope="module")
def q3():
    scheme, evidence = prepare(Q3)
    return scheme, evidence, Assessor(scheme, prefer="python")


def _criterion(result: Assessment, crit_id: str):
    return next(c for c in result.criteria if c.id == crit_id)


def _states(result: Assessment, crit_id: str, requirement: str) -> list[str]:
    return [m.state for m in _criterion(result, crit_id).missing if m.requirement == requirement]


def _copy(case: Path, tmp_path: Path) -> Path:
    folder = tmp_path / case.name
    shutil.copytree(case, folder)
    return folder


# ---- same-day boundaries -----------------------------------------------------------------------------------


def test_a_document_dated_on_the_as_of_day_counts(q3) -> None:
    """Issued on the as-of day: it exists that day (assess.py keeps only documents dated *after* as_of apart)."""
    _, evidence, assessor = q3
    doc = next(d for d in evidence.documents if d.cite().startswith("1105/QĐ-UBND"))  # answers 7.2
    on_the_day = assessor.assess(evidence, as_of=doc.effective_date)
    day_before = assessor.assess(evidence, as_of=doc.effective_date - DAY)
    assert _criterion(on_the_day, "7.2").points == _criterion(on_the_day, "7.2").max
    assert not [w for w in on_the_day.warnings if w.code == "W004" and w.row == doc.row]
    assert _criterion(day_before, "7.2").points == 0
    assert [w.row for w in day_before.warnings if w.code == "W004" and w.row == doc.row] == [doc.row]


def test_a_missing_document_is_not_yet_due_on_its_due_day(q3) -> None:
    """The plan due 30/01 can still be sent on 30/01: missing only from the next day."""
    scheme, evidence, assessor = q3
    due = scheme.criterion("1.4").requirement("ke-hoach-chi-cuc-qlcl").due
    assert due is not None
    assert _states(assessor.assess(evidence, as_of=due), "1.4", "ke-hoach-chi-cuc-qlcl") == ["not_due"]
    assert _states(assessor.assess(evidence, as_of=due + DAY), "1.4", "ke-hoach-chi-cuc-qlcl") == ["missing"]


def test_a_document_without_its_own_due_date_is_not_yet_due_on_the_evidence_deadline(q3) -> None:
    scheme, evidence, assessor = q3
    deadline = scheme.evidence_deadline.due
    assert _states(assessor.assess(evidence, as_of=deadline), "2.2", "bao-cao-thpl") == ["not_due"]
    assert _states(assessor.assess(evidence, as_of=deadline + DAY), "2.2", "bao-cao-thpl") == ["missing"]


def test_a_rate_is_measured_on_its_due_day(q3) -> None:
    """A rate short of its threshold is "not yet measured" before its due day, final on it."""
    scheme, evidence, _ = q3
    req = scheme.criterion("5.2").requirement("hoan-thanh-tot")
    assert isinstance(req, RateRequirement)
    due = date(2024, 9, 30)
    dated = req.model_copy(update={"due": due})
    frame = evidence.datasets[req.dataset]
    before, on_the_day = evaluate_rate(dated, frame, due - DAY), evaluate_rate(dated, frame, due)
    assert before.ratio == on_the_day.ratio < req.threshold  # the same shortfall both days
    assert (before.state, on_the_day.state) == ("not_due", "failed")
    assert ([i.state for i in before.items], [i.state for i in on_the_day.items]) == (["not_due"], ["failed"])


DOSSIERS = """Mã hồ sơ,Ngày tiếp nhận,Ngày hẹn trả,Ngày trả kết quả,Thư xin lỗi
HS-1,2/9/2024,20/9/2024,19/9/2024,
HS-2,12/9/2024,30/9/2024,,
"""


def test_an_open_dossier_is_not_late_on_its_due_day(tmp_path: Path) -> None:
    """Due 30/9, not yet returned, as-of 30/9: it can still be returned that day (đang giải quyết)."""
    path = tmp_path / "dossiers.csv"
    path.write_text(DOSSIERS, encoding="utf-8")
    frame = read_dataset("dossiers", path, units={})
    at = dict(zip(frame["id"], dossier_status(frame, date(2024, 9, 30))[0], strict=True))
    assert at == {"HS-1": "truoc-han", "HS-2": "dang-giai-quyet"}
    after = dict(zip(frame["id"], dossier_status(frame, date(2024, 10, 1))[0], strict=True))
    assert after == {"HS-1": "truoc-han", "HS-2": "qua-han"}


def test_an_open_dossier_due_on_the_as_of_day_keeps_the_rate_whole(tmp_path: Path) -> None:
    """The same boundary through assess: 3.2's on-time rate is 1/1 on 30/9 and 1/2 on 1/10."""
    folder = _copy(Q3, tmp_path)
    (folder / "datasets" / "dossiers.csv").write_text(DOSSIERS, encoding="utf-8")
    scheme, evidence = prepare(folder)
    assessor = Assessor(scheme, prefer="python")
    on_the_day = _criterion(assessor.assess(evidence, as_of=date(2024, 9, 30)), "3.2")
    day_after = _criterion(assessor.assess(evidence, as_of=date(2024, 10, 1)), "3.2")
    assert "ho-so-dung-han" in on_the_day.met and "ho-so-dung-han" not in day_after.met
    assert on_the_day.points > day_after.points


def test_an_open_task_is_within_its_time_on_its_due_day(q3) -> None:
    _, evidence, _ = q3
    frame = evidence.datasets["tasks"]
    row = frame[frame["id"] == "NV-10"]  # due 31/10/2024, not done
    due = row["due"].iloc[0]
    assert deadline_status(row, due, "tasks.csv")[0].tolist() == ["trong-han"]
    assert deadline_status(row, due + DAY, "tasks.csv")[0].tolist() == ["qua-han"]


def test_a_task_done_on_its_due_day_is_on_time(q3) -> None:
    _, evidence, _ = q3
    frame = evidence.datasets["tasks"].copy()
    row = frame[frame["id"] == "NV-09"].copy()  # due 31/8/2024
    row["done"] = row["due"]
    assert deadline_status(row, date(2024, 9, 30), "tasks.csv")[0].tolist() == ["dung-han"]
    row["done"] = row["due"] + DAY
    assert deadline_status(row, date(2024, 9, 30), "tasks.csv")[0].tolist() == ["tre-han"]


# ---- which rows a deadline requirement reads --------------------------------------------------------------


def _deadlines(**fields: object) -> DeadlineRequirement:
    data = {"id": "nhiem-vu", "type": "deadlines", "dataset": "tasks", "label": "Nhiệm vụ", "owner": "van-phong",
            **fields}
    if "if_empty" in DeadlineRequirement.model_fields:  # explicit where the model asks for it (issue 7, item 1)
        data["if_empty"] = "missing"
    return DeadlineRequirement.model_validate(data)


def test_where_keeps_only_the_rows_it_names(q3) -> None:
    """q3's tasks: NV-07 of chi-cuc-ptnt was done late; the other units' done tasks were all on time."""
    _, evidence, _ = q3
    frame = evidence.datasets["tasks"]
    everyone, _ = evaluate_deadlines(_deadlines(), frame, date(2024, 9, 30), "tasks.csv")
    ptnt, _ = evaluate_deadlines(_deadlines(where={"unit": "chi-cuc-ptnt"}), frame, date(2024, 9, 30), "tasks.csv")
    others = sorted(set(frame["unit"]) - {"chi-cuc-ptnt"})
    rest, _ = evaluate_deadlines(_deadlines(where={"unit": others}), frame, date(2024, 9, 30), "tasks.csv")
    assert (everyone.good, everyone.bad) == (8, 1)
    assert (ptnt.good, ptnt.bad, ptnt.state) == (2, 1, "failed")
    assert (rest.good, rest.bad, rest.state) == (6, 0, "met")
    assert {i.owner for i in rest.items} == {("chi-cuc-kiem-lam",), ("chi-cuc-tt-bvtv",), ("trung-tam-nsh",)}


# ---- which document counts --------------------------------------------------------------------------------


def test_the_earliest_on_time_document_is_cited_whatever_the_register_order(tmp_path: Path) -> None:
    """Two plans both on time: the trace cites the one sent first, even when a later one comes first."""
    folder = _copy(Q3, tmp_path)
    register = folder / "documents.csv"
    lines = register.read_text(encoding="utf-8").splitlines(keepends=True)
    kiem_lam = next(line for line in lines if line.startswith("15/KH-CCKL"))  # sent 30/01, the due day
    earlier = kiem_lam.replace("15/KH-CCKL", "14/KH-CCKL").replace("29/1/2024,30/1/2024", "10/1/2024,11/1/2024")
    assert earlier != kiem_lam, "the register row moved: update this test"
    register.write_text(lines[0] + kiem_lam + earlier + "".join(lines[1:]), encoding="utf-8")
    scheme, evidence = prepare(folder)
    trace = " ".join(_criterion(Assessor(scheme, prefer="python").assess(evidence), "1.4").trace)
    assert "14/KH-CCKL" in trace and "15/KH-CCKL" not in trace


# ---- the headline: classification and index ---------------------------------------------------------------


@pytest.mark.parametrize("scheme_dir", sorted(p for p in RULES.iterdir() if (p / "scheme.yaml").is_file()),
                         ids=lambda p: p.name)
@pytest.mark.parametrize("order", ["as-written", "reversed"])
def test_an_index_on_a_band_edge_takes_the_band_it_opens(scheme_dir: Path, order: str) -> None:
    """[min, below): each edge belongs to the band it opens, whatever order the author lists the bands in."""
    from engine.assess import _classify

    scheme: Scheme = load_scheme(scheme_dir)
    if order == "reversed":
        bands = list(reversed(scheme.classification.bands))
        scheme = scheme.model_copy(update={"classification": scheme.classification.model_copy(
            update={"bands": bands})})
    cent = Decimal("0.01")
    for band in scheme.classification.bands:
        if band.min is not None:
            assert _classify(scheme, band.min) == band.label, band
            assert _classify(scheme, band.min - cent) != band.label, band
        if band.below is not None:
            assert _classify(scheme, band.below - cent) == band.label, band
            assert _classify(scheme, band.below) != band.label, band


@pytest.mark.parametrize("below", [False, True], ids=["on-the-edge", "a-cent-below"])
def test_a_total_on_a_band_edge_is_classified_by_assess(tmp_path: Path, below: bool) -> None:
    """The seed's 75,66 (Khá) moved by the appraisers' entered points to exactly the lower edge of Khá,
    or one cent under it: through assess, the index and class follow."""
    folder = _copy(SEED, tmp_path)
    scheme, evidence = prepare(folder)
    result = Assessor(scheme, prefer="python").assess(evidence)
    band = next(b for b in scheme.classification.bands if b.label == result.classification)
    assert band.min is not None and result.max == 100  # so the index is the total
    shift = band.min - result.index_percent - (Decimal("0.01") if below else 0)
    khac = _criterion(result, "khac")
    assert 0 <= khac.points + shift <= khac.max
    inputs = folder / "inputs.yaml"
    old = f"value: {khac.points}"
    assert inputs.read_text(encoding="utf-8").count(old) == 1, "inputs.yaml moved: update this test"
    edit(inputs, old, f"value: {khac.points + shift}")
    scheme, evidence = prepare(folder)
    moved = Assessor(scheme, prefer="python").assess(evidence)
    assert moved.index_percent == result.index_percent + shift
    assert (moved.classification == band.label) is not below


def _half_up(value: Fraction) -> Decimal:
    return Decimal(int(value * 100 + Fraction(1, 2)) // 1) / 100  # value ≥ 0: floor(x + ½) is half up


@pytest.mark.parametrize("not_applicable", ["1.1", "2.1", "4.1", "5.2", "5.3"])
def test_the_index_is_rounded_half_up_once_over_the_applicable_maximum(tmp_path: Path, not_applicable: str) -> None:
    """With a criterion out of the maximum the index no longer divides exactly by 100."""
    folder = _copy(SEED, tmp_path)
    with (folder / "case.yaml").open("a", encoding="utf-8") as f:
        f.write(f'not_applicable:\n  "{not_applicable}": Đơn vị không có nhiệm vụ này (thử nghiệm)\n')
    scheme, evidence = prepare(folder)
    result = Assessor(scheme, prefer="python").assess(evidence)
    out = _criterion(result, not_applicable)
    assert out.status == "not_applicable" and result.max == 100 - out.max
    assert result.total == sum(c.points for c in result.criteria if c.applicable)
    exact = Fraction(result.total) / Fraction(result.max) * 100
    assert (exact * 100).denominator != 1  # not an exact division: the rounding is really exercised
    assert result.index_percent == _half_up(exact)
    assert result.index_percent.as_tuple().exponent == -2


# ---- clamps in engine.scoring.score -----------------------------------------------------------------------


def test_a_ratio_above_one_counts_as_one_in_a_mean() -> None:
    """5/3 must not lift a proportional score above what a ratio of 1 gives (readers may refuse it too)."""
    spec = Score(method="proportional", requires=["a", "b"])
    above = {"a": Outcome("a", "met", Decimal(5) / Decimal(3)), "b": Outcome("b", "failed", Decimal(0))}
    whole = {"a": Outcome("a", "met", Decimal(1)), "b": Outcome("b", "failed", Decimal(0))}
    assert score(spec, Decimal(2), above) == score(spec, Decimal(2), whole) == Decimal(1)


def test_a_negative_floor_never_gives_negative_points() -> None:
    """The model admits floor < 0 (rules check may refuse it): score still never goes below 0."""
    spec = Score(method="deduction", requires=["a"], per_violation=Decimal("0.5"), floor=Decimal(-3))
    assert score(spec, Decimal(1), {"a": Outcome("a", "failed", Decimal(0), bad=1)}) == Decimal("0.5")
    assert score(spec, Decimal(1), {"a": Outcome("a", "failed", Decimal(0), bad=5)}) == 0


def test_an_input_assumed_entered_is_worth_its_whole_part() -> None:
    """A missing input's counterfactual (points at stake) is "met" without a value: the part's full points."""
    spec = Score(method="entered", requires=["x"])
    assert score(spec, Decimal(2), {"x": Outcome("x", "met", Decimal(1))}) == 2
    assert score(spec, Decimal(2), {"x": Outcome("x", "missing", None)}) == 0


def test_negative_entered_points_score_zero() -> None:
    spec = Score(method="entered", requires=["x"])
    assert score(spec, Decimal(1), {"x": Outcome("x", "entered", None, value=Decimal("-0.5"))}) == 0



# ---- statuses follow the rows they belong to ---------------------------------------------------------------


def test_statuses_keep_the_rows_index_when_the_frame_is_a_selection(q3, tmp_path: Path) -> None:
    """A filtered frame (where:, a unit's rows) has gaps in its index: each status stays with its own row."""
    _, evidence, _ = q3
    tasks = evidence.datasets["tasks"]
    picked = tasks[tasks["id"].isin(["NV-10", "NV-07", "NV-01"])].iloc[::-1]  # index 9, 6, 0
    status, _ = deadline_status(picked, date(2024, 9, 30), "tasks.csv")
    assert status.index.equals(picked.index)
    assert dict(zip(picked["id"], status, strict=True)) == {"NV-10": "trong-han", "NV-07": "tre-han",
                                                            "NV-01": "dung-han"}
    path = tmp_path / "dossiers.csv"
    path.write_text(DOSSIERS, encoding="utf-8")
    dossiers = read_dataset("dossiers", path, units={})
    picked = dossiers.iloc[::-1].set_axis([7, 3])
    status, declared = dossier_status(picked, date(2024, 10, 1))
    assert status.index.equals(picked.index) and declared.index.equals(picked.index)
    assert status.to_dict() == {7: "qua-han", 3: "truoc-han"}


def test_a_declared_status_the_dates_contradict_is_w005_at_its_row(q3) -> None:
    _, evidence, _ = q3
    row = evidence.datasets["tasks"].query("id == 'NV-07'").copy()  # done 10/6 after its due day 31/5
    row["status"] = "dung-han"
    status, warnings = deadline_status(row, date(2024, 9, 30), "tasks.csv")
    assert status.tolist() == ["tre-han"]
    (warning,) = warnings
    assert (warning.code, warning.file, warning.row, warning.column) == \
        ("W005", "tasks.csv", int(row["_row"].iloc[0]), "Tình trạng")
    assert "hoàn thành đúng hạn" in warning.message and "hoàn thành quá hạn" in warning.message  # said, then found


def test_a_task_with_neither_dates_nor_status_is_e011_never_dropped(q3) -> None:
    """Nothing decides its status: an error at its row, not a row left out of the count."""
    _, evidence, _ = q3
    frame = evidence.datasets["tasks"].copy()
    frame.loc[frame["id"] == "NV-05", ["due", "done", "status"]] = None
    outcome, problems = evaluate_deadlines(_deadlines(), frame, date(2024, 9, 30), "tasks.csv")
    row = int(frame.loc[frame["id"] == "NV-05", "_row"].iloc[0])
    assert [(p.code, p.row) for p in problems if p.severity == "error"] == [("E011", row)]
    assert (outcome.good, outcome.bad) == (7, 1)  # the other rows as before (8 on time with NV-05, 1 late)


# ---- a criterion's status and its parts -------------------------------------------------------------------


def _criterion_model(method: str = "all_or_nothing", requires: tuple[str, ...] = ("a", "b")) -> Criterion:
    return Criterion.model_validate({
        "id": "9.9", "title": "Thử", "max": 1, "owners": ["tccb"], "remedy": "-",
        "source": {"document": "thử", "verified": True},
        "requires": [{"id": r, "type": "input", "label": r, "owner": "tccb"} for r in requires],
        "score": {"method": method, "requires": list(requires)},
    })


def _o(rid: str, state: str, ratio: str | None = "0") -> Outcome:
    return Outcome(rid, state, None if ratio is None else Decimal(ratio))


@pytest.mark.parametrize(("a", "b", "status"), [
    (_o("a", "failed"), _o("b", "missing", None), "failed"),  # evidence of failure outranks an absence
    (_o("a", "missing", None), _o("b", "not_due", None), "missing"),
    (_o("a", "met", "0.5"), _o("b", "not_due", None), "not_due"),  # a ratio short of its threshold, then not due
    (_o("a", "met", "0.5"), _o("b", "met", "0.5"), "failed"),  # evidence in, short of the threshold
    (_o("a", "not_due", None), _o("b", "not_due", None), "not_due"),
    (_o("a", "met", "1"), _o("b", "met", "1"), "met"),
])
def test_a_criterion_without_points_says_why(a: Outcome, b: Outcome, status: str) -> None:
    from engine.assess import _status

    crit = _criterion_model()
    points = score(crit.score, crit.max, {"a": a, "b": b})
    assert _status(crit, points, {"a": a, "b": b}) == status


def test_breakdown_gives_one_line_per_part_or_the_whole() -> None:
    from engine.scoring import breakdown

    whole = Score(method="proportional", id="x", label="X", requires=["a"])
    got = {"a": Outcome("a", "failed", Decimal("0.5"))}
    assert [(p.id, p.label, p.points, p.max, p.method) for p in breakdown(whole, Decimal(2), got)] == \
        [("x", "X", Decimal(1), Decimal(2), "proportional")]
    parts = Score(method="sum", parts=[Score(method="proportional", id="p", label="P", max=Decimal(1), requires=["a"]),
                                       Score(method="all_or_nothing", id="q", label="Q", max=Decimal(1),
                                             requires=["a"])])
    assert [(p.id, p.label, p.points, p.max, p.method) for p in breakdown(parts, Decimal(2), got)] == \
        [("p", "P", Decimal("0.5"), Decimal(1), "proportional"), ("q", "Q", Decimal(0), Decimal(1), "all_or_nothing")]


def test_where_on_two_fields_keeps_rows_that_meet_both(q3) -> None:
    _, evidence, _ = q3
    req = _deadlines(where={"unit": "chi-cuc-ptnt", "id": ["NV-07", "NV-01"]})  # NV-01 is chi-cuc-tt-bvtv's
    outcome, _ = evaluate_deadlines(req, evidence.datasets["tasks"], date(2024, 9, 30), "tasks.csv")
    assert (outcome.good, outcome.bad) == (0, 1)

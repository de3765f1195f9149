"""Issue 7, part B: inputs that used to change a score without a word.

Empty datasets (if_empty), entered values above their maximum, repeated rows, indicator rates
above 100 %, each with a regression test on a copy of the seed case and a property test over the
class. The agreement of `cchc evidence check` and `cchc assess` is in test_check_assess_agree.py.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.case_checks import case_problems
from engine.cli import main
from engine.dataset_requirements import evaluate_deadlines, evaluate_rate
from engine.pipeline import prepare
from engine.scheme import DeadlineRequirement, InputRequirement, RateRequirement
from engine.scheme_loader import load_scheme
from evidence.case import InputValue
from evidence.datasets import MAX_ROW_WARNINGS, RowsRejected, read_dataset
from evidence.problems import InputError
from tests.conftest import RULES, SEED
from tests.editing import edit, line_of

AS_OF = date(2023, 12, 26)


@pytest.fixture
def case(tmp_path: Path) -> Path:
    target = tmp_path / "case"
    shutil.copytree(SEED, target)
    return target


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _header_only(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")


# ---- 1. empty datasets and if_empty -------------------------------------------------------------------


def test_header_only_datasets_are_warned_and_never_plain_met(capsys, case: Path) -> None:
    """Before: 75,66 became 78,16 with no word (procedures and tasks scored "đạt" on nothing)."""
    for name in ("procedures", "dossiers", "tasks"):
        _header_only(case / "datasets" / f"{name}.csv")
    code, out, _ = run(capsys, "assess", str(case), "--format", "json")
    assert code == 0
    data = json.loads(out)
    crit = {c["id"]: c for c in data["criteria"]}
    # a file with no rows is no evidence: missing, whatever if_empty says (it speaks of filters matching nothing)
    assert (crit["1.3"]["points"], crit["1.3"]["status"]) == (0, "thiếu tài liệu")
    assert (crit["3.1"]["points"], crit["3.1"]["status"]) == (0, "thiếu tài liệu")
    assert any("không có hàng nào" in line for line in crit["3.1"]["trace"])
    # the apology part (if_empty: met) is not met on an empty file: no points come from nothing
    assert crit["3.2"]["points"] == 0.01
    assert all(line.startswith(("Thiếu", "Nhập ngoài")) for line in crit["3.2"]["trace"])
    assert data["total"] < 75.66  # never extra points: 1.3 loses its 0,94
    warnings = [w for w in data.get("warnings", []) if "W045" in json.dumps(w, ensure_ascii=False)]
    assert len(warnings) == 3

    code, out, _ = run(capsys, "evidence", "check", str(case))
    assert code == 0
    w045 = [line for line in out.splitlines() if "[W045]" in line]
    assert len(w045) == 3
    assert f"case.yaml, dòng {line_of(case / 'case.yaml', 'procedures:')}" in "\n".join(w045)


def test_a_counted_requirement_without_if_empty_is_r002(tmp_path: Path) -> None:
    scheme = tmp_path / "scheme"
    shutil.copytree(RULES / "ha-giang-2023-so", scheme)
    field = scheme / "fields" / "3-thu-tuc-hanh-chinh.yaml"
    edit(field, "        if_empty: missing  # giả định thận trọng", "        # giả định thận trọng")
    with pytest.raises(InputError) as exc:
        load_scheme(scheme)
    [problem] = exc.value.problems
    assert problem.code == "R002" and problem.criterion == "3.1"
    assert problem.line == line_of(field, "- id: cong-bo-dung-han")
    assert "thiếu khóa if_empty" in problem.message and "if_empty: met" in problem.message


def _deadline_frame(statuses: list[str | None]) -> pd.DataFrame:
    n = len(statuses)
    return pd.DataFrame({
        "id": [f"NV-{i}" for i in range(n)], "title": ["x"] * n, "basis": [None] * n, "unit": [None] * n,
        "due": [None] * n, "done": [None] * n, "status": statuses, "n": [None] * n, "note": [None] * n,
        "_row": list(range(2, n + 2)), "_n": [1] * n,
    }, dtype=object).astype({"_row": "int64", "_n": "int64"})


CODES = ["dung-han", "tre-han", "qua-han", "trong-han"]


@settings(max_examples=60, deadline=None)
@given(statuses=st.lists(st.sampled_from(CODES), max_size=4), only=st.sets(st.sampled_from(CODES)),
       if_empty=st.sampled_from(["met", "missing"]))
def test_deadlines_met_only_on_counted_items_or_said_empty(statuses: list[str], only: set[str],
                                                          if_empty: str) -> None:
    """Property: nothing counted is met only under `if_empty: met`, and then the outcome says it is empty."""
    req = DeadlineRequirement.model_validate({"id": "nv", "type": "deadlines", "label": "Nhiệm vụ",
                                              "dataset": "tasks", "owner": "van-phong", "if_empty": if_empty,
                                              "where": {"status": sorted(only)} if only else {}})
    outcome, _ = evaluate_deadlines(req, _deadline_frame(list(statuses)), AS_OF, "tasks.csv")
    counted = [s for s in statuses if not only or s in only]
    if not statuses:  # no rows at all: no evidence, whatever if_empty says
        assert (outcome.state, outcome.empty) == ("missing", False)
    elif not counted:
        assert outcome.state == ("met" if if_empty == "met" else "missing")
        assert outcome.empty == (if_empty == "met")
        assert not outcome.trace[0].startswith("Đạt")
    else:
        assert not outcome.empty
        if outcome.state == "met":
            assert set(counted) - {"trong-han"} == {"dung-han"}  # items still in time are not judged


@settings(max_examples=60, deadline=None)
@given(statuses=st.lists(st.sampled_from(["truoc-han", "dung-han", "qua-han", "dang-giai-quyet"]), max_size=4),
       if_empty=st.sampled_from(["met", "missing"]))
def test_rates_met_only_on_counted_rows_or_said_empty(statuses: list[str], if_empty: str) -> None:
    req = RateRequirement.model_validate({"id": "r", "type": "rate", "label": "Đúng hạn", "dataset": "dossiers",
                                          "owner": "mot-cua", "threshold": 1, "if_empty": if_empty,
                                          "numerator": {"status": ["truoc-han", "dung-han"]},
                                          "denominator": {"status": ["truoc-han", "dung-han", "qua-han"]}})
    frame = pd.DataFrame({"status": statuses, "_row": range(2, len(statuses) + 2), "_n": [1] * len(statuses)},
                         dtype=object)
    outcome = evaluate_rate(req, frame, AS_OF)
    counted = [s for s in statuses if s != "dang-giai-quyet"]
    if not statuses:  # no rows at all: no evidence, whatever if_empty says
        assert (outcome.state, outcome.empty) == ("missing", False)
        assert "không có hàng nào" in outcome.trace[0]
    elif not counted:
        assert (outcome.state, outcome.empty) == (("met", True) if if_empty == "met" else ("missing", False))
        assert "mẫu số bằng 0" in outcome.trace[0] and not outcome.trace[0].startswith("Đạt")
    else:
        assert not outcome.empty
        assert (outcome.state == "met") == ("qua-han" not in counted)


def test_every_shipped_counted_requirement_states_if_empty() -> None:
    """The schema requires it; this guards against a default creeping back into engine/scheme.py."""
    assert "if_empty" in DeadlineRequirement.model_fields and "if_empty" in RateRequirement.model_fields
    assert DeadlineRequirement.model_fields["if_empty"].is_required()
    assert RateRequirement.model_fields["if_empty"].is_required()


# ---- 2. entered values above their maximum ----------------------------------------------------------------


def test_entered_value_above_the_criterion_maximum_is_e060(capsys, case: Path) -> None:
    """Before: 50 for the 1-point criterion 1.2 scored 1/1, the trace showing 50."""
    edit(case / "inputs.yaml", "value: 0.69", "value: 50")
    line = line_of(case / "inputs.yaml", "  tham-dinh:")  # the first tham-dinh is 1.2's
    code, _, err = run(capsys, "assess", str(case))
    assert code == 2
    [problem] = [e for e in err.splitlines() if "[E060]" in e]
    assert f"inputs.yaml, dòng {line}" in problem and "'1.2/tham-dinh' là 50" in problem
    assert "điểm tối đa 1 của tiêu chí 1.2" in problem
    code, out, _ = run(capsys, "evidence", "check", str(case))
    assert code == 1 and f"inputs.yaml, dòng {line}: [E060]" in out


def test_entered_value_above_its_parts_maximum_is_e060(capsys, case: Path) -> None:
    """3.2's satisfaction part (3.2.c) is worth 2 of the criterion's 6: 3 would have been cut to 2 unseen."""
    edit(case / "inputs.yaml", "value: 0.01", "value: 3")
    code, _, err = run(capsys, "assess", str(case))
    assert code == 2 and "điểm tối đa 2 của phần 3.2.c của tiêu chí 3.2" in err


def test_a_criterion_case_entering_more_than_its_part_is_e060_at_its_line(capsys, tmp_path: Path) -> None:
    scheme = tmp_path / "scheme"
    shutil.copytree(RULES / "ha-giang-2023-so", scheme)
    cases = scheme / "cases" / "3.2.yaml"
    edit(cases, "hai-long: 2\n", "hai-long: 3\n")
    code, out, err = run(capsys, "rules", "test", str(scheme), "-c", "3.2")
    assert code == 1
    assert f"3.2.yaml, dòng {line_of(cases, 'hai-long: 3')}, tiêu chí 3.2: [E060]" in out + err


def test_negative_entered_value_is_refused_by_check_and_assess(capsys, case: Path) -> None:
    edit(case / "inputs.yaml", "value: 0.69", "value: -0.5")
    code, _, err = run(capsys, "assess", str(case))
    assert code == 2 and "[E014]" in err and "không âm" in err
    code, out, _ = run(capsys, "evidence", "check", str(case))
    assert code == 1 and "[E014]" in out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_entered_points_are_refused_exactly_above_their_cap(seed, data: st.DataObject) -> None:
    """Property: for every points input of the seed scheme, a value is E060 iff above the maximum of the
    scoring part that enters it (the criterion's, for a criterion scored `entered`)."""
    scheme, evidence = seed
    points_inputs = [(c, r) for c in scheme.criteria() for r in c.requires
                     if isinstance(r, InputRequirement) and r.unit == "points"]
    crit, req = data.draw(st.sampled_from(points_inputs))
    caps = [p.max for p in crit.score.parts if req.id in p.requires] or [crit.max]
    value = data.draw(st.decimals(min_value=0, max_value=caps[0] * 3, places=2))
    inputs = {**evidence.inputs, (crit.id, req.id): InputValue(value, "thử", None, 7)}
    found = [p for p in case_problems(scheme, _with(evidence, inputs=inputs)) if p.code == "E060"]
    assert bool(found) == (value > caps[0])
    if found:
        assert (found[0].line, found[0].file.endswith("inputs.yaml")) == (7, True)


def _with(evidence, **changes):
    from dataclasses import replace

    return replace(evidence, **changes)


# ---- 3. repeated rows -------------------------------------------------------------------------------------


def test_a_repeated_dataset_row_is_w046_with_both_rows_and_still_counted(capsys, case: Path) -> None:
    path = case / "datasets" / "staff_evaluations.csv"
    with path.open("a", encoding="utf-8") as out:
        out.write("Công chức,Không hoàn thành nhiệm vụ,5,\n")
    code, out, _ = run(capsys, "evidence", "check", str(case))
    assert code == 0
    assert "datasets/staff_evaluations.csv, hàng 8: [W046] hàng này giống hệt hàng 4" in out
    code, out, _ = run(capsys, "assess", str(case), "--format", "json")
    assert code == 0
    crit = next(c for c in json.loads(out)["criteria"] if c["id"] == "5.2")
    assert any("/487" in line for line in crit["trace"])  # 482 + the repeated 5: counted, not dropped


def test_repeated_rows_are_capped_like_every_row_warning(tmp_path: Path) -> None:
    path = tmp_path / "tasks.csv"
    rows = "".join("NV-1,Việc,,,,,Hoàn thành đúng hạn,,\n" for _ in range(MAX_ROW_WARNINGS + 10))
    path.write_text("Mã,Nội dung,Văn bản giao,Đơn vị,Hạn,Ngày hoàn thành,Tình trạng,Số lượng,Ghi chú\n" + rows,
                    encoding="utf-8")
    frame = read_dataset("tasks", path, units={})
    codes = [w.code for w in frame.attrs["warnings"]]
    assert codes == ["W046"] * MAX_ROW_WARNINGS + ["W032"]
    assert len(frame) == MAX_ROW_WARNINGS + 10


@settings(max_examples=30, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(["NV-1", "NV-2"]), st.sampled_from(["Đúng hạn", "Quá hạn"]),
                               st.sampled_from(["", "3"])), min_size=1, max_size=8))
def test_w046_names_exactly_the_rows_that_repeat_an_earlier_row(rows: list[tuple[str, str, str]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tasks.csv"
        path.write_text("Mã,Nội dung,Tình trạng,Số lượng\n" + "".join(f"{i},Việc,{s},{n}\n" for i, s, n in rows),
                        encoding="utf-8")
        frame = read_dataset("tasks", path, units={})
    first: dict[tuple[str, str, str], int] = {}
    expected = []
    for sheet_row, row in enumerate(rows, start=2):
        if row in first:
            expected.append((sheet_row, f"hàng {first[row]}"))
        else:
            first[row] = sheet_row
    found = [(w.row, w.message.split("giống hệt ")[1].split(" (")[0]) for w in frame.attrs["warnings"]
             if w.code == "W046"]
    assert found == expected
    assert int(frame["_n"].sum()) == sum(int(n or 1) for _, _, n in rows)


# ---- 4. indicator rates above 100 % -----------------------------------------------------------------------

INDICATORS_HEADER = "Mã chỉ số,Tên chỉ số,Tử số,Mẫu số,Tỷ lệ,Ngày trích xuất,Nguồn\n"


def test_indicator_numerator_above_denominator_is_e061(capsys, case: Path) -> None:
    """Before: 5 of 3 was accepted and scored 166,67 %."""
    edit(case / "datasets" / "indicators.csv", "trực tuyến,1,27,", "trực tuyến,5,3,")
    row = line_of(case / "datasets" / "indicators.csv", "trực tuyến,5,3,")
    code, out, _ = run(capsys, "evidence", "check", str(case))
    assert code == 1
    assert f"datasets/indicators.csv, hàng {row}, cột 'Tử số': [E061] tử số 5 lớn hơn mẫu số 3" in out
    code, _, err = run(capsys, "assess", str(case))
    assert code == 2 and "[E061]" in err


@pytest.mark.parametrize("rate", ["150%", "5/3", "<120%", '"100,5%"'])
def test_a_rate_above_100_percent_is_e062(tmp_path: Path, rate: str) -> None:
    path = tmp_path / "indicators.csv"
    path.write_text(INDICATORS_HEADER + f"x,Chỉ số x,,,{rate},,nguồn\n", encoding="utf-8")
    with pytest.raises(RowsRejected) as exc:
        read_dataset("indicators", path, units={})
    [problem] = exc.value.problems
    assert (problem.code, problem.row, problem.column) == ("E062", 2, "Tỷ lệ")


@settings(max_examples=40, deadline=None)
@given(numerator=st.integers(0, 50), denominator=st.integers(0, 50))
def test_indicator_counts_are_refused_exactly_when_the_rate_would_pass_100(numerator: int, denominator: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "indicators.csv"
        path.write_text(INDICATORS_HEADER + f"x,Chỉ số x,{numerator},{denominator},,,nguồn\n", encoding="utf-8")
        try:
            frame = read_dataset("indicators", path, units={})
        except RowsRejected as exc:
            assert numerator > denominator
            assert [p.code for p in exc.problems] == ["E061"]
            return
    assert numerator <= denominator
    req = RateRequirement.model_validate({"id": "x", "type": "rate", "label": "x", "dataset": "indicators",
                                          "indicator": "x", "threshold": 1, "owner": "mot-cua",
                                          "if_empty": "missing"})
    outcome = evaluate_rate(req, frame, AS_OF)
    if denominator == 0:  # 0/0: an empty denominator, as the rule's if_empty says
        assert outcome.state == "missing" and "mẫu số bằng 0" in outcome.trace[0]
    else:
        assert outcome.ratio == Decimal(numerator) / Decimal(denominator)


def test_seed_result_is_unchanged() -> None:
    from engine.assess import Assessor

    scheme, evidence = prepare(SEED)
    result = Assessor(scheme, prefer="python").assess(evidence)
    assert (result.total, result.classification) == (Decimal("75.66"), "Khá")

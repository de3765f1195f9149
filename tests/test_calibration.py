"""Issue 8, item 6: the self-score beside the council's points (official.criteria in case.yaml).

The seed case records the points the Hội đồng confirmed for the 18 itemised criteria (and `khac`): assessed
from its evidence, every one must show no difference. A changed self-score shows its difference and the sum in
the terminal report and the JSON; ids and points the scheme cannot hold are refused with case.yaml's line.
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.case_checks import case_problems
from engine.cli import main
from engine.pipeline import run as assess_case
from evidence.problems import InputError
from tests.conftest import SEED
from tests.editing import edit, line_of

# The council's points as the seed plan states them ("kết luận thẩm định chấm đạt x/y điểm"), by hand from
# /work/shared/seeds (the digest's table), not from cchc's output.
SEED_APPRAISAL = {
    "1.1": "1", "1.2": "0.69", "1.3": "0.94", "2.1": "0.75", "2.2": "0", "3.1": "0", "3.2": "0.01", "3.3": "0",
    "3.4": "1.34", "3.5": "2.72", "4.1": "0.25", "4.2": "3.64", "5.1": "0", "5.2": "0.48", "5.3": "3.72",
    "6.1": "2.84", "7.1": "2.73", "7.2": "0",
}


@pytest.fixture
def case(tmp_path: Path) -> Path:
    target = tmp_path / "case"
    shutil.copytree(SEED, target)
    return target


def _json(capsys: pytest.CaptureFixture[str], folder: Path) -> dict:
    assert main(["assess", str(folder), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_seed_case_records_the_seed_points_and_every_criterion_agrees(capsys) -> None:
    result = assess_case(SEED)
    recorded = {c.id: c.official for c in result.calibrated()}
    assert {k: v for k, v in recorded.items() if k != "khac"} == {k: Decimal(v) for k, v in SEED_APPRAISAL.items()}
    assert recorded["khac"] == Decimal("75.66") - sum(Decimal(v) for v in SEED_APPRAISAL.values())
    assert all(c.difference == 0 for c in result.calibrated())
    assert result.calibration_difference() == 0

    data = _json(capsys, SEED)
    assert data["calibration"]["difference"] == 0
    assert data["calibration"]["criteria"] == 19
    assert data["calibration"]["differing"] == []
    assert data["calibration"]["source"].startswith("Quyết định 2555/QĐ-UBND")
    by_id = {c["id"]: c for c in data["criteria"]}
    for crit_id, points in SEED_APPRAISAL.items():
        assert by_id[crit_id]["official"] == float(points) and by_id[crit_id]["difference"] == 0

    assert main(["assess", str(SEED)]) == 0
    out = capsys.readouterr().out
    assert "Đối chiếu với kết quả thẩm định" in out
    assert "tổng chênh lệch (tự chấm − thẩm định): 0; không tiêu chí nào chênh lệch" in " ".join(out.split())


def test_a_changed_self_score_shows_its_difference_and_the_sum(capsys, case: Path) -> None:
    inputs = case / "inputs.yaml"
    edit(inputs, "value: 0.69", "value: 1")  # 1.2: self-scored 1, the council gave 0,69 → +0,31 (optimistic)
    edit(inputs, "value: 2.72", "value: 2")  # 3.5: self-scored 2, the council gave 2,72 → −0,72
    data = _json(capsys, case)
    by_id = {c["id"]: c for c in data["criteria"]}
    assert (by_id["1.2"]["points"], by_id["1.2"]["official"], by_id["1.2"]["difference"]) == (1, 0.69, 0.31)
    assert (by_id["3.5"]["points"], by_id["3.5"]["official"], by_id["3.5"]["difference"]) == (2, 2.72, -0.72)
    assert data["calibration"]["difference"] == -0.41
    assert data["calibration"]["differing"] == ["1.2", "3.5"]
    assert data["official"]["difference"] == -0.41  # the self-score total against the official total

    assert main(["assess", str(case)]) == 0
    summary = " ".join(capsys.readouterr().out.split())
    assert "tổng chênh lệch (tự chấm − thẩm định): -0,41; 2 tiêu chí chênh lệch:" in summary
    assert "1.2 1 0,69 +0,31" in summary and "3.5 2 2,72 -0,72" in summary
    assert "4.2 3,64 3,64 0" not in summary  # the summary lists only what differs

    assert main(["assess", str(case), "--chi-tiet"]) == 0
    detail = " ".join(capsys.readouterr().out.split())
    assert "4.2 3,64 3,64 0" in detail and "Tổng 75,25 75,66 -0,41" in detail


def test_a_case_without_official_criteria_shows_no_calibration(capsys, case: Path) -> None:
    text = (case / "case.yaml").read_text(encoding="utf-8")
    (case / "case.yaml").write_text(text[:text.index("  # Điểm Hội đồng")] + text[text.index("documents:"):],
                                    encoding="utf-8")
    data = _json(capsys, case)
    assert data["calibration"] is None and all(c["official"] is None for c in data["criteria"])
    assert main(["assess", str(case), "--chi-tiet"]) == 0
    assert "Đối chiếu với kết quả thẩm định" not in capsys.readouterr().out


def test_an_unknown_criterion_and_points_out_of_range_are_refused_with_their_line(capsys, case: Path) -> None:
    path = case / "case.yaml"
    edit(path, '    "7.2": 0\n', '    "7.2": 1.5\n    "7.3": 0\n')
    assert main(["assess", str(case)]) == 2
    err = capsys.readouterr().err
    unknown, above = line_of(path, '"7.3"'), line_of(path, '"7.2": 1.5')
    assert f"case.yaml, dòng {unknown}: [E010] tiêu chí '7.3' (khóa official.criteria)" in err
    assert f"case.yaml, dòng {above}, tiêu chí 7.2: [E070]" in err and "đến 1" in err
    # `evidence check` reports exactly what `assess` refuses
    assert main(["evidence", "check", str(case)]) == 1
    out = capsys.readouterr().out
    assert "[E010]" in out and "[E070]" in out


def test_recorded_points_that_do_not_add_up_to_the_official_total_are_warned(capsys, case: Path) -> None:
    path = case / "case.yaml"
    edit(path, "    khac: 54.55\n", "    khac: 54.5\n")
    result = assess_case(case)
    warned = [w for w in result.warnings if w.code == "W056"]
    assert len(warned) == 1 and warned[0].line == line_of(path, "  criteria:")
    assert "75,61" in warned[0].message and "75,66" in warned[0].message
    assert result.total == Decimal("75.66")  # a warning, never a change of score


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(crit=st.sampled_from(sorted(SEED_APPRAISAL)), cents=st.integers(min_value=-700, max_value=1400))
def test_official_points_are_accepted_exactly_within_zero_and_the_criterion_max(seed, crit: str, cents: int) -> None:
    """Property: E070 exactly when a recorded score lies outside [0, max]; never a silent clip."""
    from dataclasses import replace

    scheme, evidence = seed
    value = Decimal(cents) / 100
    official = evidence.case.official.model_copy(update={"criteria": {crit: value}})
    changed = replace(evidence, case=evidence.case.model_copy(update={"official": official}))
    found = [p for p in case_problems(scheme, changed) if p.code == "E070"]
    inside = Decimal(0) <= value <= scheme.criterion(crit).max
    assert found == [] if inside else [p.criterion for p in found] == [crit]


def test_an_unusable_official_criteria_value_is_a_line_not_a_traceback(case: Path) -> None:
    edit(case / "case.yaml", "    khac: 54.55\n", "    khac: năm mươi\n")
    with pytest.raises(InputError) as caught:
        assess_case(case)
    assert any(p.line == line_of(case / "case.yaml", "khac: năm mươi") for p in caught.value.problems)

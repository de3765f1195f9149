"""Rates per unit (and per procedure): each unit's own share beside the department's figure, worst first,
units below the threshold flagged — in the result, the JSON and the text output."""

from __future__ import annotations

import io
import json
from collections import Counter
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from benchmarks.export_generator import AS_OF, generate, write_csv
from engine.as_of_status import dossiers_at
from engine.cli import main
from engine.dataset_requirements import evaluate_rate
from engine.pipeline import run
from engine.rate_breakdown import NO_KEY, split
from engine.reports import terminal
from engine.reports.json_result import to_dict
from engine.scheme import RateRequirement
from tests.conftest import CASES
from tests.test_exports import EXPORT, _case

Q3 = CASES / "ha-giang-sonnptnt-2024-q3"
ON_TIME = ("truoc-han", "dung-han")


@pytest.fixture(scope="module")
def q3():
    return run(Q3, prefer="python")


def _breakdown(result, rid: str, by: str = "unit"):
    return next(b for c in result.criteria for b in c.breakdowns if b.requirement == rid and b.by == by)


def test_q3_monthly_reports_name_the_three_units_below_threshold(q3) -> None:
    b = _breakdown(q3, "bao-cao-thang")
    assert [(g.key, g.numerator, g.denominator) for g in b.groups] == [
        ("bql-du-gia", 0, 1), ("chi-cuc-thuy-loi", 0, 1), ("trung-tam-nsh", 0, 1), (NO_KEY, 77, 77)]
    assert [g.key for g in b.below()] == ["bql-du-gia", "chi-cuc-thuy-loi", "trung-tam-nsh"]
    crit = next(c for c in q3.criteria if c.id == "1.5")
    assert any("77/80" in line for line in crit.trace)  # the groups add up to the figure the trace gives
    assert sum(g.numerator for g in b.groups) == 77 and sum(g.denominator for g in b.groups) == 80


def test_q3_tasks_by_unit_put_the_unit_with_a_late_task_first(q3) -> None:
    b = _breakdown(q3, "nhiem-vu")
    assert (b.groups[0].key, b.groups[0].numerator, b.groups[0].denominator) == ("chi-cuc-ptnt", 2, 3)
    assert all(g.ratio == 1 for g in b.groups[1:])


def test_json_carries_the_breakdown_with_overall_figures(q3) -> None:
    crit = next(c for c in to_dict(q3)["criteria"] if c["id"] == "1.5")
    (b,) = crit["breakdowns"]
    assert (b["by"], b["numerator"], b["denominator"], b["threshold_percent"]) == ("unit", 77, 80, 100)
    assert b["groups"][0] == {"key": "bql-du-gia", "numerator": 0, "denominator": 1, "rate_percent": 0,
                              "below_threshold": True}
    assert b["groups"][-1]["key"] is None and not b["groups"][-1]["below_threshold"]


def _text(result, **kw) -> str:
    out = io.StringIO()
    terminal.render(result, Console(file=out, width=300, color_system=None), **kw)
    return out.getvalue()


def test_text_summary_names_the_worst_units_and_detail_lists_every_unit(q3) -> None:
    summary = _text(q3)
    assert "Đơn vị có tỷ lệ dưới ngưỡng" in summary
    assert "(cả Sở 77/80 = 96,25%, ngưỡng 100%): Ban Quản lý rừng đặc dụng Du Già 0/1 = 0%" in summary
    detail = _text(q3, detail=True)
    assert "Theo đơn vị — Báo cáo tiến độ khắc phục hằng tháng" in detail
    assert "(không ghi đơn vị) 77/77 = 100%" in detail


def test_unit_view_shows_the_units_own_share(q3) -> None:
    text = _text(q3.for_unit("chi-cuc-ptnt"))
    assert "Tỷ lệ của Chi cục Phát triển nông thôn" in text
    assert "2/3 = 66,67% (dưới ngưỡng 100%; cả Sở 8/9 = 88,89%; thứ 1/7 từ thấp lên)" in text


# ---- a generated one-stop export: per-unit counts against the generator's own records ----------------


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory):
    records = generate(2000, seed=9)
    folder = _case(tmp_path_factory.mktemp("split") / "case", {"dossiers": {"path": EXPORT,
                                                                              "mapping": "mot-cua-dien-tu"}})
    write_csv(records, folder / EXPORT)
    return records, folder


def test_export_on_time_rate_by_unit_and_procedure_matches_the_generator(export) -> None:
    records, folder = export
    result = run(folder, prefer="python")
    judged = [r for r in records if r.truth in (*ON_TIME, "qua-han")]
    for by, key in (("unit", lambda r: r.unit or NO_KEY), ("procedure", lambda r: r.procedure)):
        b = _breakdown(result, "ho-so-dung-han", by)
        den, num = Counter(key(r) for r in judged), Counter(key(r) for r in judged if r.truth in ON_TIME)
        assert {g.key: (g.numerator, g.denominator) for g in b.groups} == {k: (num[k], den[k]) for k in den}
        ratios = [g.ratio for g in b.groups]
        assert ratios == sorted(ratios)  # worst first


def test_unit_view_shows_a_unit_that_pulls_a_rate_down_though_it_owns_nothing(export) -> None:
    """chi-cuc-thuy-loi handles dossiers but is not an owner of 3.2: its share still belongs in its view."""
    _, folder = export
    result = run(folder, prefer="python")
    assert "chi-cuc-thuy-loi" not in next(c for c in result.criteria if c.id == "3.2").owners
    mine = result.for_unit("chi-cuc-thuy-loi")
    assert "3.2" in {c.id for c in mine.criteria}
    assert "Tỷ lệ của Chi cục Thủy lợi" in _text(mine)


def test_cli_json_and_text_agree_on_the_export(export, capsys: pytest.CaptureFixture[str]) -> None:
    _, folder = export
    assert main(["assess", str(folder), "--format", "json", "--matcher", "python"]) == 0
    data = json.loads(capsys.readouterr().out)
    (b,) = [b for c in data["criteria"] for b in c["breakdowns"] if b["requirement"] == "ho-so-dung-han"
            and b["by"] == "unit"]
    assert b["numerator"] == sum(g["numerator"] for g in b["groups"])


# ---- the property: the groups always add up to the overall figure ------------------------------------

UNITS = ["chi-cuc-ptnt", "chi-cuc-qlcl", "chi-cuc-kiem-lam", None]
STATUSES = ["truoc-han", "dung-han", "qua-han", "dang-giai-quyet"]
rows = st.lists(st.tuples(st.sampled_from(UNITS), st.sampled_from(STATUSES), st.integers(1, 50),
                          st.sampled_from(["TTHC A", "TTHC B", None])), min_size=1, max_size=60)


@settings(max_examples=150, deadline=None)
@given(rows, st.sampled_from([Decimal("0.9"), Decimal(1)]))
def test_per_unit_numerators_and_denominators_sum_to_the_overall_rate(data, threshold: Decimal) -> None:
    frame = pd.DataFrame({"unit": [u for u, *_ in data], "status": [s for _, s, *_ in data],
                          "_n": [n for _, _, n, _ in data], "procedure": [p for *_, p in data]}, dtype=object)
    frame["_n"] = frame["_n"].astype("int64")
    req = RateRequirement.model_validate({"id": "r", "type": "rate", "label": "r", "dataset": "dossiers",
                                          "owner": "x", "numerator": {"status": list(ON_TIME)},
                                          "denominator": {"status": [*ON_TIME, "qua-han"]}, "threshold": threshold,
                                          "if_empty": "missing"})
    outcome = evaluate_rate(req, frame, AS_OF)
    judged = frame[frame["status"].isin([*ON_TIME, "qua-han"])]
    if judged.empty:
        assert not outcome.breakdowns
        return
    num, den = int(judged.loc[judged["status"].isin(ON_TIME), "_n"].sum()), int(judged["_n"].sum())
    assert outcome.ratio == Decimal(num) / Decimal(den)
    for b in outcome.breakdowns:
        assert sum(g.numerator for g in b.groups) == num and sum(g.denominator for g in b.groups) == den
        assert [g.ratio for g in b.groups] == sorted(g.ratio for g in b.groups)
        assert {g.key for g in b.below()} == {g.key for g in b.groups if g.ratio < threshold}
    assert {b.by for b in outcome.breakdowns} == {by for by in ("unit", "procedure") if judged[by].notna().any()}


def test_a_summary_table_without_units_is_not_split() -> None:
    frame = pd.DataFrame({"unit": [None, None], "_n": [3, 4]}, dtype=object)
    frame["_n"] = frame["_n"].astype("int64")
    assert split(frame, pd.Series([True, False]), "unit") == ()


def test_the_seed_dossier_counts_have_no_units_and_no_breakdown(seed) -> None:
    _, evidence = seed
    frame, _ = dossiers_at(evidence.datasets["dossiers"], evidence.case.as_of)
    assert frame["unit"].isna().all()
    result = run(CASES / "ha-giang-sonnptnt-2023", prefer="python")
    assert not [b for c in result.criteria for b in c.breakdowns if b.requirement == "ho-so-dung-han"]
    assert str(result.total) == "75.66"



def _split_cell_by_cell(rows: pd.DataFrame, good: pd.Series, by: str) -> tuple:
    """The split as it was first written (each cell made text, then grouped): the reference for the fast one."""
    import numpy as np

    from engine.rate_breakdown import GroupRate

    if rows.empty or by not in rows or rows[by].isna().all():
        return ()
    given = rows[by].to_numpy(dtype=object)
    keys = np.where(pd.isna(given), NO_KEY, given)
    codes, uniques = pd.factorize(pd.Series([str(k) for k in keys], dtype=object))
    n = rows["_n"].to_numpy(dtype="int64")
    counted = good.reindex(rows.index, fill_value=False).to_numpy(dtype=bool)
    den = np.zeros(len(uniques), dtype="int64")
    num = np.zeros(len(uniques), dtype="int64")
    np.add.at(den, codes, n)
    np.add.at(num, codes, np.where(counted, n, 0))
    groups = [GroupRate(str(k), int(num[i]), int(den[i])) for i, k in enumerate(uniques) if den[i] > 0]
    return tuple(sorted(groups, key=lambda g: (g.ratio, -g.shortfall, g.key)))


# Keys as a frame may hold them: unit ids, blanks of every kind, and values whose hashes collide (1, 1.0, True)
_KEYS = st.one_of(st.sampled_from(["so-nnptnt", "chi-cuc", "", " ", "1", "1.0", "True"]),
                  st.sampled_from([None, float("nan"), pd.NaT, pd.NA, 1, 1.0, True, 0, False]), st.text(max_size=3))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_KEYS, st.integers(0, 5), st.booleans()), max_size=30), st.booleans())
def test_split_groups_as_the_cell_by_cell_reference(cells: list, shuffled_index: bool) -> None:
    frame = pd.DataFrame({"unit": pd.Series([k for k, _, _ in cells], dtype=object),
                          "_n": pd.Series([n for _, n, _ in cells], dtype="int64")})
    good = pd.Series([g for _, _, g in cells], dtype=bool)
    if shuffled_index:  # a filtered frame keeps its rows' labels
        frame.index = good.index = pd.Index([3 * i + 7 for i in range(len(cells))])
    assert split(frame, good, "unit") == _split_cell_by_cell(frame, good, "unit")

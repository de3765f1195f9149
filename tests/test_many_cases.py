"""Many cases in one run: a folder of departments assessed in one process (or a pool), ranked by index % the
way the province publishes, one JSON document for all, a broken case reported while the others still run."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.cli import main
from engine.many_cases import CaseRun, assess_many, case_folders, ranking
from engine.pipeline import run as run_case
from tests.conftest import CASES, SEED


def _department(folder: Path, unit: str, *, survey: str | None = None) -> Path:
    """A copy of the seed case for another department; `survey`: its entered points for 1.2 (seed: 0.69)."""
    shutil.copytree(SEED, folder)
    data = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    data["unit"], data["id"] = unit, folder.name
    (folder / "case.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    if survey is not None:
        path = folder / "inputs.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("value: 0.69", f"value: {survey}"), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tinh") / "cac-so"
    root.mkdir()
    _department(root / "so-a", "Sở A")
    _department(root / "so-b", "Sở B")  # the same evidence as Sở A: the same index, the same rank
    _department(root / "so-c", "Sở C", survey="0.19")
    broken = _department(root / "so-hong", "Sở Hỏng")
    (broken / "case.yaml").write_text("id: [khong dong", encoding="utf-8")
    (root / "ghi-chu").mkdir()  # a folder without case.yaml is no case: skipped
    return root


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_folder_of_cases_is_ranked_with_ties_and_the_broken_case_reported(
        province: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "assess", str(province), "--format", "json", "--matcher", "python")
    assert code == 2  # one case could not be read
    doc = json.loads(out)
    assert [(r["rank"], r["unit"]) for r in doc["ranking"]] == [(1, "Sở A"), (1, "Sở B"), (3, "Sở C")]
    top = doc["ranking"][0]
    assert (top["total"], top["max"], top["index_percent"], top["classification"]) == (75.66, 100, 75.66, "Khá")
    assert doc["ranking"][2]["index_percent"] == 75.16
    assert [c["case"] for c in doc["cases"]] == ["so-a", "so-b", "so-c"]
    (failed,) = doc["failed"]
    assert failed["case"].endswith("so-hong") and failed["errors"] and "case.yaml" in failed["errors"][0]
    assert "[C030]" in err and "so-hong" in err and "Traceback" not in err


def test_each_case_in_the_document_is_its_single_run(province: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _run(capsys, "assess", str(province / "so-c"), str(province / "so-a"), "--format", "json",
                     "--matcher", "python", "--jobs", "1")
    doc = json.loads(out)
    _, single, _ = _run(capsys, "assess", str(province / "so-c"), "--format", "json", "--matcher", "python")
    assert doc["cases"][0] == json.loads(single)  # the order given, each exactly as `cchc assess <case>` gives it


def test_text_ranking_lists_rank_unit_total_max_index_class(province: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "assess", str(province / "so-a"), str(province / "so-c"), "--matcher", "python")
    assert code == 0
    assert "Xếp hạng Chỉ số CCHC" in out and "Hạng" in out and "Xếp loại" in out
    a, c = out.index("Sở A"), out.index("Sở C")
    assert a < c and "75,66%" in out


def test_single_case_output_is_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    _, default, _ = _run(capsys, "assess", "--matcher", "python")
    _, named, _ = _run(capsys, "assess", "ha-giang-sonnptnt-2023", "--matcher", "python")
    assert default == named and "Xếp hạng" not in default and "Tổng điểm: 75,66 / 100" in default


def test_options_for_one_case_are_refused_with_many(province: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "assess", str(province), "--unit", "thanh-tra")
    assert code == 2 and "[C031]" in err and "--unit" in err


def test_cases_of_different_schemes_are_ranked_apart(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "assess", str(CASES), "--format", "json", "--matcher", "python")
    assert code == 0 and "[W065]" in err
    doc = json.loads(out)
    assert sorted((r["scheme"], r["rank"]) for r in doc["ranking"]) == [("ha-giang-2023-so", 1),
                                                                       ("ha-giang-2024-so", 1)]


def test_a_process_pool_gives_what_one_process_gives(province: Path) -> None:
    folders, failed = case_folders([str(province)])
    assert not failed and [f.name for f in folders] == ["so-a", "so-b", "so-c", "so-hong"]
    alone = assess_many(folders, prefer="python", jobs=1)
    pooled = assess_many(folders, prefer="python", jobs=2)
    assert [(r.case, r.result, r.errors) for r in alone] == [(r.case, r.result, r.errors) for r in pooled]


@pytest.fixture(scope="module")
def seed_result():
    return run_case(SEED, prefer="python")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.decimals(min_value=0, max_value=100, places=2), min_size=1, max_size=12))
def test_ranks_are_the_provinces_ties_share_a_rank(seed_result, indexes: list[Decimal]) -> None:
    runs = [CaseRun(f"so-{i}", replace(seed_result, index_percent=x, unit_name=f"Sở {i:02d}"))
            for i, x in enumerate(indexes)]
    (ranked,) = ranking(runs)
    assert len(ranked) == len(indexes)
    for r in ranked:  # a rank is one more than the number of departments strictly above
        assert r.rank == 1 + sum(x > r.result.index_percent for x in indexes)
    assert [r.result.index_percent for r in ranked] == sorted(indexes, reverse=True)


def test_each_scheme_is_loaded_and_compiled_once_per_process(province: Path) -> None:
    from engine import many_cases

    many_cases._SCHEMES.clear()
    many_cases._ASSESSORS.clear()
    folders = [province / "so-a", province / "so-b", province / "so-c"]
    runs = assess_many(folders, prefer="python", jobs=1)
    assert all(r.result is not None for r in runs)
    assert len(many_cases._SCHEMES) == 1 and len(many_cases._ASSESSORS) == 1

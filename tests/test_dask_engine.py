"""`cchc assess --engine dask` gives the pandas path's assessment, on a local cluster of two worker processes.

The Dask path reads the counted datasets in blocks with the pandas path's readers and sums them on Dask
(engine/dask_datasets.py); the scoring is the same code. So the whole JSON document must be the same:
scores, statuses, items, rate breakdowns, traces, warnings (W030 with their rows), evidence hashes. The
manifest names the engine; repeated rows and ids (W046, W033) become one W071 per file. Small blocks force
many partitions, so sums and warnings across partitions are what is compared.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.export_generator import Record, generate, write_csv
from engine.cli import main
from engine.pipeline import assessor, prepare
from engine.reports.json_result import render
from evidence.problems import InputError
from tests.conftest import CASES, SEED

distributed = pytest.importorskip("dask.distributed", reason="dask is not installed: pip install 'cchc[dask]'")

from engine.dask_datasets import counted_datasets, prepare_on_dask  # noqa: E402 - needs dask

EXPORT = "exports/ho-so-2024.csv"
ROW_WARNINGS = ("W033", "W046")  # repeats: looked for within a block only, so named by W071 instead


@pytest.fixture(scope="module")
def cluster():
    # dashboard ":0": any free port (None still binds 8787, which another run on the machine may hold)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as local, distributed.Client(local) as client:
        yield client


def _pandas(folder: Path) -> dict:
    scheme, evidence = prepare(folder)
    return json.loads(render(assessor(scheme, evidence).assess(evidence)))


def _dask(folder: Path, blocksize: int = 4_000) -> dict:
    from dataclasses import replace

    scheme, evidence = prepare_on_dask(folder, None, blocksize=blocksize)
    return json.loads(render(replace(assessor(scheme, evidence).assess(evidence), dataset_engine="dask")))


def _export_case(folder: Path, records: list[Record]) -> Path:
    shutil.copytree(SEED, folder)
    data = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    data["datasets"]["dossiers"] = {"path": EXPORT, "mapping": "mot-cua-dien-tu"}
    data["as_of"] = "2024-12-31"
    (folder / "case.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    write_csv(records, folder / EXPORT)
    return folder


def _code(warning: str) -> str:
    return re.search(r"\[([A-Z]\d{3})\]", warning)[1]


def _same_assessment(pandas: dict, dask: dict) -> None:
    """The same document, but for the manifest's engine (and W071 for repeated rows, where there are some)."""
    assert dask["manifest"].pop("engine") == "dask"
    assert "engine" not in pandas["manifest"]
    assert not {_code(w) for w in pandas["warnings"]} & set(ROW_WARNINGS)  # the data here has no repeats
    assert dask == pandas


def test_only_counted_datasets_go_to_dask() -> None:
    scheme, evidence = prepare(SEED)
    counted = counted_datasets(scheme, evidence.case)
    assert "dossiers" in counted  # the one-stop export: rates only
    assert {"tasks", "procedures", "indicators"}.isdisjoint(counted)  # items listed row by row, or one per row
    assert {"unit", "procedure", "status"} <= counted["dossiers"]


@pytest.mark.parametrize("case", ["ha-giang-sonnptnt-2023", "ha-giang-sonnptnt-2024-q3"])
def test_carried_cases_assess_the_same_on_dask(cluster, case: str) -> None:
    pandas = _pandas(CASES / case)
    dask = _dask(CASES / case, blocksize=300)  # the seed's dossiers file in several blocks
    assert dask["warnings"] == pandas["warnings"]  # no row warnings in these cases: the same list
    _same_assessment(pandas, dask)


def test_seed_is_still_75_66_on_dask(cluster) -> None:
    document = _dask(SEED)
    assert (document["total"], document["classification"]) == (75.66, "Khá")


def test_generated_export_assesses_the_same_on_dask_and_counts_the_truth(cluster, tmp_path: Path) -> None:
    records = generate(5000, seed=2024)
    folder = _export_case(tmp_path / "case", records)
    pandas, dask = _pandas(folder), _dask(folder, blocksize=50_000)
    _same_assessment(pandas, dask)
    truth = Counter(r.truth for r in records)
    on_time = truth["truoc-han"] + truth["dung-han"]
    criterion = next(c for c in dask["criteria"] if c["id"] == "3.2")
    assert f"{on_time}/{on_time + truth['qua-han']} = " in criterion["trace"][0]
    assert {b["by"] for b in criterion["breakdowns"]} == {"unit", "procedure"}  # summed across blocks


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(min_value=1, max_value=600), seed=st.integers(min_value=0, max_value=10_000),
       blocksize=st.integers(min_value=300, max_value=30_000))
def test_any_generated_export_any_blocks_gives_the_pandas_assessment(cluster, tmp_path_factory, n: int, seed: int,
                                                                    blocksize: int) -> None:
    folder = _export_case(tmp_path_factory.mktemp("gen") / "case", generate(n, seed=seed))
    _same_assessment(_pandas(folder), _dask(folder, blocksize=blocksize))


def test_a_bad_cell_stops_the_dask_path_with_the_readers_own_problem(cluster, tmp_path: Path, capsys) -> None:
    folder = _export_case(tmp_path / "case", generate(2000, seed=5))
    path = folder / EXPORT
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    cells = lines[1500].split(",")
    due = next(i for i, c in enumerate(cells) if c.count("/") == 2)
    cells[due] = "31/02/2024"
    lines[1500] = ",".join(cells)
    path.write_text("".join(lines), encoding="utf-8")
    assert main(["assess", str(folder)]) == 2
    said_by_pandas = capsys.readouterr().err
    assert "hàng 1501" in said_by_pandas
    with pytest.raises(InputError) as refused:
        prepare_on_dask(folder, None, blocksize=20_000)
    problem = refused.value.problems[0]
    assert problem.code == "C035"
    assert problem.row == 1501  # the block's row, counted from the top of the file
    assert "31/02/2024" in problem.message and "cchc evidence check" in problem.message


def test_repeated_rows_are_named_by_w071_and_nothing_else_changes(cluster, tmp_path: Path) -> None:
    folder = _export_case(tmp_path / "case", generate(800, seed=3))
    path = folder / EXPORT
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([*lines[:401], lines[400], *lines[401:]]), encoding="utf-8")  # row 401 twice
    pandas, dask = _pandas(folder), _dask(folder, blocksize=20_000)
    assert any(_code(w) == "W046" for w in pandas["warnings"])
    said = [w for w in dask["warnings"] if _code(w) == "W071"]
    assert len(said) == 1 and "W046" in said[0] and str(path) in said[0]
    dask["warnings"] = [w for w in dask["warnings"] if _code(w) != "W071"]
    pandas["warnings"] = [w for w in pandas["warnings"] if _code(w) not in ROW_WARNINGS]
    dask["manifest"].pop("engine")
    assert dask == pandas


def test_an_earlier_as_of_date_sets_the_same_statuses_on_dask(cluster, tmp_path: Path, capsys) -> None:
    folder = _export_case(tmp_path / "case", generate(3000, seed=11))
    assert main(["assess", str(folder), "--as-of", "30/06/2024", "--format", "json"]) == 0
    pandas = json.loads(capsys.readouterr().out)
    assert main(["assess", str(folder), "--as-of", "30/06/2024", "--engine", "dask", "--format", "json"]) == 0
    dask = json.loads(capsys.readouterr().out)
    assert dask["as_of"] == "2024-06-30"
    _same_assessment(pandas, dask)


def test_cli_on_the_cluster_by_its_address(cluster, capsys) -> None:
    assert main(["assess", "--engine", "dask", "--cluster", cluster.scheduler.address, "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    _same_assessment(_pandas(SEED), document)


def test_cli_several_cases_on_dask_rank_as_on_pandas(cluster, capsys) -> None:
    cases = [str(CASES / "ha-giang-sonnptnt-2023"), str(CASES / "ha-giang-sonnptnt-2024-q3")]
    assert main(["assess", *cases, "--format", "json"]) == 0
    pandas = json.loads(capsys.readouterr().out)
    assert main(["assess", *cases, "--engine", "dask", "--format", "json"]) == 0
    dask = json.loads(capsys.readouterr().out)
    assert json.dumps(dask).count('"engine": "dask"') == 2
    assert json.dumps(dask).replace('"engine": "dask", ', "") == json.dumps(pandas)


def test_a_cluster_that_does_not_answer_is_said(capsys) -> None:
    assert main(["assess", "--engine", "dask", "--cluster", "tcp://127.0.0.1:9", "--format", "json"]) == 2
    assert "C038" in capsys.readouterr().err


def test_dask_engine_refuses_a_scenario(capsys) -> None:
    assert main(["assess", "--engine", "dask", "--scenario", "khong-co.yaml"]) == 2
    assert "C039" in capsys.readouterr().err


def test_an_excel_dataset_is_refused_on_dask(tmp_path: Path, capsys) -> None:
    from benchmarks.export_generator import write_xlsx

    folder = _export_case(tmp_path / "case", generate(50, seed=1))
    data = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    data["datasets"]["dossiers"]["path"] = "exports/ho-so.xlsx"
    (folder / "case.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    write_xlsx(generate(50, seed=1), folder / "exports" / "ho-so.xlsx")
    assert main(["assess", str(folder), "--engine", "dask"]) == 2
    assert "C036" in capsys.readouterr().err

"""The dataset metrics on Dask equal the pandas path's, on a local cluster of two workers.

Same specification (engine/metrics.py), two readers: the pandas path reads and checks every cell
(evidence/), the Dask path reads the CSV in blocks with the same column mapping and cell readers
(engine/dask_datasets.py). Small block sizes force many partitions, so counts summed across
partitions are what is compared.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.export_generator import Record, generate, write_csv
from engine.as_of_status import dossiers_at
from engine.cli import main
from engine.metrics import dataset_metrics
from engine.pipeline import prepare
from tests.conftest import CASES, SEED

dd = pytest.importorskip("dask.dataframe", reason="dask is not installed: pip install 'cchc[dask]'")
distributed = pytest.importorskip("dask.distributed", reason="distributed is not installed: pip install 'cchc[dask]'")

from engine.dask_datasets import case_frames  # noqa: E402 - needs dask

EXPORT = "exports/ho-so-2024.csv"


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as local, distributed.Client(local) as client:
        yield client


def _pandas_metrics(folder: Path) -> dict[str, dict[str, int]]:
    scheme, evidence = prepare(folder)
    frames = dict(evidence.datasets)
    if "dossiers" in frames:
        frames["dossiers"], _ = dossiers_at(frames["dossiers"], evidence.case.as_of)
    return dataset_metrics(scheme, frames, evidence.case.as_of)


def _dask_metrics(folder: Path, blocksize: int = 2_000) -> dict[str, dict[str, int]]:
    scheme, evidence = prepare(folder)
    return dataset_metrics(scheme, case_frames(folder, evidence.case.as_of, blocksize=blocksize), evidence.case.as_of)


def _export_case(folder: Path, records: list[Record]) -> Path:
    shutil.copytree(SEED, folder)
    data = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    data["datasets"]["dossiers"] = {"path": EXPORT, "mapping": "mot-cua-dien-tu"}
    data["as_of"] = "2024-12-31"
    (folder / "case.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    write_csv(records, folder / EXPORT)
    return folder


@pytest.mark.parametrize("case", ["ha-giang-sonnptnt-2023", "ha-giang-sonnptnt-2024-q3"])
def test_carried_cases_give_the_same_numbers_on_dask(cluster, case: str) -> None:
    expected = _pandas_metrics(CASES / case)
    assert expected  # the case has rates and deadline requirements to compare
    assert _dask_metrics(CASES / case) == expected


def test_seed_rate_3_2_is_the_published_count(cluster) -> None:
    assert _dask_metrics(SEED)["3.2/ho-so-dung-han"] == {"numerator": 400, "denominator": 471, "unknown": 0}


def test_generated_export_on_dask_equals_pandas_and_the_truth(cluster, tmp_path: Path) -> None:
    records = generate(5000, seed=2024)
    folder = _export_case(tmp_path / "case", records)
    found = _dask_metrics(folder, blocksize=50_000)
    assert found == _pandas_metrics(folder)
    truth = Counter(r.truth for r in records)
    on_time = truth["truoc-han"] + truth["dung-han"]
    assert found["3.2/ho-so-dung-han"]["numerator"] == on_time
    assert found["3.2/ho-so-dung-han"]["denominator"] == on_time + truth["qua-han"]


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(min_value=1, max_value=400), seed=st.integers(min_value=0, max_value=10_000),
       blocksize=st.integers(min_value=500, max_value=20_000))
def test_any_generated_export_any_partitioning_gives_the_pandas_numbers(cluster, tmp_path_factory, n: int, seed: int,
                                                                       blocksize: int) -> None:
    folder = _export_case(tmp_path_factory.mktemp("gen") / "case", generate(n, seed=seed))
    assert _dask_metrics(folder, blocksize=blocksize) == _pandas_metrics(folder)


def test_a_bad_cell_stops_the_dask_path_and_points_to_evidence_check(cluster, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "case"
    shutil.copytree(SEED, folder)
    path = folder / "datasets" / "dossiers.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",358,", ",ba trăm,"), encoding="utf-8")
    assert main(["assess", str(folder), "--engine", "dask"]) == 2
    err = capsys.readouterr().err
    assert "C035" in err or "cchc evidence check" in err
    assert "ba trăm" in err


def test_dask_engine_refuses_options_it_does_not_compute(capsys) -> None:
    assert main(["assess", "--engine", "dask", "--save"]) == 2
    assert "--save" in capsys.readouterr().err


def test_cli_dask_json_carries_the_metrics(cluster, capsys) -> None:
    import json

    assert main(["assess", "--engine", "dask", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["engine"] == "dask"
    assert document["metrics"] == _pandas_metrics(SEED)

"""The evidence hashes of a case (the run manifest names them): the same digests whether a dataset file is hashed in
line or on a second thread while it is read (evidence/case.py, `_sha256_alongside`)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from evidence import case as case_module
from evidence.case import read_case
from tests.conftest import SEED


@pytest.mark.parametrize("alongside_from", [0, 1 << 40])  # every dataset file on a thread; none
def test_hashes_are_the_files_digests_however_they_are_computed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               alongside_from: int) -> None:
    folder = tmp_path / "case"
    shutil.copytree(SEED, folder)
    monkeypatch.setattr(case_module, "HASH_ALONGSIDE_BYTES", alongside_from)
    hashes = read_case(folder).evidence.hashes
    expected = {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in hashes}
    assert hashes == expected
    datasets = [name for name in hashes if name.endswith((".csv", ".xlsx"))]
    assert datasets  # the seed case's datasets are among them, not only case.yaml


def test_a_dataset_that_was_not_read_is_not_hashed_even_on_a_thread(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "case"
    shutil.copytree(SEED, folder)
    monkeypatch.setattr(case_module, "HASH_ALONGSIDE_BYTES", 0)
    before = read_case(folder).evidence.hashes
    dataset = next(name for name in before if name.endswith(".csv"))
    (folder / dataset).write_bytes(b"\xff\xfe\x00broken")  # unreadable: a problem, and no digest for it
    result = read_case(folder)
    assert dataset not in result.evidence.hashes
    assert any(p.severity == "error" for p in result.problems)

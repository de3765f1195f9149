"""Datasets (tasks, dossiers, one-stop exports…): listed from case.yaml, replaced by an upload.

An uploaded file takes the place of the dataset's file as case.yaml names it (its mapping, when it has
one, stays). Before anything is kept, the case is exported to a scratch folder with the new file in
place and prepared by the engine itself: what `cchc assess` would refuse is refused here, with every
problem it names.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from evidence.case import read_case_file
from evidence.paths import inside
from evidence.problems import InputError, did_you_mean
from workspace import audit, case_store
from workspace.db.models import CaseFileRow
from workspace.errors import Invalid

if TYPE_CHECKING:
    from evidence.case_file import CaseFile
    from workspace.blobs import BlobStore
    from workspace.store import Store


def _case(store: Store, blobs: BlobStore) -> CaseFile:
    with store.read() as session:
        row = session.get(CaseFileRow, "case.yaml")
    if row is None:
        raise Invalid("C109")
    with tempfile.TemporaryDirectory(prefix="cchc-case-") as folder:
        (Path(folder) / "case.yaml").write_bytes(blobs.read(row.sha256))
        return read_case_file(Path(folder))[0]


def dataset_list(store: Store, blobs: BlobStore) -> list[dict[str, str]]:
    case = _case(store, blobs)
    with store.read() as session:
        files = {r.path: r.sha256 for r in session.query(CaseFileRow)}
    return [{"name": name, "path": source.shown, "mapping": source.mapping or "",
             "sha256": ", ".join(files.get(p, "") for p in source.patterns)} for name, source in case.datasets.items()]


def replace_dataset(store: Store, blobs: BlobStore, actor: str, name: str, filename: str, data: bytes,
                    suffix: str) -> None:
    case = _case(store, blobs)
    source = case.datasets.get(name)
    if source is None:
        raise Invalid("C118", name=name, hint=did_you_mean(name, list(case.datasets)))
    if len(source.patterns) != 1 or set("*?[") & set(source.patterns[0]):
        raise Invalid("C118", name=name, hint=f" dưới dạng một tệp (case.yaml ghi {source.shown}: nhiều tệp)")
    path = source.patterns[0]
    if Path(path).suffix.lower() != suffix:
        raise Invalid("C111", name=filename, expected=f"tệp {Path(path).suffix} như case.yaml ghi ({path})",
                      detail=f" (nội dung là {suffix})")
    with tempfile.TemporaryDirectory(prefix="cchc-dataset-") as folder:
        case_store.export(store, blobs, Path(folder), runs=False)
        inside(Path(folder), path).write_bytes(data)
        from engine.pipeline import prepare

        try:
            prepare(Path(folder))
        except InputError as exc:
            raise Invalid.of([p for p in exc.problems if p.severity == "error"] or exc.problems) from None
    with store.write() as session:
        row = session.get(CaseFileRow, path)
        before = None if row is None else row.sha256
        sha = blobs.put(session, data)
        if row is None:
            session.add(CaseFileRow(path=path, sha256=sha))
        else:
            row.sha256 = sha
        audit.record(session, actor, "dataset.replace", f"dataset:{name}", before={"path": path, "sha256": before},
                     after={"path": path, "sha256": sha, "file": filename, "size": len(data)})

"""Files kept under their SHA-256 in `files/<sha[:2]>/<sha>`, outside any web root, never executed.

A file is written to `files/tmp/`, fsynced, then renamed into place; its `blobs` row goes into the same
transaction as the row that uses it. Opening a workspace removes temporary files and files no row
references (what a crash between writing and committing leaves, a discarded upload, a replaced dataset),
under the writers' lock.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session as DbSession

from workspace.db.models import Blob


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.tmp = root / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, session: DbSession, data: bytes) -> str:
        """Store `data` (once per content) and add its row to the caller's write transaction."""
        sha = hashlib.sha256(data).hexdigest()
        target = self.path(sha)
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(dir=self.tmp, prefix="upload-")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(data)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(name, target)
            except BaseException:
                Path(name).unlink(missing_ok=True)
                raise
            _fsync_dir(target.parent)
        if session.get(Blob, sha) is None:
            session.add(Blob(sha256=sha, size=len(data)))
            session.flush()
        return sha

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def sweep(self, session: DbSession) -> int:
        """Remove temporary files, and files no row uses (their `blobs` rows too); how many files were removed."""
        from workspace.db.models import CaseFileRow, RegisterRow, StagedRow

        used = set(session.scalars(select(CaseFileRow.sha256))) | set(session.scalars(select(StagedRow.sha256))) | \
            set(session.scalars(select(RegisterRow.sha256).where(RegisterRow.sha256.is_not(None))))
        known = set(session.scalars(select(Blob.sha256)))
        for sha in known - used:  # a discarded upload, a replaced dataset: no row uses the file any more
            session.execute(delete(Blob).where(Blob.sha256 == sha))
        known &= used
        removed = 0
        for path in self.tmp.iterdir():
            path.unlink(missing_ok=True)
            removed += 1
        for folder in self.root.iterdir():
            if folder == self.tmp or not folder.is_dir():
                continue
            for path in folder.iterdir():
                if path.name not in known:
                    path.unlink(missing_ok=True)
                    removed += 1
        return removed


def _fsync_dir(folder: Path) -> None:
    """The rename itself survives a power cut only once its folder is synced (POSIX)."""
    if os.name != "posix":
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)

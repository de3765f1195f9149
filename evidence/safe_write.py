"""Writing a file a person keeps (a register cchc fills, a template): all or nothing, and as theirs.

The new content goes to a temporary file in the same folder, which then replaces the target in one
`os.replace`: a register is never left half-written. The replaced file keeps its permission bits and,
where the system allows, its owner (a temporary file is created 0600 and owned by whoever runs cchc).
A read-only target is refused, never replaced: its mode bits are read directly, because `os.access`
says "writable" to root, who ignores them. Every failure is E022 naming the file, never a traceback.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from evidence.problems import InputError, Problem

_WRITE_BITS = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


def _refuse(path: Path, detail: str) -> InputError:
    return InputError(Problem.of("E022", file=path, path=str(path), detail=detail))


def check_writable(path: Path) -> None:
    """E022 unless `path` can be written: not a folder, not read-only, its folder not a file."""
    if path.is_dir():
        raise _refuse(path, "đây là thư mục, không phải tệp")
    if path.exists() and not path.stat().st_mode & _WRITE_BITS:
        raise _refuse(path, "tệp đang để chỉ đọc (read-only); bỏ thuộc tính chỉ đọc hoặc chọn tệp khác")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise _refuse(path, f"{parent} là tệp, không phải thư mục")
            break


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call `write(temporary)` then put the result at `path` (see the module doc). Raises InputError (E022)."""
    path = path.resolve() if path.is_symlink() else path  # a linked register stays linked: write its target
    check_writable(path)
    before = path.stat() if path.exists() else None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".cchc-", suffix=path.suffix, dir=path.parent)
    except OSError as exc:
        raise _refuse(path, f"không tạo được tệp trong thư mục {path.parent} ({exc.strerror or type(exc).__name__})"
                      ) from None
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        if before is None:
            os.chmod(temporary, 0o666 & ~_umask())  # as any new file the person creates
        else:  # owner first: a chown clears the set-user-ID and set-group-ID bits
            with contextlib.suppress(PermissionError):  # only root may give a file to someone else
                os.chown(temporary, before.st_uid, before.st_gid)
            os.chmod(temporary, stat.S_IMODE(before.st_mode))
        os.replace(temporary, path)
    except OSError as exc:
        raise _refuse(path, exc.strerror or type(exc).__name__) from None
    finally:
        temporary.unlink(missing_ok=True)

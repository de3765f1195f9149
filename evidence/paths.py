"""Paths named inside a case stay inside that case's folder.

A register row or case.yaml may name files; resolving them must never reach
outside the folder (no absolute paths, no `..`, no symlink that leads out):
the check is made on the resolved path, symlinks followed.

A name typed in one Unicode form (NFC, as Windows and most keyboards write
"Tệp") may be stored on disk in the other (NFD, as macOS writes it): when the
name as typed is not found, each component is matched against the folder's
entries compared in NFC.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path, PurePosixPath, PureWindowsPath


class PathEscapeError(ValueError):
    pass


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _by_nfc(root: Path, relative: str) -> Path | None:
    """`relative` under `root` with each component matched to a disk entry equal in NFC, or None."""
    current = root
    for part in PurePosixPath(relative).parts:
        if part == "..":
            return None  # leaves the walked folder: the name as typed decides
        if part == ".":
            continue
        exact = current / part
        if _exists(exact):
            current = exact
            continue
        try:
            matches = [entry for entry in current.iterdir() if _nfc(entry.name) == _nfc(part)]
        except OSError:
            return None
        if len(matches) != 1:  # none, or two names differing only in form: never guess
            return None
        current = matches[0]
    return current


def _exists(path: Path) -> bool:
    """Whether `path` exists; a name the system cannot hold (ENAMETOOLONG…) names no file, and is no crash."""
    try:
        return path.exists()
    except OSError:
        return False


def inside(folder: Path, relative: str) -> Path:
    """Resolve `relative` against `folder`; raise PathEscapeError when it leads outside."""
    text = relative.strip()
    if not text or "\x00" in text:
        raise PathEscapeError(relative)
    if Path(text).is_absolute() or PureWindowsPath(text).is_absolute() or PureWindowsPath(text).drive:
        raise PathEscapeError(relative)
    root = folder.resolve()
    text = text.replace("\\", "/")
    target = (root / text).resolve()
    if not _exists(target):
        found = _by_nfc(root, text)
        if found is not None:
            target = found.resolve()
    if target != root and root not in target.parents:
        raise PathEscapeError(relative)
    return target

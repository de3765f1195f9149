"""Paths named inside a case stay inside that case's folder.

A register row or case.yaml may name files; resolving them must never reach
outside the folder (no absolute paths, no `..`, no symlink that leads out).
"""

from __future__ import annotations

from pathlib import Path, PureWindowsPath


class PathEscapeError(ValueError):
    pass


def inside(folder: Path, relative: str) -> Path:
    """Resolve `relative` against `folder`; raise PathEscapeError when it leads outside."""
    text = relative.strip()
    if not text or "\x00" in text:
        raise PathEscapeError(relative)
    if Path(text).is_absolute() or PureWindowsPath(text).is_absolute() or PureWindowsPath(text).drive:
        raise PathEscapeError(relative)
    root = folder.resolve()
    target = (root / text.replace("\\", "/")).resolve()
    if target != root and root not in target.parents:
        raise PathEscapeError(relative)
    return target

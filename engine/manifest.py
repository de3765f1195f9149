"""The run manifest: what produced a result, so that a saved result can be checked again (`cchc verify`).

A result records the cchc version, the scheme (id, version, a SHA-256 over its rule files and each file's
own hash), the as-of date, the matcher and the SHA-256 of every evidence file read. Nothing in it depends
on the clock or the machine, so the same input gives the same bytes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from engine.locations import find_scheme
from evidence.case import Evidence
from evidence.registers import sha256_file

# What the scheme loader reads (engine/scheme_loader.py); a criterion's test cases (cases/) move no score.
RULE_FILES = ("scheme.yaml", "units.yaml")
RULE_GLOBS = ("fields/*.yaml",)


def rule_files(folder: Path) -> dict[str, str]:
    """Each rule file of a scheme folder (path relative to it, POSIX) → SHA-256, in name order."""
    paths = [folder / name for name in RULE_FILES if (folder / name).is_file()]
    paths += [p for pattern in RULE_GLOBS for p in folder.glob(pattern) if p.is_file()]
    return {p.relative_to(folder).as_posix(): sha256_file(p) for p in sorted(paths, key=lambda p: p.as_posix())}


def rules_hash(files: dict[str, str]) -> str:
    """One SHA-256 over the rule files, names included, in name order: renaming a file changes it too."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(f"{name}\0{files[name]}\n".encode())
    return digest.hexdigest()


def scheme_folder(evidence: Evidence) -> Path:
    """The scheme folder a case is assessed with (the same lookup `cchc evidence check` makes)."""
    return find_scheme(evidence.case.scheme, evidence.folder)

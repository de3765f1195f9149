"""durable-rules on the Python a user has: what runs, and a patched build for Python >= 3.13.

durable-rules 2.0.28 is sdist-only and its C extension calls `PyEval_CallObject`, which
Python 3.13 removed: it installs but fails to import, and cchc falls back to the plain
matcher (W003). Upstream merged the fix (jruizgit/rules PR #403) but never released it.

`build_durable` takes the released sdist from the package index with pip, checks it against
the SHA-256 pinned here (so the build is exactly the reviewed source plus `PATCH`), replaces
the five calls, builds a wheel and installs it with the running interpreter's pip. No source
of durable-rules lives in this repository: only the hash and the replacement below.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from evidence.problems import InputError, Problem

DURABLE_VERSION = "2.0.28"
SDIST_NAME = f"durable_rules-{DURABLE_VERSION}.tar.gz"
# From the index once (pip download + sha256sum, cross-checked with `pip hash`), 2026-11-30.
SDIST_SHA256 = "053b26f5e48d312d4fa27995243f954671be6eece477f150c059c364eb4d7d61"
BUILD_COMMAND = "cchc doctor --build-durable"


@dataclass(frozen=True)
class Replacement:
    """Replace every `old` in one file of the sdist by `new`; there must be exactly `count`."""

    path: str
    old: str
    new: str
    count: int


# The whole patch: the C-API call Python 3.13 removed, by its documented equivalent (same as PR #403).
PATCH = (Replacement("src/rulespy/rules.c", "PyEval_CallObject(", "PyObject_CallObject(", 5),)


@dataclass(frozen=True)
class Status:
    python: str
    durable_error: str | None  # None: durable-rules loads

    @property
    def matcher(self) -> str:
        return "durable-rules" if self.durable_error is None else "python"


def needs_patch(version: tuple[int, int] = sys.version_info[:2]) -> bool:
    """Python 3.13 removed PyEval_CallObject, which the released durable-rules calls."""
    return version >= (3, 13)


def durable_error(python: str = sys.executable) -> str | None:
    """Why durable-rules does not load in `python`, or None if it does.

    Asked in a fresh interpreter: one that already failed to import the extension (or has just
    installed a new one) cannot tell."""
    code = "import durable_rules_engine, durable.engine"
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, check=False)
    if done.returncode == 0:
        return None
    lines = done.stderr.strip().splitlines()
    return lines[-1] if lines else f"mã thoát {done.returncode}"


def status() -> Status:
    return Status(sys.version.split()[0], durable_error())


def missing_build_tool() -> str | None:
    """What the build lacks on this machine (in words a user can act on), or None."""
    compiler = (os.environ.get("CC") or sysconfig.get_config_var("CC") or "gcc").split()[0]
    if shutil.which(compiler) is None:
        return f"trình biên dịch C ({compiler}; trên Debian: apt install gcc)"
    include = sysconfig.get_paths()["include"]
    if not (Path(include) / "Python.h").is_file():
        return f"tệp tiêu đề C của Python ({include}/Python.h; trên Debian: apt install python3-dev)"
    return None


def _pip(args: Sequence[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True, check=False)


def _pip_reason(done: subprocess.CompletedProcess[str]) -> str:
    """pip's first ERROR line (its own summary of the failure), else its last line."""
    lines = [line.strip() for line in (done.stderr + "\n" + done.stdout).splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR:")]
    return errors[0] if errors else lines[-1] if lines else f"mã thoát {done.returncode}"


def fetch_sdist(dest: Path) -> Path:
    """The durable-rules sdist, downloaded by pip from the configured package index."""
    done = _pip(["download", "--no-deps", "--no-binary", ":all:", f"durable-rules=={DURABLE_VERSION}",
                 "-d", str(dest)])
    sdist = dest / SDIST_NAME
    if done.returncode != 0 or not sdist.is_file():
        raise InputError(Problem.of("C042", detail=_pip_reason(done)))
    return sdist


def sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def verify_sdist(sdist: Path, expected: str = SDIST_SHA256) -> None:
    got = sha256(sdist)
    if got != expected:
        raise InputError(Problem.of("C041", file=sdist, got=got, expected=expected))


def unpack(sdist: Path, dest: Path) -> Path:
    """The sdist's source folder. The `data` filter (Python >= 3.11.4, so every Python that needs the build)
    refuses members that would land outside `dest`."""
    with tarfile.open(sdist) as tar:
        tar.extractall(dest, filter="data")
    return dest / SDIST_NAME.removesuffix(".tar.gz")


def apply_patch(source: Path, patch: Sequence[Replacement] = PATCH) -> None:
    """Apply every replacement, or none: each file is checked before any is written."""
    patched: dict[Path, str] = {}
    for rep in patch:
        path = source / rep.path
        text = patched[path] if path in patched else path.read_text(encoding="utf-8")
        found = text.count(rep.old)
        if found != rep.count:
            raise InputError(Problem.of("C043", step=f"áp bản vá {rep.path}",
                                        detail=f"gặp {found} chỗ {rep.old!r}, cần đúng {rep.count}"))
        patched[path] = text.replace(rep.old, rep.new)
    for path, text in patched.items():
        path.write_text(text, encoding="utf-8")


def build_wheel(source: Path, dest: Path) -> Path:
    # Build isolation: pip fetches setuptools for setup.py, which a 3.12+ venv no longer carries.
    done = _pip(["wheel", "--no-deps", "--no-cache-dir", str(source), "-w", str(dest)])
    wheels = sorted(dest.glob("durable_rules-*.whl"))
    if done.returncode != 0 or not wheels:
        raise InputError(Problem.of("C043", step="dựng gói (pip wheel)", detail=_pip_reason(done)))
    return wheels[0]


def install_wheel(wheel: Path) -> None:
    done = _pip(["install", "--no-deps", "--force-reinstall", str(wheel)])
    if done.returncode != 0:
        raise InputError(Problem.of("C044", detail=_pip_reason(done)))
    error = durable_error()
    if error is not None:
        raise InputError(Problem.of("C044", detail=f"đã cài nhưng vẫn không nạp được: {error}"))


def build_durable(work: Path) -> Path:
    """Download, verify, patch, build and install durable-rules into this interpreter; the wheel built.

    Every failure is an InputError with one Vietnamese line; nothing is installed unless the
    sdist's hash matches and the patch applied exactly."""
    missing = missing_build_tool()
    if missing is not None:
        raise InputError(Problem.of("C040", what=missing))
    sdist = fetch_sdist(work / "sdist")
    verify_sdist(sdist)
    source = unpack(sdist, work / "src")
    apply_patch(source)
    wheel = build_wheel(source, work / "wheel")
    install_wheel(wheel)
    return wheel

"""`cchc doctor`: which matcher runs, and the patched durable-rules build for Python >= 3.13.

The real build (download, hash, patch, compile, install) runs in CI on Python 3.13 (`.ci/run`), where
CCHC_REQUIRE_DURABLE=1 makes the suite fail if durable-rules still does not load. Here: its refusals,
each on the real path up to the point that must stop it.
"""

from __future__ import annotations

import hashlib
import io
import os
import sys
import tarfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine.matching as matching
from engine import doctor
from engine.assess import Assessor
from engine.cli import main
from engine.matching import durable_matcher
from engine.reports import WRITERS
from evidence.problems import InputError
from tests.conftest import DURABLE

RULES_C = "src/rulespy/rules.c"
CALL = "    result = PyEval_CallObject(callback, arglist);\n"


def _rules_c(calls: int) -> str:
    return "#include <Python.h>\n" + "static int f() {\n" + CALL * calls + "}\n"


def _sdist(path: Path, calls: int = 5) -> Path:
    """A tarball shaped like the durable-rules sdist (its folder and rules.c), `calls` calls to patch."""
    folder = doctor.SDIST_NAME.removesuffix(".tar.gz")
    data = _rules_c(calls).encode()
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo(f"{folder}/{RULES_C}")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return path


def _never(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("this step must not run")


def _codes(exc: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [p.code for p in exc.value.problems]


def _durable_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor, "durable_error", lambda python=sys.executable: "undefined symbol: PyEval_CallObject")


# --- the refusals -------------------------------------------------------------------------------------------

def test_without_a_compiler_nothing_is_downloaded_and_the_plain_matcher_is_named(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no gcc, no cc
    monkeypatch.delenv("CC", raising=False)
    monkeypatch.setattr(doctor, "_pip", _never)
    _durable_missing(monkeypatch)
    assert doctor.missing_build_tool() is not None
    with pytest.raises(InputError) as exc:
        doctor.build_durable(tmp_path / "work")
    assert _codes(exc) == ["C040"]
    assert "gcc" in str(exc.value) and "bộ so khớp Python thuần vẫn chạy" in str(exc.value)

    assert main(["doctor", "--build-durable"]) == 2
    _, err = capsys.readouterr()
    assert "[C040]" in err and "Traceback" not in err


def test_a_sdist_whose_hash_differs_is_refused_before_it_is_unpacked(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    tampered = _sdist(tmp_path / doctor.SDIST_NAME)
    monkeypatch.setattr(doctor, "missing_build_tool", lambda: None)
    monkeypatch.setattr(doctor, "fetch_sdist", lambda dest: tampered)
    for step in ("unpack", "build_wheel", "install_wheel"):
        monkeypatch.setattr(doctor, step, _never)
    with pytest.raises(InputError) as exc:
        doctor.build_durable(tmp_path / "work")
    assert _codes(exc) == ["C041"]
    assert doctor.sha256(tampered) in str(exc.value) and doctor.SDIST_SHA256 in str(exc.value)
    assert "từ chối" in str(exc.value)


@settings(max_examples=50, deadline=None)
@given(content=st.binary(max_size=200), flip=st.integers(min_value=0, max_value=255))
def test_only_the_exact_bytes_pass_the_hash_check(content: bytes, flip: int) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / doctor.SDIST_NAME
        path.write_bytes(content)
        doctor.verify_sdist(path, hashlib.sha256(content).hexdigest())  # the same bytes: accepted
        changed = content[:-1] + bytes([content[-1] ^ (flip or 1)]) if content else b"\0"
        path.write_bytes(changed)
        with pytest.raises(InputError) as exc:
            doctor.verify_sdist(path, hashlib.sha256(content).hexdigest())
        assert _codes(exc) == ["C041"]


def test_an_unreachable_package_index_is_said_in_one_line(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # The real pip, pointed at a port where nothing listens, with no other index or local wheels.
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple/")
    for name in ("PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_CONSTRAINT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PIP_RETRIES", "0")
    monkeypatch.setenv("PIP_TIMEOUT", "5")
    with pytest.raises(InputError) as exc:
        doctor.fetch_sdist(tmp_path)
    assert _codes(exc) == ["C042"]
    assert "không tải được" in str(exc.value) and "\n" not in str(exc.value)


# --- the patch ----------------------------------------------------------------------------------------------

def test_the_patch_replaces_the_five_calls_and_nothing_else(tmp_path: Path) -> None:
    source = doctor.unpack(_sdist(tmp_path / doctor.SDIST_NAME), tmp_path / "src")
    doctor.apply_patch(source)
    text = (source / RULES_C).read_text()
    assert "PyEval_CallObject" not in text
    assert text == _rules_c(5).replace("PyEval_CallObject(", "PyObject_CallObject(")


@settings(max_examples=60, deadline=None)
@given(calls=st.integers(min_value=0, max_value=9),
       noise=st.text(alphabet=st.characters(codec="ascii", exclude_characters="\r"), max_size=40))
def test_the_patch_applies_only_to_the_source_it_was_written_for(calls: int, noise: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder)
        (source / RULES_C).parent.mkdir(parents=True)
        original = noise + CALL * calls + noise
        (source / RULES_C).write_text(original)
        found = original.count("PyEval_CallObject(")
        if found == 5:
            doctor.apply_patch(source)
            assert "PyEval_CallObject(" not in (source / RULES_C).read_text()
        else:
            with pytest.raises(InputError) as exc:
                doctor.apply_patch(source)
            assert _codes(exc) == ["C043"]
            assert (source / RULES_C).read_text() == original  # all or nothing


# --- what a user is told ------------------------------------------------------------------------------------

def test_assess_without_durable_says_once_how_to_enable_it(monkeypatch: pytest.MonkeyPatch, seed) -> None:
    def unavailable() -> None:
        raise ImportError("undefined symbol: PyEval_CallObject")

    monkeypatch.setattr(durable_matcher, "load_durable", unavailable)
    monkeypatch.setattr(matching, "_warned", False)
    scheme, evidence = seed
    with pytest.warns(RuntimeWarning, match="durable-rules không dùng được"):
        engine = Assessor(scheme, prefer="durable")
    result = engine.assess(evidence)
    again = engine.assess(evidence)
    assert str(result.total) == "75.66"
    for run in (result, again):
        codes = [w.code for w in run.warnings]
        assert codes.count("W003") == 1 and codes.count("W070") == 1
        hint = next(w for w in run.warnings if w.code == "W070")
        assert doctor.BUILD_COMMAND in hint.message and sys.version.split()[0] in hint.message


def _report_text(path: Path) -> str:
    if path.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True)
        return "\n".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v)
    if path.suffix == ".docx":
        import docx

        return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "kind"), [(f"{kind}{ext}", kind) for kind, (_, exts) in WRITERS.items()
                                            for ext in exts])  # every writer, so a new one is covered too
def test_every_report_says_the_plain_matcher_ran_when_durable_does_not_load(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, kind: str) -> None:
    def unavailable() -> None:
        raise ImportError("undefined symbol: PyEval_CallObject")

    out = tmp_path / name
    with monkeypatch.context() as patched:
        patched.setattr(durable_matcher, "load_durable", unavailable)
        patched.setattr(matching, "_warned", True)  # the RuntimeWarning is another test's subject
        assert main(["report", "--out", str(out), "--loai", kind]) == 0
    assert "W003" in _report_text(out)
    plain = tmp_path / f"plain-{name}"
    assert main(["report", "--out", str(plain), "--loai", kind, "--matcher", "python"]) == 0
    assert "W003" not in _report_text(plain)  # chosen on purpose: nothing to warn about


def test_assess_with_durable_says_nothing_about_it(seed) -> None:
    scheme, evidence = seed
    codes = [w.code for w in Assessor(scheme, prefer="python").assess(evidence).warnings]
    assert "W003" not in codes and "W070" not in codes


def test_doctor_reports_the_python_and_the_matcher_that_runs(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["doctor"])
    out, _ = capsys.readouterr()
    assert f"Python {sys.version.split()[0]}" in out
    if DURABLE:
        assert code == 0 and "durable-rules: nạp được. Bộ so khớp: durable-rules." in out
    else:
        assert code == 1 and "Bộ so khớp: python" in out


def test_doctor_on_313_without_durable_names_the_command(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _durable_missing(monkeypatch)
    monkeypatch.setattr(doctor, "needs_patch", lambda version=(3, 13): True)
    assert main(["doctor"]) == 1
    out, _ = capsys.readouterr()
    assert "không nạp được (undefined symbol: PyEval_CallObject)" in out
    assert f"`{doctor.BUILD_COMMAND}`" in out


def test_build_is_not_needed_where_durable_already_loads(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(doctor, "durable_error", lambda python=sys.executable: None)
    monkeypatch.setattr(doctor, "build_durable", _never)
    assert main(["doctor", "--build-durable"]) == 0
    assert "nạp được" in capsys.readouterr().out


def test_the_patch_is_needed_from_313_on() -> None:
    assert not doctor.needs_patch((3, 11)) and not doctor.needs_patch((3, 12))
    assert doctor.needs_patch((3, 13)) and doctor.needs_patch((3, 14))


def test_durable_error_asks_a_fresh_interpreter() -> None:
    assert (doctor.durable_error() is None) == DURABLE

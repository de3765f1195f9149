"""`cchc serve`: Vietnamese help, and each refusal one clear line with its code, exit 2, no traceback; `--demo`
starts a fresh workspace with a TCCB account whose password is printed once and works."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.cli import main
from tests.conftest import SEED
from tests.workspace.web.test_browser import _free_port


def _serve(capsys, *args: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    code = main(["serve", *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_help_is_vietnamese(capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as done:
        main(["serve", "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert "Cách dùng: cchc serve" in text and "--demo" in text and "mật khẩu" in text and "usage" not in text


def test_no_account_no_server(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, text = _serve(capsys, str(SEED), "--data", str(tmp_path / "d"), "--port", str(_free_port()))
    assert code == 2 and "[C149]" in text and "create-admin" in text and "Traceback" not in text
    # the case was imported: the next start says so and still refuses without an account
    code, text = _serve(capsys, str(SEED), "--data", str(tmp_path / "d"), "--port", str(_free_port()))
    assert code == 2 and "[W110]" in text and "[C149]" in text


def test_no_case_no_server(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, text = _serve(capsys, "--data", str(tmp_path / "d"), "--port", str(_free_port()))
    assert code == 2 and "[C153]" in text


def test_a_port_in_use_is_one_clear_line(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        code, text = _serve(capsys, "--demo", "--data", str(tmp_path / "d"), "--port", str(port))
    assert code == 2 and "[C147]" in text and str(port) in text and "--port" in text and "Traceback" not in text
    assert not (tmp_path / "d").exists() or not any((tmp_path / "d").iterdir())  # refused before anything


@pytest.mark.parametrize("url", ["khong-phai-dia-chi://x", "postgresql://cchc:mat-khau-bi-mat@127.0.0.1:1/cchc"])
def test_a_bad_database_url_is_one_clear_line(tmp_path: Path, capsys, url: str) -> None:  # type: ignore[no-untyped-def]
    code, text = _serve(capsys, "--data", str(tmp_path / "d"), "--db", url, "--port", str(_free_port()))
    assert code == 2 and ("[C148]" in text or "[E100]" in text) and "Traceback" not in text
    assert "mat-khau-bi-mat" not in text  # the password is never printed
    assert len([line for line in text.splitlines() if line.startswith("Lỗi:")]) == 1 and "\t" not in text


def test_bad_arguments(capsys) -> None:  # type: ignore[no-untyped-def]
    for args in (["--port", "99999"], ["--port", "tam"], ["--host", "khong.co.may.nay.invalid", "--demo"]):
        try:
            code = main(["serve", *args])
        except SystemExit as exc:
            code = exc.code
        text = capsys.readouterr().err
        assert code == 2 and "Traceback" not in text and ("cổng" in text or "[C154]" in text), args


def test_demo_on_a_used_data_folder_is_refused(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    used = tmp_path / "d"
    used.mkdir()
    (used / "workspace.db").write_bytes(b"x")
    code, text = _serve(capsys, "--demo", "--data", str(used), "--port", str(_free_port()))
    assert code == 2 and "[C150]" in text
    assert (used / "workspace.db").read_bytes() == b"x"


def test_demo_starts_with_a_password_printed_once(tmp_path: Path) -> None:
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "engine.cli", "serve", "--demo", "--data",
                                    str(tmp_path / "demo"), "--port", str(port)], stdout=out,
                                   stderr=subprocess.STDOUT, text=True)
    try:
        for _ in range(600):
            if "mật khẩu chỉ in một lần" in log.read_text() or process.poll() is not None:
                break
            time.sleep(0.1)
        text = log.read_text()
        found = re.search(r"Tài khoản chạy thử: tccb / (\S+)", text)
        assert found and "127.0.0.1:" + str(port) in text, text
        import httpx2

        with httpx2.Client(base_url=f"http://127.0.0.1:{port}", follow_redirects=False) as http:
            form = http.get("/dang-nhap")
            token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
            signed = http.post("/dang-nhap", data={"username": "tccb", "password": found.group(1), "csrf": token})
            assert signed.status_code == 303
            assert "75,66" in http.get("/tong-quan").text
        assert text.count(found.group(1)) == 1
    finally:
        process.terminate()
        process.wait(timeout=30)

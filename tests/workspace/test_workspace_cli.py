"""`cchc workspace create-admin|import|export|backup|restore`, as a person types them (SQLite)."""

from __future__ import annotations

import io
import json

import pytest

from engine.cli import main
from tests.conftest import SEED


def test_the_commands_from_import_to_restore(tmp_path, monkeypatch, capsys) -> None:
    data = str(tmp_path / "data")
    assert main(["workspace", "import", str(SEED), "--data", data]) == 0
    assert "75,66 điểm" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-quan-tri\n"))
    assert main(["workspace", "create-admin", "--data", data, "--password-stdin"]) == 0
    assert "«tccb»" in capsys.readouterr().out
    assert main(["workspace", "export", str(tmp_path / "ho-so"), "--data", data]) == 0
    capsys.readouterr()
    assert main(["assess", str(tmp_path / "ho-so"), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 75.66
    assert main(["workspace", "backup", str(tmp_path / "sao-luu"), "--data", data]) == 0
    assert main(["workspace", "restore", str(tmp_path / "sao-luu"), "--data", str(tmp_path / "moi")]) == 0
    from workspace.service import Workspace

    ws = Workspace.open(tmp_path / "moi")
    try:
        assert ws.login("tccb", "mat-khau-quan-tri", "x").token
    finally:
        ws.close()


def test_create_admin_asks_twice_and_refuses_a_mismatch(tmp_path, monkeypatch, capsys) -> None:
    answers = iter(["mat-khau-thu-nhat", "mat-khau-thu-hai"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["workspace", "create-admin", "--data", str(tmp_path / "d")]) == 2
    err = capsys.readouterr().err
    assert "[C124]" in err and "Traceback" not in err


@pytest.mark.parametrize(("password", "code"), [("", "C129"), ("ngan", "C106")])
def test_create_admin_has_no_default_password(tmp_path, monkeypatch, capsys, password, code) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    assert main(["workspace", "create-admin", "--data", str(tmp_path / "d"), "--password-stdin"]) == 2
    assert f"[{code}]" in capsys.readouterr().err


def test_errors_are_one_line_each_never_a_traceback(tmp_path, capsys) -> None:
    data = str(tmp_path / "data")
    assert main(["workspace", "export", str(tmp_path / "x"), "--data", data]) == 2
    assert "[C109]" in capsys.readouterr().err  # nothing imported yet
    assert main(["workspace", "import", str(SEED), "--data", data]) == 0
    assert main(["workspace", "import", str(SEED), "--data", data]) == 2
    assert "[C108]" in capsys.readouterr().err
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    assert main(["workspace", "backup", str(tmp_path / "full"), "--data", data]) == 2
    assert "[C125]" in capsys.readouterr().err
    assert main(["workspace", "import", str(SEED), "--data", str(tmp_path / "pg"),
                 "--db", "postgresql://nobody@127.0.0.1:1/none"]) == 2
    assert "[E100]" in capsys.readouterr().err

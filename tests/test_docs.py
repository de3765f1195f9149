"""The docs stay true: the quick start, CI's command, and every error code."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from evidence.messages import MESSAGES
from tests.conftest import ROOT


def _quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Bắt đầu nhanh", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section, flags=re.S)


def test_quick_start_is_exactly_two_commands() -> None:
    commands = _quick_start_commands()
    assert len(commands) == 2 and all("\n" not in c for c in commands)
    assert commands[0].endswith("cchc assess")
    assert "'.[test]'" in commands[1] and commands[1].endswith("python -m pytest")


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _quick_start_commands()[1] in ci.splitlines()


def test_every_error_code_is_documented() -> None:
    doc = (ROOT / "docs" / "error-codes.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([A-Z]\d{3})` \|", doc, flags=re.M))
    assert documented == set(MESSAGES)


def _run_readme_block(pattern: str, folder: Path) -> str:
    """Run one ```sh block of the README, exactly as written, from a folder laid out like the checkout."""
    [block] = re.findall(pattern + r".*?```sh\n(.+?)\n```", (ROOT / "README.md").read_text(encoding="utf-8"),
                         flags=re.S)
    shutil.copytree(ROOT / "cases", folder / "cases")
    env = {**os.environ, "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}",
           "COLUMNS": "120"}
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_evidence_example_runs_verbatim(tmp_path: Path) -> None:
    out = _run_readme_block(r"## Tài liệu kiểm chứng của đơn vị.*?Chạy được nguyên văn", tmp_path)
    assert "0 lỗi" in out and "Hồ sơ dùng được để chấm điểm" in out
    assert "Thanh tra Sở: 3 mục còn làm được, nếu khắc phục hết được thêm 1,75 điểm" in out
    assert (tmp_path / "ho-so-thu" / "so-dang-ky" / "thanh-tra.xlsx").is_file()


def test_the_report_commands_run_verbatim(tmp_path: Path) -> None:
    _run_readme_block(r"## Tài liệu cho lãnh đạo và các đơn vị", tmp_path)
    for name in ("ket-qua.xlsx", "bao-cao.html", "ke-hoach.docx", "bieu-tu-cham.xlsx", "thanh-tra.html"):
        assert (tmp_path / name).stat().st_size > 0, name


def test_the_scenario_history_and_verify_example_runs_verbatim(tmp_path: Path) -> None:
    out = _run_readme_block(r"kiểm lại một kết quả \(chạy được nguyên văn", tmp_path)
    assert "86,03" in out and "Tốt" in out  # the Q3 scenario's projection
    assert "Giống hệt" in out
    assert (tmp_path / "ho-so-thang" / "lich-su" / "2023-12-26.json").is_file()

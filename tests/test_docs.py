"""The docs stay true: the quick start, CI's command, and every error code."""

from __future__ import annotations

import re

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


def test_the_evidence_example_runs_verbatim(tmp_path) -> None:
    """The README's evidence commands, exactly as written, from a folder laid out like the checkout."""
    import os
    import shutil
    import subprocess
    import sys

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Tài liệu kiểm chứng của đơn vị", 1)[1].split("\n## ", 1)[0]
    [block] = re.findall(r"Chạy được nguyên văn.*?```sh\n(.+?)\n```", section, flags=re.S)
    shutil.copytree(ROOT / "cases", tmp_path / "cases")
    env = {**os.environ, "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}",
           "COLUMNS": "120"}
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "0 lỗi" in done.stdout and "Hồ sơ dùng được để chấm điểm" in done.stdout
    assert "Thanh tra Sở: 3 mục còn làm được, nếu khắc phục hết được thêm 1,75 điểm" in done.stdout
    assert (tmp_path / "ho-so-thu" / "so-dang-ky" / "thanh-tra.xlsx").is_file()


def test_the_scenario_history_and_verify_example_runs_verbatim(tmp_path) -> None:
    import os
    import shutil
    import subprocess
    import sys

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [block] = re.findall(r"kiểm lại một kết quả \(chạy được nguyên văn.*?```sh\n(.+?)\n```", readme, flags=re.S)
    shutil.copytree(ROOT / "cases", tmp_path / "cases")
    env = {**os.environ, "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}",
           "COLUMNS": "120"}
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "86,03" in done.stdout and "Tốt" in done.stdout  # the Q3 scenario's projection
    assert "Giống hệt" in done.stdout
    assert (tmp_path / "ho-so-thang" / "lich-su" / "2023-12-26.json").is_file()

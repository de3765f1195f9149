"""What the `cchc` program says to the shell: each command's exit status, the whole output through a pipe, and a
reader that leaves early (`cchc assess | head`) as 141, never an internal error."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def _cchc(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "engine.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.parametrize(("args", "status"), [(["--help"], 0), (["assess", "--format", "yaml"], 2),
                                               (["assess", "khong-co-ho-so-nay"], 2), (["assess"], 0)])
def test_the_exit_status_is_the_commands(args: list[str], status: int) -> None:
    assert _cchc(*args).returncode == status


def test_the_whole_output_reaches_a_pipe() -> None:
    done = _cchc("assess", "--format", "json")
    assert done.returncode == 0
    assert json.loads(done.stdout)["case"]


@pytest.mark.parametrize("args", [["assess", "--format", "json"], ["assess"]])
def test_a_reader_that_stops_early_is_no_internal_error(args: list[str]) -> None:
    """`cchc assess | head -c 10`: the reader leaves; cchc stops quietly with 141, as a shell shows for any program
    a closed pipe stopped, never "Lỗi nội bộ" nor rich's 1. The pipe holds 4 KB, less than the answer."""
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, getattr(fcntl, "F_SETPIPE_SZ", 1031), 4096)
    cchc = subprocess.Popen([sys.executable, "-m", "engine.cli", *args], cwd=ROOT,
                            stdout=write_end, stderr=subprocess.PIPE)
    os.close(write_end)
    assert os.read(read_end, 10)
    os.close(read_end)
    _, err = cchc.communicate(timeout=300)
    assert cchc.returncode == 141
    assert err.decode("utf-8") == ""

"""`cchc --help` and every error said before a case is read must not load the heavy libraries.

pandas alone costs more than the whole help text; pydantic models, openpyxl, durable-rules and rich
are only needed once a case is actually read and scored. Each check runs a fresh interpreter (the test
session has long imported everything) and reports which heavy modules `main()` left in sys.modules.
"""

from __future__ import annotations

import json
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.cli import COMMANDS as CLI_COMMANDS
from engine.cli import _parser
from tests.conftest import ROOT

HEAVY = ("pandas", "numpy", "pydantic", "openpyxl", "durable", "rich", "pyarrow", "dask")

PROBE = """
import contextlib, io, json, sys
from engine.cli import main
argv = json.loads(sys.argv[1])
err = io.StringIO()
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
loaded = [m for m in json.loads(sys.argv[2]) if m in sys.modules]
print(json.dumps({"code": code, "err": err.getvalue(), "loaded": loaded}))
"""


def _loaded_by(argv: list[str]) -> dict:
    return _loaded_by_modules(argv, HEAVY)


def _loaded_by_modules(argv: list[str], modules: list[str] | tuple[str, ...]) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(argv), json.dumps(modules)],
                          cwd=ROOT, capture_output=True, text=True, check=True, timeout=120)
    return json.loads(done.stdout)


def test_help_loads_no_heavy_library() -> None:
    seen = _loaded_by(["--help"])
    assert seen["code"] == 0
    assert seen["loaded"] == []


def test_usage_error_loads_no_heavy_library() -> None:
    seen = _loaded_by(["assess", "--format", "yaml"])
    assert seen["code"] == 2
    assert "--format" in seen["err"]
    assert seen["loaded"] == []


def test_unknown_case_is_said_before_pandas_is_loaded() -> None:
    seen = _loaded_by(["assess", "khong-co-ho-so-nay"])
    assert seen["code"] == 2
    assert "C002" in seen["err"] or "không tìm thấy hồ sơ" in seen["err"]
    assert seen["loaded"] == []


def test_bad_as_of_is_said_before_pandas_is_loaded() -> None:
    seen = _loaded_by(["assess", "--as-of", "31/02/2023"])
    assert seen["code"] == 2
    assert seen["loaded"] == []


def test_dask_with_a_scenario_is_refused_before_pandas_or_dask_is_loaded() -> None:
    seen = _loaded_by(["assess", "--engine", "dask", "--scenario", "kich-ban.yaml"])
    assert seen["code"] == 2
    assert "C039" in seen["err"]
    assert seen["loaded"] == []


COMMANDS = [["assess"], ["report"], ["history"], ["verify"], ["rules", "check"], ["rules", "test"],
            ["rules", "docs"], ["rules", "diff"], ["evidence", "template"], ["evidence", "scan"],
            ["evidence", "check"]]


@settings(max_examples=12, deadline=None)
@given(command=st.sampled_from(COMMANDS),
       junk=st.text(alphabet="abcxyz-đư0", min_size=1, max_size=8),
       help_too=st.booleans())
def test_any_command_help_or_usage_error_loads_no_heavy_library(command: list[str], junk: str,
                                                                help_too: bool) -> None:
    argv = [*command, "--help"] if help_too else [*command, f"--khong-co-{junk}"]
    seen = _loaded_by(argv)
    assert seen["code"] == (0 if help_too else 2)
    assert seen["loaded"] == []



COMMAND_MODULES = [f"engine.cli.{module}" for module, _ in CLI_COMMANDS.values()]


@settings(max_examples=6, deadline=None)
@given(command=st.sampled_from(COMMANDS))
def test_a_command_imports_no_other_command_module(command: list[str]) -> None:
    """`cchc assess` does not pay for importing serve, workspace, report...: only the module of the command
    argparse picked is loaded."""
    seen = _loaded_by_modules([*command, "--khong-co-tuy-chon"], COMMAND_MODULES)
    assert seen["code"] == 2
    assert seen["loaded"] == [f"engine.cli.{CLI_COMMANDS[command[0]][0]}"]


def test_help_lists_every_command_once_in_order_after_all_are_loaded() -> None:
    """The one-line help of a command is declared once (engine/cli/__init__.py): a module that also passed
    `help=` would list its command twice, and loading a command must not move it in `cchc --help`."""
    parser = _parser()
    before = parser.format_help()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in CLI_COMMANDS:
        sub.choices[name]  # what argparse and anyone else reads: the command's full parser, loaded then
    assert parser.format_help() == before
    assert [a.dest for a in sub._choices_actions] == list(CLI_COMMANDS)
    assert list(sub.choices) == list(CLI_COMMANDS)  # the order an "invalid choice" error lists them in
    for name, (_, help_line) in CLI_COMMANDS.items():
        assert " ".join(before.split()).count(help_line) == 1, name  # help wraps long lines
        assert sub.choices[name].format_usage().startswith(f"Cách dùng: cchc {name} ")
        assert len(sub.choices[name]._actions) > 1, name  # its own options, not the stand-in's --help only


AGREE = """
import json, sys
if sys.argv[1] == "python":
    sys.modules["yaml.cyaml"] = None  # PyYAML without libyaml: the pure-Python parser
from pathlib import Path
from evidence import yaml_lines
out = {}
for path in sorted(Path("rules").rglob("*.yaml")) + sorted(Path("cases").rglob("*.yaml")):
    data, index = yaml_lines.load_yaml(path)
    out[str(path)] = [data, sorted(map(list, index._lines.items()), key=repr)]
print(yaml_lines._Parser.__module__)
print(json.dumps(out, default=str, sort_keys=True))
"""


def test_libyaml_and_the_python_parser_read_every_shipped_file_alike() -> None:
    """libyaml only speeds the parse up: the data and every line number must be the same as PyYAML's own."""
    runs = {}
    for parser in ("libyaml", "python"):
        done = subprocess.run([sys.executable, "-c", AGREE, parser], cwd=ROOT, capture_output=True, text=True,
                              check=True, timeout=300)
        module, data = done.stdout.splitlines()
        runs[parser] = (module, data)
    assert runs["python"][0] == "evidence.yaml_lines"  # the fallback really ran
    assert runs["libyaml"][1] == runs["python"][1]


GC_PROBE = """
import contextlib, gc, io, json, sys
from engine.cli import main
if sys.argv[1] == "gc-off":
    gc.disable()
if sys.argv[1] == "pandas-first":
    import pandas  # noqa: F401
with contextlib.redirect_stdout(io.StringIO()):
    code = main(["assess", "--format", "json"])
print(json.dumps({"code": code, "enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}))
"""


def _gc_after_assess(how: str) -> dict:
    done = subprocess.run([sys.executable, "-c", GC_PROBE, how], cwd=ROOT, capture_output=True, text=True,
                          check=True, timeout=120)
    return json.loads(done.stdout)


def test_libraries_are_loaded_with_the_collector_paused_then_frozen_and_it_runs_again() -> None:
    """engine/cli/startup.py: what the first load of pandas, pydantic and cchc creates is frozen (never scanned
    again), and the collector is back on for the work."""
    seen = _gc_after_assess("fresh")
    assert seen["code"] == 0
    assert seen["enabled"] is True
    assert seen["frozen"] > 50_000  # the libraries' objects, not a handful


def test_a_process_that_already_loaded_pandas_or_paused_the_collector_is_left_as_it_was() -> None:
    """Only the first load in a process is changed: a library user or the test suite keeps its own collector."""
    assert _gc_after_assess("pandas-first") == {"code": 0, "enabled": True, "frozen": 0}
    assert _gc_after_assess("gc-off") == {"code": 0, "enabled": False, "frozen": 0}

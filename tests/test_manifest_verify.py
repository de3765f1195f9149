"""The run manifest, `cchc verify`, and byte-identical JSON for the same input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.cli import main
from engine.manifest import rule_files, rules_hash
from tests.conftest import CASES, ROOT, RULES, SEED

Q3 = CASES / "ha-giang-sonnptnt-2024-q3"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def case(tmp_path: Path) -> Path:
    """The Q3 case with its own copy of the rules inside it, so a rule can be edited."""
    target = tmp_path / "q3"
    shutil.copytree(Q3, target)
    shutil.copytree(RULES / "ha-giang-2024-so", target / "bo-tieu-chi")
    case_file = target / "case.yaml"
    case_file.write_text(case_file.read_text(encoding="utf-8").replace("scheme: ha-giang-2024-so",
                                                                       "scheme: bo-tieu-chi"), encoding="utf-8")
    return target


def test_json_carries_the_manifest(capsys) -> None:
    code, out, _ = run(capsys, "assess", "--format", "json")
    assert code == 0
    manifest = json.loads(out)["manifest"]
    files = rule_files(RULES / "ha-giang-2023-so")
    assert manifest["scheme"] == {"id": "ha-giang-2023-so", "version": manifest["scheme"]["version"],
                                  "rules_sha256": rules_hash(files), "rule_files_sha256": files}
    assert "scheme.yaml" in files and any(name.startswith("fields/") for name in files)
    assert manifest["as_of"] == "2023-12-26" and manifest["matcher"] in ("durable-rules", "python")
    assert set(manifest["evidence_sha256"]) >= {"case.yaml", "documents.csv", "inputs.yaml", "datasets/tasks.csv"}
    assert manifest["cchc_version"] and manifest["case"] == "ha-giang-sonnptnt-2023"


@settings(max_examples=30, deadline=None)
@given(names=st.lists(st.from_regex(r"[a-z]{1,6}\.yaml", fullmatch=True), min_size=1, max_size=4, unique=True),
       data=st.data())
def test_rules_hash_covers_names_and_contents(names: list[str], data) -> None:
    files = {f"fields/{n}": data.draw(st.from_regex(r"[0-9a-f]{64}", fullmatch=True)) for n in names}
    same = dict(reversed(list(files.items())))
    assert rules_hash(files) == rules_hash(same)  # order of listing does not matter
    name = next(iter(files))
    renamed = {**{k: v for k, v in files.items() if k != name}, name.replace(".yaml", "x.yaml"): files[name]}
    assert rules_hash(renamed) != rules_hash(files)
    changed = {**files, name: "0" * 64 if files[name] != "0" * 64 else "1" * 64}
    assert rules_hash(changed) != rules_hash(files)


def test_verify_says_identical_then_names_the_changed_register(capsys, case: Path) -> None:
    assert run(capsys, "assess", str(case), "--save")[0] == 0
    saved = case / "lich-su" / "2024-09-30.json"
    code, out, _ = run(capsys, "verify", str(saved))
    assert code == 0 and "Giống hệt" in out
    register = case / "documents.csv"
    register.write_text(register.read_text(encoding="utf-8").replace("04/KH-SNN-TTr,22/1/2024,22/1/2024",
                                                                     "04/KH-SNN-TTr,22/1/2024,2/2/2024"),
                        encoding="utf-8")
    code, out, _ = run(capsys, "verify", str(saved))
    assert code == 1
    assert "documents.csv (đã sửa)" in out and "Số liệu khác" in out and "tiêu chí 1.4" in out
    assert "Bộ tiêu chí" not in out


def test_verify_names_the_changed_rule_set(capsys, case: Path) -> None:
    run(capsys, "assess", str(case), "--save")
    saved = case / "lich-su" / "2024-09-30.json"
    rule = case / "bo-tieu-chi" / "fields" / "2-the-che.yaml"
    rule.write_text(rule.read_text(encoding="utf-8") + "\n# sửa\n", encoding="utf-8")
    code, out, _ = run(capsys, "verify", str(saved))
    assert code == 1
    assert "Bộ tiêu chí ha-giang-2024-so đã thay đổi" in out and "fields/2-the-che.yaml (đã sửa)" in out
    assert "Tệp hồ sơ" not in out and "Số liệu khác" not in out  # a comment moves no point


def test_verify_finds_a_named_case_from_its_json(capsys, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "assess", "--format", "json")
    saved = tmp_path / "ket-qua.json"
    saved.write_text(out, encoding="utf-8")
    code, out, _ = run(capsys, "verify", str(saved))
    assert code == 0 and "Giống hệt" in out


@pytest.mark.parametrize("content", ["không phải json", "[1, 2]", '{"total": 75.66}',
                                     '{"manifest": {"case": "x", "as_of": "hôm qua", "matcher": "python", '
                                     '"scheme": {}, "evidence_sha256": {}, "cchc_version": "0"}}'])
def test_verify_refuses_what_is_not_a_saved_result(capsys, tmp_path: Path, content: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(content, encoding="utf-8")
    code, _, err = run(capsys, "verify", str(path))
    assert code == 2 and "[C029]" in err and "Traceback" not in err


def _json_of(*args: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": "random"}  # set and dict orders must not depend on hashing
    done = subprocess.run([sys.executable, "-m", "engine.cli", "assess", *args, "--format", "json"], cwd=ROOT,
                          capture_output=True, check=True, env=env)
    return done.stdout


@pytest.mark.parametrize("args", [(str(SEED),), (str(Q3), "--scenario", str(Q3 / "scenarios" / "dung-han.yaml"))])
def test_same_input_gives_byte_identical_json(args: tuple[str, ...]) -> None:
    assert _json_of(*args) == _json_of(*args)

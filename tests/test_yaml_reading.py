"""YAML files people keep are read as typed: no duplicate key wins silently, no YAML 1.1 number or
truth value appears from text, and no alias bomb is expanded (evidence/yaml_lines.py)."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence.case import load_case, load_units
from evidence.problems import InputError
from evidence.yaml_lines import MAX_DEPTH, MAX_EXPANDED_VALUES, load_yaml
from tests.conftest import RULES, SEED

FILES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _codes(exc: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [p.code for p in exc.value.problems]


def _write(folder: Path, text: str, name: str = "f.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _bomb(levels: int, width: int) -> str:
    """The "billion laughs": each level lists the previous one `width` times."""
    lines = ["l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


# ---- duplicate keys -------------------------------------------------------------------------


def test_a_key_written_twice_is_refused_with_both_lines(tmp_path: Path) -> None:
    path = _write(tmp_path, "'1.2':\n  tham-dinh: {value: 1, source: a}\n'2.1':\n  x: {value: 1, source: b}\n"
                            "'1.2':\n  tham-dinh: {value: 0, source: c}\n", "inputs.yaml")
    with pytest.raises(InputError) as exc:
        load_yaml(path)
    (problem,) = exc.value.problems
    assert (problem.code, problem.file, problem.line) == ("E050", str(path), 5)
    assert "dòng 1 và dòng 5" in problem.message


def test_a_duplicate_in_units_yaml_stops_the_case(tmp_path: Path) -> None:
    case = tmp_path / "case"
    shutil.copytree(SEED, case)
    units = case / "units.yaml"
    first = units.read_text(encoding="utf-8").splitlines()[-1]
    units.write_text(units.read_text(encoding="utf-8") + first.split(":")[0] + ": Tên khác\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_units(units)
    assert _codes(exc) == ["E050"]


@FILES
@given(keys=st.lists(st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True), min_size=1, max_size=8, unique=True),
       data=st.data())
def test_any_repeated_key_is_named_at_both_lines(tmp_path: Path, keys: list[str], data: st.DataObject) -> None:
    first = data.draw(st.integers(0, len(keys) - 1))
    at = data.draw(st.integers(first + 1, len(keys)))
    lines = [f"{k}: {i}" for i, k in enumerate(keys)]
    lines.insert(at, f"{keys[first]}: again")
    with pytest.raises(InputError) as exc:
        load_yaml(_write(tmp_path, "\n".join(lines) + "\n"))
    (problem,) = exc.value.problems
    assert problem.code == "E050"
    assert problem.line == at + 1
    assert f"dòng {first + 1} và dòng {at + 1}" in problem.message


# ---- YAML 1.1 forms ---------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["0x10", "yes", "no", "on", "off", "Yes", "y", "08", "010", "1:30", "0o17",
                                   "0b101", ".inf", ".NaN"])
def test_yaml_1_1_forms_are_read_as_the_text_typed(tmp_path: Path, typed: str) -> None:
    data, _ = load_yaml(_write(tmp_path, f"value: {typed}\n{typed}: key\n"))
    assert data == {"value": typed, typed: "key"}


def test_plain_numbers_dates_and_truth_values_still_read(tmp_path: Path) -> None:
    data, _ = load_yaml(_write(tmp_path, "a: 0.69\nb: 1\nc: -3\nd: 1e3\ne: 2024-01-30\nf: true\ng: null\nh: 0\n"))
    assert data["a"] == Decimal("0.69") and data["b"] == 1 and data["c"] == -3 and data["d"] == "1e3"
    assert str(data["e"]) == "2024-01-30" and data["f"] is True and data["g"] is None and data["h"] == 0


@pytest.mark.parametrize("typed", ["1_000", "'1_000'", "1_000.5", "-1_0"])
def test_an_underscored_number_is_refused(tmp_path: Path, typed: str) -> None:
    with pytest.raises(InputError) as exc:
        load_yaml(_write(tmp_path, f"a: 1\nvalue: {typed}\n"))
    assert [(p.code, p.line) for p in exc.value.problems] == [("E052", 2)]


@pytest.mark.parametrize("key", ["1.10", "1.1", "2.10", "010", "1_0"])
def test_ids_as_keys_keep_the_text_typed(tmp_path: Path, key: str) -> None:
    data, _ = load_yaml(_write(tmp_path, f"{key}: x\n"))
    assert list(data) == [key]


@pytest.mark.parametrize(("typed", "accepted"), [("0.69", True), ("1", True), ("'0.5'", True), ("1_000", False),
                                                 ("0x10", False), ("'1e3'", False), ("yes", False),
                                                 ("1:30", False), ("'Infinity'", False), ("-1", False)])
def test_inputs_value_takes_plain_decimals_only(tmp_path: Path, typed: str, accepted: bool) -> None:
    case = tmp_path / "case"
    shutil.copytree(SEED, case)
    inputs = case / "inputs.yaml"
    text = inputs.read_text(encoding="utf-8")
    inputs.write_text(text.replace("value: 0.69", f"value: {typed}"), encoding="utf-8")
    line = text[: text.index("value: 0.69")].count("\n")  # the requirement's line (value is one below)
    if accepted:
        assert load_case(case).inputs[("1.2", "tham-dinh")].value == Decimal(typed.strip("'"))
        return
    with pytest.raises(InputError) as exc:
        load_case(case)
    assert [(p.code, Path(p.file).name, p.line) for p in exc.value.problems if p.severity == "error"] in (
        [("E014", "inputs.yaml", line)], [("E052", "inputs.yaml", line + 1)])


def test_a_case_yaml_number_typed_as_hex_is_refused_not_converted(tmp_path: Path) -> None:
    case = tmp_path / "case"
    shutil.copytree(SEED, case)
    case_file = case / "case.yaml"
    text = case_file.read_text(encoding="utf-8")
    assert "  year: 2022\n" in text
    case_file.write_text(text.replace("  year: 2022\n", "  year: 0x7E6\n"), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_case(case)
    assert _codes(exc) == ["R002"] and exc.value.problems[0].line is not None


@FILES
@given(typed=st.one_of(
    st.from_regex(r"0x[0-9a-f]{1,4}", fullmatch=True),
    st.from_regex(r"0o?[0-7]{1,4}", fullmatch=True),
    st.from_regex(r"[1-9][0-9]?(:[0-5][0-9]){1,2}", fullmatch=True),
    st.sampled_from(["yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "n"]),
    st.from_regex(r"[0-9]{1,3}(_[0-9]{1,3}){1,2}(\.[0-9]{1,2})?", fullmatch=True),
    st.from_regex(r"[0-9]+\.[0-9]*0", fullmatch=True),
))
def test_no_typed_value_becomes_another_number_or_a_truth_value(tmp_path: Path, typed: str) -> None:
    """Whatever YAML 1.1 would make of it, cchc reads the text typed, a 1.2 decimal of it, or refuses it."""
    try:
        data, _ = load_yaml(_write(tmp_path, f"{typed}: {typed}\n"))
    except InputError as exc:
        assert [p.code for p in exc.problems] == ["E052"] and "_" in typed
        return
    assert list(data) == [typed]  # a key is always the text typed (ids: "1.10")
    value = data[typed]
    assert not isinstance(value, bool)
    assert value == typed or (isinstance(value, Decimal) and value == Decimal(typed))


# ---- alias bombs and nesting ------------------------------------------------------------------


def test_a_billion_laughs_is_refused_with_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, _bomb(levels=9, width=9), "case.yaml")  # 9**9 ≈ 387 million values expanded
    with pytest.raises(InputError) as exc:
        load_yaml(path)
    (problem,) = exc.value.problems
    assert (problem.code, problem.file) == ("E051", str(path))
    assert problem.line == 6  # l5, 9**6 ≈ 531 000 values, is the first level past MAX_EXPANDED_VALUES


@pytest.mark.parametrize("name", ["case.yaml", "inputs.yaml", "units.yaml"])
def test_a_bomb_in_any_case_file_stops_the_case(tmp_path: Path, name: str) -> None:
    case = tmp_path / "case"
    shutil.copytree(SEED, case)
    (case / name).write_text(_bomb(levels=9, width=9), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_case(case)
    assert ("E051", name) in [(p.code, Path(p.file).name) for p in exc.value.problems]


@pytest.mark.parametrize(("text", "detail"), [
    ("a: &a [1, *a]\n", "chính giá trị chứa nó"),
    ("a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n", "sâu hơn"),
    ("a: &a x\nb: [" + ", ".join(["*a"] * 1001) + "]\n", "bí danh"),
])
def test_self_reference_depth_and_alias_count_are_bounded(tmp_path: Path, text: str, detail: str) -> None:
    with pytest.raises(InputError) as exc:
        load_yaml(_write(tmp_path, text))
    assert _codes(exc) == ["E051"] and detail in exc.value.problems[0].message


def _expanded(value: object) -> int:
    if isinstance(value, dict):
        return 1 + sum(1 + _expanded(v) for v in value.values())
    if isinstance(value, list):
        return 1 + sum(_expanded(v) for v in value)
    return 1


@FILES
@given(levels=st.integers(1, 12), width=st.integers(1, 12))
def test_yaml_limits_property(tmp_path: Path, levels: int, width: int) -> None:
    """Any nest of aliases is either read whole, within the bound, or refused with E051 and a line;
    the loader never expands past MAX_EXPANDED_VALUES (the count is of the tree before expansion)."""
    sizes = [1 + width]  # the values level k expands to: the list and its items
    for _ in range(1, levels):
        sizes.append(1 + width * sizes[-1])
    whole = 1 + sum(1 + size for size in sizes)  # the document: its keys and their lists
    try:
        data, _ = load_yaml(_write(tmp_path, _bomb(levels, width)))
    except InputError as exc:
        (problem,) = exc.problems
        assert problem.code == "E051" and problem.line is not None
        assert whole > MAX_EXPANDED_VALUES  # only what is too big is refused
        return
    assert whole <= MAX_EXPANDED_VALUES
    assert _expanded(data) == whole
    assert data[f"l{levels - 1}"] == yaml.safe_load(_bomb(levels, width))[f"l{levels - 1}"]


# ---- what is shipped still reads the same ------------------------------------------------------


def test_every_shipped_yaml_file_reads_as_safe_load_reads_it() -> None:
    """The seed cases, both rule sets, their criterion cases and the shipped mappings use no YAML 1.1
    form, no duplicate and no alias: the stricter reading changes nothing in them."""
    root = RULES.parent
    files = [p for folder in ("rules", "cases", "evidence/mappings") for p in (root / folder).rglob("*.yaml")]
    assert len(files) > 50
    for path in files:
        assert load_yaml(path)[0] == _decimals(yaml.safe_load(path.read_text(encoding="utf-8-sig"))), path


def _decimals(data: object) -> object:
    """safe_load's floats as the Decimals cchc reads (the same decimal, without binary rounding)."""
    if isinstance(data, float):
        return Decimal(str(data))
    if isinstance(data, dict):
        return {k: _decimals(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_decimals(v) for v in data]
    return data

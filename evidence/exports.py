"""System exports read through a mapping: another system's headers and codes → cchc's fields.

Dossier data comes from provincial TTHC information systems whose exports name columns and
statuses their own way (`Ngày hẹn trả`, "Đã trả kết quả đúng hạn"…). A mapping file (YAML) says
which dataset an export fills, which export header is which engine field, how coded values
translate, and how dates are written; the rows then go through the same `load_rows` as a CSV
written with cchc's own headers, so every check and every message is the same.

    dataset: dossiers
    columns: {Mã hồ sơ: id, Ngày hẹn trả: due, Trạng thái hồ sơ: status}
    ignore: [STT, Người nộp]
    values: {status: {Đã trả kết quả đúng hạn: dung-han}}

Mappings shipped with cchc live in `evidence/mappings/<name>.yaml`; a case may also keep its own.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from evidence.datasets import (
    ONE_OF,
    SPECS,
    Reading,
    fold_key,
    header_of,
    load_rows,
    read_source,
    shown,
)
from evidence.paths import PathEscapeError, inside
from evidence.problems import InputError, Problem, did_you_mean
from evidence.tables import Table
from evidence.yaml_lines import LineIndex, load_yaml, validation_problems

MAPPINGS_DIR = Path(__file__).parent / "mappings"
MAX_MAPPING_BYTES = 256 * 1024  # a mapping is a page of YAML; anything bigger is not one
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


def _text_key(key: object) -> object:
    """A number in `ignore: [1, 2.5]` is a header written as digits: text (keys are always text, yaml_lines)."""
    return str(key) if isinstance(key, int | float) and not isinstance(key, bool) else key


def _yes_no_keys(data: dict, path: Path, index: LineIndex) -> list[Problem]:
    """`ignore: [true]` reads as a truth value, not a header: ask for quotes. (Keys, and `yes`/`on`, are
    read as the text typed by evidence/yaml_lines.py.)"""
    detail = "giá trị {key!r} bị YAML hiểu là đúng/sai; hãy đặt tiêu đề trong tệp xuất vào dấu nháy, ví dụ \"True\""
    ignore = data.get("ignore")
    places = [(["ignore", i], k) for i, k in enumerate(ignore)] if isinstance(ignore, list) else []
    return [Problem.of("E031", file=path, line=index.line(where), detail=detail.format(key=key))
            for where, key in places if isinstance(key, bool)]


class ExportMapping(BaseModel):
    """One mapping file. Headers and values are matched ignoring case, diacritics and spaces."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    description: str | None = None
    dataset: str
    sheet: str | None = None  # Excel sheet holding the data; the first sheet when not given
    columns: dict[str, str]  # export header → engine field
    ignore: list[str] = []  # export headers deliberately not read (no warning for them)
    values: dict[str, dict[str, str | None]] = {}  # field → export value → engine code (null: no data)
    date_format: str | None = None  # strptime format, e.g. "%d/%m/%Y %H:%M"; ISO dates always accepted

    @field_validator("columns", mode="before")
    @classmethod
    def _column_keys(cls, value: object) -> object:
        return {_text_key(k): v for k, v in value.items()} if isinstance(value, dict) else value

    @field_validator("values", mode="before")
    @classmethod
    def _value_keys(cls, value: object) -> object:
        if not isinstance(value, dict):
            return value
        return {f: {_text_key(k): v for k, v in m.items()} if isinstance(m, dict) else m for f, m in value.items()}

    @field_validator("ignore", mode="before")
    @classmethod
    def _ignore_text(cls, value: object) -> object:
        return [_text_key(v) for v in value] if isinstance(value, list) else value


def shipped_mappings() -> list[str]:
    return sorted(p.stem for p in MAPPINGS_DIR.glob("*.yaml"))


def _is_path(ref: str) -> bool:
    return "/" in ref or "\\" in ref or ref.lower().endswith((".yaml", ".yml"))


def mapping_file(ref: str, case_folder: Path, *, where: Path | str | None = None,
                 line: int | None = None) -> Path:
    """The file a case's `mapping:` names: a shipped mapping's name, or a path inside the case."""
    if _is_path(ref):
        try:
            return inside(case_folder, ref)
        except PathEscapeError:
            raise InputError(Problem.of("E005", file=where, line=line, path=ref)) from None
    path = MAPPINGS_DIR / f"{ref}.yaml"
    if not _NAME.fullmatch(ref) or not path.is_file():
        known = shipped_mappings()
        raise InputError(Problem.of("E030", file=where, line=line, name=shown(ref),
                                    hint=did_you_mean(ref[:200], known), known=", ".join(known)))
    return path


def load_mapping(path: Path) -> ExportMapping:
    """Read and check a mapping file; every problem carries the file and its line."""
    try:
        size = path.stat().st_size
    except OSError:
        raise InputError(Problem.of("E001", file=path, path=path)) from None
    if size > MAX_MAPPING_BYTES:
        raise InputError(Problem.of("E031", file=path, detail=f"tệp {size} byte, quá lớn cho một bảng ánh xạ"))
    try:
        data, index = load_yaml(path)
    except yaml.reader.ReaderError as exc:  # a control character: PyYAML refuses it before parsing, unmarked
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        raise InputError(Problem.of("R001", file=path, line=text.count("\n", 0, exc.position) + 1,
                                    detail=f"ký tự không được phép trong YAML (mã {exc.character:#06x})")) from None
    if not isinstance(data, dict):
        raise InputError(Problem.of("E031", file=path, line=1,
                                    detail="cần các khóa title, dataset, columns (xem docs/case-format.md)"))
    problems = _yes_no_keys(data, path, index)
    if problems:
        raise InputError(problems)
    try:
        mapping = ExportMapping.model_validate(data)
    except ValidationError as exc:
        raise InputError(validation_problems(exc, path, index, data, ExportMapping)) from None
    problems = _check(mapping, path, index)
    if problems:
        raise InputError(problems)
    return mapping


def _check(m: ExportMapping, path: Path, index: LineIndex) -> list[Problem]:
    """What the schema cannot say: fields, codes and formats must be ones cchc knows."""
    def bad(where: list[str | int], detail: str) -> None:
        problems.append(Problem.of("E031", file=path, line=index.line(where), detail=detail))

    problems: list[Problem] = []
    if m.dataset not in SPECS:
        bad(["dataset"], f"không có bộ dữ liệu {m.dataset!r}{did_you_mean(m.dataset, list(SPECS))}; "
                         f"có: {', '.join(SPECS)}")
        return problems
    spec = {c.field: c for c in SPECS[m.dataset]}
    targets: dict[str, str] = {}
    headers: dict[str, str] = {}
    for header, target in m.columns.items():
        if fold_key(header) in headers:
            bad(["columns", header], f"tiêu đề {header!r} trùng với {headers[fold_key(header)]!r}")
        headers[fold_key(header)] = header
        if target not in spec:
            bad(["columns", header], f"cột {header!r}: không có trường {target!r} trong bộ dữ liệu {m.dataset}"
                                     f"{did_you_mean(target, list(spec))}; có: {', '.join(spec)}")
        elif target in targets:
            bad(["columns", header], f"cột {header!r} và cột {targets[target]!r} cùng ánh xạ vào trường {target!r}")
        else:
            targets[target] = header
    for i, header in enumerate(m.ignore):
        if fold_key(header) in headers:
            bad(["ignore", i], f"cột {header!r} vừa có trong columns vừa có trong ignore")
    for target, column in spec.items():
        if column.required and target not in targets:
            bad(["columns"], f"chưa có cột nào cho trường bắt buộc {target!r} ({column.header})")
    for fields in ONE_OF.get(m.dataset, ()):
        if not any(f in targets for f in fields):
            bad(["columns"], "cần cột cho ít nhất một trong các trường " + ", ".join(
                f"{f!r} ({header_of(m.dataset, f)})" for f in fields))
    for target, table in m.values.items():
        column = spec.get(target)
        if column is None or column.type not in ("code", "unit"):
            coded = [f for f, c in spec.items() if c.type in ("code", "unit")]
            bad(["values", target], f"trường {target!r} không phải trường có danh mục; chỉ dùng values cho: "
                                    f"{', '.join(coded)}")
            continue
        if target not in targets:
            bad(["values", target], f"trường {target!r} chưa được ánh xạ từ cột nào trong columns")
        seen: dict[str, str] = {}
        for value, code in table.items():
            if fold_key(value) in seen:
                bad(["values", target, value], f"giá trị {value!r} trùng với {seen[fold_key(value)]!r}")
            seen[fold_key(value)] = value
            if column.type == "code" and code is not None and code not in column.vocab:
                bad(["values", target, value], f"{value!r} → {code!r}: mã không có trong danh mục của trường "
                                               f"{target!r}{did_you_mean(code, list(column.vocab))}; "
                                               f"có: {', '.join(column.vocab)}")
    if m.date_format is not None and not _date_format_ok(m.date_format):
        bad(["date_format"], f"định dạng ngày {m.date_format!r} không dùng được; cần có %d, %m và %Y, "
                             "ví dụ \"%d/%m/%Y\" hoặc \"%d/%m/%Y %H:%M\"")
    return problems


def _date_format_ok(fmt: str) -> bool:
    """The format must write and read back a whole date with a four-digit year (as parse_date insists)."""
    if not all(part in fmt for part in ("%d", "%m", "%Y")):
        return False
    sample = datetime(2024, 11, 23, 8, 30, 15)
    try:
        return datetime.strptime(sample.strftime(fmt), fmt).date() == sample.date()
    except (ValueError, TypeError):
        return False


def _read(path: Path, mapping: ExportMapping, mapping_path: Path) -> Table:
    """The export, its header found among the first rows by the headers the mapping names."""
    return read_source(path, [*mapping.columns, *mapping.ignore], mapping.sheet, columns=list(mapping.columns))


def read_export(name: str, path: Path, mapping_ref: str, *, case_folder: Path, units: dict[str, str],
                where: Path | str | None = None, line: int | None = None) -> pd.DataFrame:
    """Read one export through its mapping into the dataset `name` (same frame as `read_dataset`).

    Raises InputError: the mapping cannot be found or is malformed (file, line), it is for another
    dataset, a mapped header is missing from the export, or cells are bad (row, column). Headers
    neither mapped nor ignored become one W031 warning in `frame.attrs["warnings"]`."""
    mapping_path = mapping_file(mapping_ref, case_folder, where=where, line=line)
    mapping = load_mapping(mapping_path)
    label = mapping_ref  # as case.yaml names it: what the person wrote and will look for
    if mapping.dataset != name:
        raise InputError(Problem.of("E033", file=where, line=line, mapping=label, expected=mapping.dataset,
                                    dataset=name))
    table = _read(path, mapping, mapping_path)
    present = {fold_key(h): h for h in table.all_headers}
    cols: dict[str, str | None] = {c.field: None for c in SPECS[name]}
    problems = []
    for header, target in mapping.columns.items():
        actual = present.get(fold_key(header))
        if actual is None:
            problems.append(Problem.of("E032", file=path, row=table.header_row, header=header, mapping=label,
                                       hint=did_you_mean(header, table.all_headers),
                                       columns=", ".join(table.all_headers) or "(không có)"))
        cols[target] = actual
    if problems:
        raise InputError(problems)
    known = {fold_key(h) for h in (*mapping.columns, *mapping.ignore)}
    unknown = [h for h in table.all_headers if fold_key(h) not in known]
    warnings = []
    if unknown:
        warnings.append(Problem.of("W031", file=path, row=table.header_row, count=len(unknown), mapping=label,
                                   headers=", ".join(repr(shown(h)) for h in unknown)))
    reading = Reading(
        values={f: {fold_key(k): v for k, v in table_.items()} for f, table_ in mapping.values.items()},
        date_format=mapping.date_format,
    )
    frame = load_rows(name, table, cols, units, reading, warnings)
    frame.attrs["mapping"] = label
    frame.attrs["mapping_file"] = str(mapping_path)
    return frame


__all__ = ["MAPPINGS_DIR", "ExportMapping", "load_mapping", "mapping_file", "read_export", "shipped_mappings"]

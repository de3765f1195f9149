"""Safe YAML loading that remembers where each value came from.

Rule authors must be told the line of a mistake, but `yaml.safe_load` forgets
positions. We compose the node tree with a SafeLoader (the loader behind
`safe_load`: no tags that build Python objects), construct the data from it, and
keep a map from each value's path (keys and list indexes) to its line.

What a person typed is what cchc reads (docs/case-format.md, "Cách cchc đọc YAML"):
- plain scalars resolve by the YAML 1.2 core forms only: true/false, null, decimal
  integers without a leading zero, decimal fractions, ISO dates. YAML 1.1's `yes`,
  `on`, `0x10`, `010`, `1:30` stay the text typed (a number field then refuses them);
  `1_000` is refused outright (E052): Python's Decimal and pydantic read it as 1000;
- every mapping key is the text typed (`1.10:` stays "1.10", never 1.1);
- a key written twice in one mapping is refused with both lines (E050);
- aliases, nesting depth and the size aliases expand to are bounded (E051), so
  an alias bomb is refused in milliseconds instead of eating memory.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from evidence.messages import SCHEMA_DETAILS
from evidence.problems import InputError, Problem, did_you_mean

PathKey = tuple[str | int, ...]

# Generous for real files (the largest, rules/…/1-chi-dao-dieu-hanh.yaml, holds 508 values, no alias,
# depth 9), far below what hurts: an alias bomb is refused before anything is expanded.
MAX_ALIASES = 1_000
MAX_DEPTH = 64
MAX_EXPANDED_VALUES = 500_000

# YAML 1.1 number forms that Python's Decimal() and pydantic would still read as a number.
UNDERSCORE_NUMBER = re.compile(r"[-+]?(?:[0-9][0-9_]*)?_[0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|"
                               r"[-+]?[0-9][0-9_]*(?:\.[0-9_]*_[0-9_]*)(?:[eE][-+]?[0-9]+)?")


class _Refused(yaml.MarkedYAMLError):
    """A document cchc will not build: carries the E-code and the fields of its message."""

    def __init__(self, code: str, mark: yaml.Mark | None, **fields: object) -> None:
        super().__init__(problem=code, problem_mark=mark)
        self.code = code
        self.fields = fields


# libyaml scans and parses (a tenth of the pure-Python time: the rules are read on every run); the
# composer above it stays PyYAML's Python one, so the alias and depth bounds below still see every node.
try:
    from yaml.cyaml import CParser as _Parser
except ImportError:  # PyYAML built without libyaml: the same events, from Python
    class _Parser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)


class _Loader(yaml.composer.Composer, _Parser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """SafeLoader with YAML 1.2 core resolution, text keys, no duplicate keys and bounded aliases."""

    yaml_implicit_resolvers: dict = {}  # noqa: RUF012 - PyYAML's class-level table, rebuilt below

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self.aliases = 0
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise _Refused("E051", self.peek_event().start_mark,
                               detail=f"hơn {MAX_ALIASES} bí danh (*tên); hãy viết thẳng giá trị")
            return super().compose_node(parent, index)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Refused("E051", self.peek_event().start_mark, detail=f"lồng nhau sâu hơn {MAX_DEPTH} mức")
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:  # type: ignore[override]
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(None, None, "cần bảng khóa: giá trị", node.start_mark)
        mapping: dict[str, object] = {}
        first: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(None, None, "khóa phải là chữ, không là danh sách hay bảng",
                                                        key_node.start_mark)
            key = key_node.value  # the key as typed: `1.10:` is "1.10", `yes:` is "yes"
            line = key_node.start_mark.line + 1
            if key in first:
                raise _Refused("E050", key_node.start_mark, key=key, first=first[key], second=line)
            first[key] = line
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping

    def construct_scalar(self, node: yaml.ScalarNode) -> str:  # type: ignore[override]
        value = super().construct_scalar(node)
        if isinstance(value, str) and UNDERSCORE_NUMBER.fullmatch(value.strip()):
            raise _Refused("E052", node.start_mark, value=value)
        return value


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    # A decimal the person typed stays exactly that decimal: a float would turn 1.00000000000000010 into 1.0.
    return Decimal(loader.construct_scalar(node))


_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def _resolver(tag: str, pattern: str, first: str) -> None:
    _Loader.add_implicit_resolver(f"tag:yaml.org,2002:{tag}", re.compile(pattern), list(first))


_Loader.yaml_implicit_resolvers = {}
_resolver("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF")
_resolver("int", r"^[-+]?(?:0|[1-9][0-9]*)$", "-+0123456789")
_resolver("float", r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)$", "-+0123456789.")  # no exponent: nobody scores 1e3
_resolver("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""])  # type: ignore[arg-type]
_resolver("timestamp", r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
                       r"(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
                       r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?$", "0123456789")


def _expanded_size(root: yaml.Node) -> None:
    """Refuse a tree whose aliases expand past MAX_EXPANDED_VALUES values, or that contains itself.

    Counted over distinct nodes with a memo, so the count costs no more than the file's own size."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise _Refused("E051", node.start_mark, detail="bí danh (*tên) trỏ vào chính giá trị chứa nó")
        open_nodes.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(item) for item in node.value)
        open_nodes.discard(key)
        if total > MAX_EXPANDED_VALUES:
            raise _Refused("E051", node.start_mark,
                           detail=f"bí danh (*tên) mở rộng ra hơn {MAX_EXPANDED_VALUES:,} giá trị; "
                                  "hãy viết thẳng giá trị".replace(",", "."))
        sizes[key] = total
        return total

    size(root)


class LineIndex:
    def __init__(self, lines: dict[PathKey, int]):
        self._lines = lines

    def line(self, path: Sequence[str | int]) -> int | None:
        """Line of the deepest known prefix of `path` (1-based)."""
        key = tuple(path)
        while key:
            if key in self._lines:
                return self._lines[key]
            key = key[:-1]
        return self._lines.get((), None)


def _index(node: yaml.Node, path: PathKey, out: dict[PathKey, int]) -> None:
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            out[(*path, key)] = key_node.start_mark.line + 1
            _index(value_node, (*path, key), out)
            out[(*path, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, (*path, i), out)


def _bad_date(node: yaml.Node | None) -> tuple[int | None, str]:
    """Line and text of the first date-like scalar that is no real date."""
    probe = yaml.SafeLoader("")
    stack = [node]
    while stack:
        item = stack.pop(0)
        if isinstance(item, yaml.ScalarNode) and item.tag == "tag:yaml.org,2002:timestamp":
            try:
                probe.construct_yaml_timestamp(item)
            except ValueError:
                return item.start_mark.line + 1, item.value
        elif isinstance(item, yaml.MappingNode):
            stack.extend(part for pair in item.value for part in pair)
        elif isinstance(item, yaml.SequenceNode):
            stack.extend(item.value)
    return None, "?"


def load_yaml(path: Path) -> tuple[Any, LineIndex]:
    """Load one YAML document safely; a syntax error becomes an R001 problem with its line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(Problem.of("E001", file=path, path=path)) from None
    except (UnicodeDecodeError, OSError) as exc:
        raise InputError(Problem.of("E013", file=path, detail=str(exc))) from None
    try:
        # The reader checks for non-printable characters as soon as it is built.
        loader = _Loader(text)
    except yaml.YAMLError as exc:
        raise InputError(Problem.of("R001", file=path, detail=str(exc))) from None
    node: yaml.Node | None = None
    try:
        node = loader.get_single_node()
        if node is not None:
            _expanded_size(node)
        data = loader.construct_document(node) if node is not None else None
    except _Refused as exc:
        mark = exc.problem_mark
        raise InputError(Problem.of(exc.code, file=path, line=mark.line + 1 if mark else None,
                                    **exc.fields)) from None
    except RecursionError:  # a nesting the depth bound did not see (e.g. inside the parser): same refusal
        raise InputError(Problem.of("E051", file=path, detail=f"lồng nhau sâu hơn {MAX_DEPTH} mức")) from None
    except MemoryError:
        raise InputError(Problem.of("E054", file=path, what="tệp YAML")) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise InputError(Problem.of("R001", file=path, line=mark.line + 1 if mark else None,
                                    detail=detail)) from None
    except yaml.YAMLError as exc:
        raise InputError(Problem.of("R001", file=path, detail=str(exc))) from None
    except ValueError:  # a date that does not exist (2023-02-31): PyYAML raises a bare ValueError
        line, value = _bad_date(node)
        raise InputError(Problem.of("R001", file=path, line=line, detail=f"ngày không có thật {value!r}")) from None
    finally:
        loader.dispose()
    lines: dict[PathKey, int] = {}
    if node is not None:
        _index(node, (), lines)
    return data, LineIndex(lines)


def _field_names(model: type[BaseModel], seen: set[type] | None = None) -> set[str]:
    """Every field name of a model and of the models nested in it (for "did you mean")."""
    import typing

    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    names = set(model.model_fields)
    for info in model.model_fields.values():
        stack = [info.annotation]
        while stack:
            tp = stack.pop()
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                names |= _field_names(tp, seen)
            stack.extend(typing.get_args(tp))
    return names


# What an author calls an item of each list, so a message says "yêu cầu dung-han", not "requires.0".
_ITEM_WORDS = {"criteria": "tiêu chí", "requires": "yêu cầu", "parts": "phần", "bands": "mức", "fields": "lĩnh vực",
               "cases": "ca"}


def _locate(loc: tuple[Any, ...], index: LineIndex, data: Any) -> tuple[int | None, str | None, str]:
    """Line of a pydantic error location, the criterion id it falls in (if any), and the place in the
    author's words ("yêu cầu dung-han, khóa threshold"), never pydantic's `criteria.0.requires.0.rate…`."""
    path: list[str | int] = []
    node = data
    criterion: str | None = None
    words: list[str] = []
    keys: list[str] = []  # keys since the last list item: "source.verified" as the author nests them
    for seg in loc:
        if isinstance(node, dict) and seg in node:
            node = node[seg]
            path.append(seg)
            keys.append(str(seg))
        elif isinstance(node, list) and isinstance(seg, int) and seg < len(node):
            node = node[seg]
            path.append(seg)
            owner = keys[-1] if keys else ""
            ident = node.get("id") or node.get("name") or node.get("label") if isinstance(node, dict) else None
            if owner == "criteria" and ident is not None:
                criterion = str(ident)
            elif not isinstance(node, dict):
                words.append(f"khóa {'.'.join(keys)}, mục {seg + 1}")
            else:
                item = _ITEM_WORDS.get(owner, f"{'.'.join(keys)} mục")
                words.append(f"{item} {ident}" if ident is not None else f"{item} thứ {seg + 1}")
            keys = []
        elif isinstance(node, dict) and node.get("type") == seg:
            continue  # the union tag pydantic adds ('document', 'rate'…): the author wrote `type:`
        elif isinstance(node, dict) and isinstance(seg, str) and not seg.startswith(("function-", "list[")):
            keys.append(seg)  # a key the author left out
            node = None
        # other segments pydantic adds itself are skipped
    if keys:
        words.append(f"khóa {'.'.join(keys)}")
    return index.line(path), criterion, ", ".join(words)


def _detail(err: Mapping[str, Any]) -> str:
    """Pydantic's complaint in Vietnamese; our own validators already speak Vietnamese."""
    if err["type"] == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    template = SCHEMA_DETAILS.get(err["type"])
    if template is None:
        return str(err["msg"])
    try:
        return template.format(**(err.get("ctx") or {}))
    except (KeyError, IndexError):
        return str(err["msg"])


def validation_problems(exc: ValidationError, file: Path, index: LineIndex, data: Any,
                        model: type[BaseModel]) -> list[Problem]:
    """Pydantic errors as Problems with file, line and criterion; unknown keys get R003."""
    problems = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        line, criterion, where = _locate(loc, index, data)
        if err["type"] == "extra_forbidden":
            key = str(loc[-1])
            place = f" ({where})" if where and where != f"khóa {key}" else ""
            problems.append(Problem.of("R003", file=file, line=line, criterion=criterion, key=key,
                                       hint=did_you_mean(key, sorted(_field_names(model))) + place))
            continue
        msg = _detail(err)
        problems.append(Problem.of("R002", file=file, line=line, criterion=criterion,
                                   detail=f"{where}: {msg}" if where else msg))
    return problems

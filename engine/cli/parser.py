"""argparse in Vietnamese: headings, help flag, and usage errors people can act on; commands loaded lazily.

Subcommand parsers inherit the class of their parent, so every command gets this.
"""

from __future__ import annotations

import argparse
import re
import sys
from importlib import import_module
from typing import NoReturn

_ERRORS = [
    (r"the following arguments are required: (.+)", r"thiếu đối số bắt buộc: \1"),
    (r"argument (\S+): invalid choice: (.+?) \(choose from (.+)\)",
     r"đối số \1: giá trị \2 không hợp lệ (chọn một trong: \3)"),
    (r"argument (\S+): expected one argument", r"đối số \1 cần một giá trị"),
    (r"unrecognized arguments: (.+)", r"đối số không nhận ra: \1"),
    (r"^argument (\S+): ", r"đối số \1: "),  # a value the option's own check refused (its message is Vietnamese)
]


class VietnameseHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None) -> None:  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups, prefix="Cách dùng: " if prefix is None else prefix)


class VietnameseArgumentParser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("formatter_class", VietnameseHelpFormatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "đối số"
        self._optionals.title = "tùy chọn"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="hiện trợ giúp rồi thoát")

    def error(self, message: str) -> NoReturn:
        for pattern, replacement in _ERRORS:
            message = re.sub(pattern, replacement, message)
        self.print_usage(sys.stderr)
        self.exit(2, f"Lỗi: {message}. Xem `{self.prog} --help`.\n")


class _Parsers(dict):
    """argparse's map of command name → parser (`choices`): reading a declared command's parser loads it first."""

    def __init__(self, action: LazySubParsers) -> None:
        super().__init__()
        self._action = action

    def __getitem__(self, name: str) -> argparse.ArgumentParser:
        return self._action.load(name)

    def get(self, name, default=None):  # type: ignore[no-untyped-def]
        try:
            return self[name]
        except KeyError:
            return default

    def values(self):  # type: ignore[no-untyped-def]
        return [self[name] for name in list(self)]

    def items(self):  # type: ignore[no-untyped-def]
        return [(name, self[name]) for name in list(self)]


class LazySubParsers(argparse._SubParsersAction):
    """Commands declared by name, module and help: `cchc --help` lists them all, but a command's module is
    imported, and its options added, only when its parser is needed: when argparse picks that command (`cchc
    assess` imports none of serve, workspace, report...) or when anything reads `choices[name]`. A module's
    `register(sub)` adds its parser without `help=`: the one-line help lives in the declaration, written once."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._modules: dict[str, str] = {}  # declared commands whose module is not loaded yet
        self._stand_ins: set[str] = set()
        self._name_parser_map = self.choices = _Parsers(self)

    def declare(self, name: str, module: str, help: str) -> None:
        self._modules[name] = module
        self._stand_ins.add(name)
        super().add_parser(name, help=help)  # a stand-in parser; the pseudo-action keeps the help and the order

    def add_parser(self, name, **kwargs):  # type: ignore[no-untyped-def]
        if name not in self._stand_ins:
            return super().add_parser(name, **kwargs)
        # the declared command's module registering itself: its parser takes the stand-in's place, in place, so
        # that the order of `choices` (listed by "invalid choice" errors) never changes
        self._stand_ins.discard(name)
        if kwargs.get("prog") is None:
            kwargs["prog"] = f"{self._prog_prefix} {name}"  # as argparse names a subcommand's parser
        parser = self._parser_class(**kwargs)
        dict.__setitem__(self._name_parser_map, name, parser)
        return parser

    def load(self, name: str) -> argparse.ArgumentParser:
        """The full parser of a command: its module imported and registered, once (KeyError: no such command)."""
        module = self._modules.pop(name, None)
        if module is not None:
            import_module(module).register(self)
        return dict.__getitem__(self._name_parser_map, name)

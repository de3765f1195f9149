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


class LazySubParsers(argparse._SubParsersAction):
    """Commands declared by name, module and help: `cchc --help` lists them all, but a command's module is
    imported, and its options added, only when argparse picks that command (`cchc assess` imports none of
    serve, workspace, report...). A module's `register(sub)` adds its parser without `help=`: the one-line
    help lives in the declaration, so it is written once."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._modules: dict[str, str] = {}

    def declare(self, name: str, module: str, help: str) -> None:
        self._modules[name] = module
        super().add_parser(name, help=help)  # a stand-in parser; the pseudo-action keeps the help and the order

    def add_parser(self, name, **kwargs):  # type: ignore[no-untyped-def]
        if name in self._modules:  # the declared command's module registering itself: replace the stand-in
            del self._name_parser_map[name]
        return super().add_parser(name, **kwargs)

    def load(self, name: str) -> argparse.ArgumentParser:
        """The full parser of a command: its module imported and registered, once."""
        module = self._modules.get(name)
        if module is not None:
            import_module(module).register(self)
            del self._modules[name]
        return self._name_parser_map[name]

    def __call__(self, parser, namespace, values, option_string=None) -> None:  # type: ignore[no-untyped-def]
        if values and values[0] in self._modules:
            self.load(values[0])
        super().__call__(parser, namespace, values, option_string)

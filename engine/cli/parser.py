"""argparse in Vietnamese: headings, help flag, and usage errors people can act on.

Subcommand parsers inherit the class of their parent, so every command gets this.
"""

from __future__ import annotations

import argparse
import re
import sys
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

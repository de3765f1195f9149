"""Problems with input, carried with their place (file, line or row, column) and a code.

A `Problem` is one finding; `InputError` carries one or more of them up to the
command line, which prints them and exits with status 2. Nothing below the CLI
prints or exits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal

from evidence.messages import render


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    file: str | None = None
    line: int | None = None
    row: int | None = None
    column: str | None = None
    criterion: str | None = None
    severity: Literal["error", "warning"] = "error"

    @classmethod
    def of(cls, code: str, *, file: Path | str | None = None, line: int | None = None,
           row: int | None = None, column: str | None = None, criterion: str | None = None,
           **fields: object) -> Problem:
        severity: Literal["error", "warning"] = "warning" if code.startswith("W") else "error"
        return cls(code, render(code, **fields), None if file is None else str(file), line, row,
                   column, criterion, severity)

    def where(self) -> str:
        parts = [self.file or ""]
        if self.line is not None:
            parts.append(f"dòng {self.line}")
        if self.row is not None:
            parts.append(f"hàng {self.row}")
        if self.column is not None:
            parts.append(f"cột {self.column!r}")
        if self.criterion is not None:
            parts.append(f"tiêu chí {self.criterion}")
        return ", ".join(p for p in parts if p)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: [{self.code}] {self.message}" if where else f"[{self.code}] {self.message}"


class ValueFormatError(ValueError):
    """A value a person typed that cannot be read. ``str()`` names the value and why, in Vietnamese.

    ``value`` is the text seen, ``code`` a key of the subclass's ``messages``, ``reason`` the
    explanation without the value (for callers that name the value themselves)."""

    messages: ClassVar[dict[str, str]] = {}
    template: ClassVar[str] = '"{value}": {reason}'
    shown_max: ClassVar[int] = 60  # characters of the value repeated in a message

    def __init__(self, value: str, code: str, **fields: object) -> None:
        self.value = value
        self.code = code
        self.reason = self.messages[code].format(**fields)
        shown = value if len(value) <= self.shown_max else value[: self.shown_max - 1] + "…"
        super().__init__(self.template.format(value=shown, reason=self.reason))


class InputError(Exception):
    """Input cchc cannot use. Carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = problems if isinstance(problems, list) else [problems]
        super().__init__("\n".join(str(p) for p in self.problems))


def did_you_mean(seen: str, known: list[str] | set[str] | tuple[str, ...]) -> str:
    """', có phải là "x"?' when a known name is close to what was typed, else ''."""
    import difflib

    from evidence.text import fold

    folded = {fold(k): k for k in known}
    target = fold(seen)
    close = difflib.get_close_matches(target, list(folded), n=1, cutoff=0.6)
    if not close and target:
        close = [k for k in folded if len(k) >= 3 and (k in target or target in k)][:1]
    return f' (có phải là "{folded[close[0]]}"?)' if close else ""

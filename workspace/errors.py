"""What the workspace refuses, as exceptions the web layer maps to a status and shows as they are."""

from __future__ import annotations

from evidence.messages import render
from evidence.problems import Problem


class WorkspaceError(Exception):
    """`.code` is a key of evidence/messages.py, `.message` the Vietnamese text ready to show."""

    def __init__(self, code: str, **fields: object) -> None:
        self.code = code
        self.message = render(code, **fields)
        super().__init__(f"[{code}] {self.message}")


class Forbidden(WorkspaceError):
    """The actor's role or unit does not allow it (web: 403)."""


class NotFound(WorkspaceError):
    """No such thing, or not one this actor may know of (web: 404)."""


class Invalid(WorkspaceError):
    """Input refused; `.problems` says where and why, each one a line to show (web: 400)."""

    def __init__(self, code: str, problems: list[Problem] | None = None, **fields: object) -> None:
        super().__init__(code, **fields)
        self.problems: list[Problem] = problems if problems is not None else [Problem.of(code, **fields)]

    @classmethod
    def of(cls, problems: list[Problem]) -> Invalid:
        """From problems the evidence readers found: the first one's code and message lead."""
        first = problems[0]
        error = cls.__new__(cls)
        error.code, error.message, error.problems = first.code, first.message, list(problems)
        Exception.__init__(error, "\n".join(str(p) for p in problems))
        return error


class LoginRefused(WorkspaceError):
    """The same answer for an unknown user, a wrong password and an inactive account."""


class LoginThrottled(WorkspaceError):
    def __init__(self, retry_after: int) -> None:
        super().__init__("C101", minutes=max(1, -(-retry_after // 60)))
        self.retry_after = retry_after

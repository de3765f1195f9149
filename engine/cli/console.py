"""The rich console the commands print tables to."""

from __future__ import annotations

from rich.console import Console


class CommandConsole(Console):
    """A closed pipe (`cchc assess | head`) is said the way `main()` says it for every output, status 141: rich's
    own handling ends the process with 1, which for cchc means "problems found"."""

    def on_broken_pipe(self) -> None:
        raise BrokenPipeError

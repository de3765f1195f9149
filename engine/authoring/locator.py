"""Where a criterion, a field or a scheme key is written: file and line, for the checks' messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evidence.yaml_lines import LineIndex


class Locator:
    """Finds the file and line of a criterion (and a key path inside it) for semantic checks."""

    def __init__(self, head: Path, head_index: LineIndex) -> None:
        self.head = head
        self.head_index = head_index
        # every occurrence, in reading order: a duplicate id is reported where it is, not at the first one
        self._criteria: dict[str, list[tuple[Path, LineIndex, int]]] = {}
        self._fields: dict[str, list[tuple[Path, int | None]]] = {}

    def add_field(self, path: Path, index: LineIndex, data: Any) -> None:
        if isinstance(data, dict) and "id" in data:
            self._fields.setdefault(str(data["id"]), []).append((path, index.line(["id"])))
        for i, crit in enumerate(data.get("criteria") or [] if isinstance(data, dict) else []):
            if isinstance(crit, dict) and "id" in crit:
                self._criteria.setdefault(str(crit["id"]), []).append((path, index, i))

    def criterion(self, criterion_id: str, *path: str | int, occurrence: int = 0) -> tuple[Path, int | None]:
        found = self._criteria.get(criterion_id, [])
        if not found:
            return self.head, None
        file, index, i = found[min(occurrence, len(found) - 1)]
        return file, index.line(["criteria", i, *path])

    def field(self, field_id: str, occurrence: int = 0) -> tuple[Path, int | None]:
        found = self._fields.get(field_id, [])
        return found[min(occurrence, len(found) - 1)] if found else (self.head, None)

    def scheme(self, *path: str | int) -> tuple[Path, int | None]:
        return self.head, self.head_index.line(list(path))

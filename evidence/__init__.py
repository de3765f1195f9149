"""cchc evidence: reading what units keep (case folders, registers, datasets) and
reporting every problem with its file, row and column, in Vietnamese.

The names below load on first use (PEP 562), so that `evidence.problems` and `evidence.messages`
(which every CLI error path needs) come without pandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_PUBLIC = {
    "Document": "evidence.register",
    "Evidence": "evidence.case",
    "load_case": "evidence.case",
    "InputError": "evidence.problems",
    "Problem": "evidence.problems",
}

__all__ = ["Document", "Evidence", "InputError", "Problem", "load_case"]

if TYPE_CHECKING:
    from evidence.case import Evidence, load_case
    from evidence.problems import InputError, Problem
    from evidence.register import Document


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'evidence' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)

"""cchc engine: rule sets (schemes), matching, scoring and reports.

Public surface: load a scheme, assess a case, read the result. Everything else
is internal and may change.

The names below load on first use (PEP 562): `cchc --help` and every usage error go
through `engine.cli`, which must not pay for pandas, pydantic and durable-rules.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# public name → module that defines it
_PUBLIC = {
    "Assessor": "engine.assess",
    "prepare": "engine.pipeline",
    "run": "engine.pipeline",
    "Assessment": "engine.results",
    "CriterionResult": "engine.results",
    "MissingItem": "engine.results",
    "Criterion": "engine.scheme",
    "Scheme": "engine.scheme",
    "load_scheme": "engine.scheme_loader",
    "read_scheme": "engine.scheme_loader",
}

__all__ = ["Assessment", "Assessor", "Criterion", "CriterionResult", "MissingItem", "Scheme", "load_scheme",
           "prepare", "read_scheme", "run"]

if TYPE_CHECKING:
    from engine.assess import Assessor
    from engine.pipeline import prepare, run
    from engine.results import Assessment, CriterionResult, MissingItem
    from engine.scheme import Criterion, Scheme
    from engine.scheme_loader import load_scheme, read_scheme


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)

"""cchc engine: rule sets (schemes), matching, scoring and reports.

Public surface: load a scheme, assess a case, read the result. Everything else
is internal and may change.
"""

from engine.assess import Assessor
from engine.pipeline import prepare, run
from engine.results import Assessment, CriterionResult, MissingItem
from engine.scheme import Criterion, Scheme
from engine.scheme_loader import load_scheme, read_scheme

__all__ = [
    "Assessment",
    "Assessor",
    "Criterion",
    "CriterionResult",
    "MissingItem",
    "Scheme",
    "load_scheme",
    "prepare",
    "read_scheme",
    "run",
]

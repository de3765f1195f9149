"""cchc evidence: reading what units keep (case folders, registers, datasets) and
reporting every problem with its file, row and column, in Vietnamese."""

from evidence.case import Evidence, load_case
from evidence.problems import InputError, Problem
from evidence.register import Document

__all__ = ["Document", "Evidence", "InputError", "Problem", "load_case"]

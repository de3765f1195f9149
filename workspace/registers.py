"""A unit's whole register uploaded at once (the Excel template of `cchc evidence template`, or a CSV).

It is read by the register reader the engine uses (evidence/register.py), in a scratch folder: formulas
are refused (E017), merged cells read as they are today, every bad cell named by row and column. Rows
of another unit are refused. Template rows left untouched (no number, no date: "not yet provided") are
not documents and are not added; the audit entry counts them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from evidence.problems import Problem
from evidence.register import inspect_register
from workspace.case_store import document_cells
from workspace.errors import Invalid


def read_register(name: str, data: bytes, suffix: str, unit: str, units: dict[str, str]
                  ) -> tuple[list[dict[str, str]], int]:
    """(the documents as register cells, how many untouched template rows were left out); Invalid naming every
    problem the reader found."""
    with tempfile.TemporaryDirectory(prefix="cchc-register-") as folder:
        path = Path(folder) / f"so-dang-ky{suffix}"
        path.write_bytes(data)
        read = inspect_register(path, case_folder=Path(folder), units=units)
    problems = [Problem(p.code, p.message, name, p.line, p.row, p.column, p.criterion, p.severity)
                for p in read.errors]
    problems += [Problem.of("C131", file=name, row=d.row, column="Đơn vị", unit=d.unit, own=unit)
                 for d in read.documents if d.unit != unit]
    if problems:
        raise Invalid.of(problems)
    documents = [d for d in read.documents if not d.placeholder]
    cells = []
    for doc in documents:
        row = document_cells(doc)
        row["Ghi chú"] = (row["Ghi chú"] + " " if row["Ghi chú"] else "") + f"(sổ tải lên: {name}, hàng {doc.row})"
        if doc.file:  # the unit's own folder is not here: the file column would point at nothing
            row["Ghi chú"] += f" [tệp ghi trong sổ: {doc.file}]"
            row["Tệp"] = ""
            row["SHA-256"] = ""
        cells.append(row)
    return cells, len(read.documents) - len(documents)

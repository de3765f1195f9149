"""Every output people read, one module per format, all fed the same `Assessment`.

No module here recomputes a score: each one lays out what `engine.assess` concluded.

    terminal        the Vietnamese terminal report (`cchc assess`)
    json_result     the JSON document (`cchc assess --format json`)
    workbook        the results workbook for TCCB (.xlsx)
    self_score_form the self-scoring form a unit submits with its evidence (.xlsx)
    html_report     one self-contained HTML report for leadership and units (.html)
    plan            the draft remediation plan in the seed's shape: its model and Markdown
    plan_docx       the same plan as Word
    plan_files      writes the plan as .md or .docx by extension

`cchc report` picks a writer by `--loai` or by the file's extension; each writer module has
`write(inputs: ReportInputs, out: Path) -> None`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

# kind → (module, extensions it writes); the first kind listed for an extension is its default
WRITERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "ket-qua": ("engine.reports.workbook", (".xlsx",)),
    "bieu-tu-cham": ("engine.reports.self_score_form", (".xlsx",)),
    "bao-cao": ("engine.reports.html_report", (".html", ".htm")),
    "ke-hoach": ("engine.reports.plan_files", (".docx", ".md")),
}


class _Warned(Protocol):
    code: str


def fallback_note(warnings: Iterable[_Warned]) -> str:
    """For the writers that list no warnings (.xlsx, plan): the plain matcher ran because durable-rules did not
    load (W003), or "" when it did. Every report must say which matcher scored it (issue 11)."""
    if not any(w.code == "W003" for w in warnings):
        return ""
    return "Bộ so khớp: Python thuần, vì durable-rules không nạp được (W003; kết quả chấm như nhau)"

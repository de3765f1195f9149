"""The draft plan as a file: Markdown from `plan`, Word from `plan_docx`, chosen by the file's extension.

Kept apart from both so that the plan model never imports a renderer (design.md: no import circles).
"""

from __future__ import annotations

from pathlib import Path

from engine.reports.inputs import ReportInputs
from engine.reports.plan import build, plan_markdown
from engine.reports.plan_docx import save_docx
from evidence.safe_write import write_atomically


def write(inputs: ReportInputs, out: Path) -> None:
    plan = build(inputs)
    if out.suffix.lower() == ".md":
        text = plan_markdown(plan)
        write_atomically(out, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    else:
        write_atomically(out, lambda tmp: save_docx(plan, tmp))

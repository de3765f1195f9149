"""Many cases of one run: the ranking table the province publishes, and one JSON document for all.

Lays out results the engine produced (engine/many_cases.py); computes no score.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from engine.many_cases import CaseRun, Ranked
from engine.reports.json_result import _num, to_dict
from evidence.formatting import day, percent, points


def render_text(rankings: Sequence[Sequence[Ranked]], console: Console) -> None:
    for ranked in rankings:
        first = ranked[0].result
        dates = sorted({r.result.as_of for r in ranked})
        when = day(dates[0]) if len(dates) == 1 else f"{day(dates[0])}–{day(dates[-1])}"
        table = Table(title=f"Xếp hạng Chỉ số CCHC — {first.scheme_title} (phiên bản {first.scheme_version}), "
                            f"mốc {when}, {len(ranked)} hồ sơ", title_justify="left",
                      caption="Cùng chỉ số thì cùng hạng.", caption_justify="left")
        table.add_column("Hạng", justify="right", no_wrap=True)
        table.add_column("Đơn vị")
        table.add_column("Tổng điểm", justify="right", no_wrap=True)
        table.add_column("Tối đa", justify="right", no_wrap=True)
        table.add_column("Chỉ số", justify="right", no_wrap=True)
        table.add_column("Xếp loại", no_wrap=True)
        table.add_column("Hồ sơ", style="dim")
        for r in ranked:
            a = r.result
            table.add_row(str(r.rank), a.unit_name, points(a.total), points(a.max), percent(a.index_percent / 100),
                          Text(a.classification, style="bold"), r.case)
        console.print(table)


def to_document(runs: Sequence[CaseRun], rankings: Sequence[Sequence[Ranked]]) -> dict[str, Any]:
    """Every case's result as `cchc assess --format json` gives it, the failed ones with their errors, and
    the ranking (one per scheme)."""
    return {
        "cases": [to_dict(r.result) for r in runs if r.result is not None],
        "failed": [{"case": r.case, "errors": [str(p) for p in r.errors]} for r in runs if r.result is None],
        "ranking": [{"rank": r.rank, "case": r.case, "case_id": r.result.case_id, "unit": r.result.unit_name,
                     "scheme": r.result.scheme_id, "scheme_version": r.result.scheme_version,
                     "total": _num(r.result.total), "max": _num(r.result.max),
                     "index_percent": _num(r.result.index_percent), "classification": r.result.classification}
                    for ranked in rankings for r in ranked],
    }


def render_json(runs: Sequence[CaseRun], rankings: Sequence[Sequence[Ranked]]) -> str:
    return json.dumps(to_document(runs, rankings), ensure_ascii=False, indent=2)

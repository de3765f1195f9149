"""One self-contained HTML report for leadership and units (`cchc report --out bao-cao.html`).

The file opens offline, from a USB stick or an e-mail attachment: styles sit inside it, charts are
inline SVG, fonts are the system's, and there is no script at all, so it never asks any network
address for anything. Jinja2 autoescapes every value, so text from evidence files (a register's
`Trích yếu` quoted in a trace, a unit's name) shows as text, never as markup. Nothing here
recomputes a score: it lays out the `Assessment` the JSON result also shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from engine.reports.inputs import ReportInputs
from engine.reports.svg_charts import Chart, columns, horizontal, ranked
from engine.results import ITEM_STATE, STANDING, STATUS, Assessment, CriterionResult, MissingItem
from evidence.formatting import day, percent, points
from evidence.safe_write import write_atomically

UNVERIFIED = "†"


@dataclass(frozen=True)
class Item:
    criterion: CriterionResult
    item: MissingItem
    owners: str  # every unit responsible, by name
    others: str = ""  # in a unit's checklist: the other units it shares the item with


@dataclass(frozen=True)
class UnitSection:
    code: str
    name: str
    winnable: Decimal
    lost: Decimal
    criteria: tuple[CriterionResult, ...]  # the criteria it owns or has items in
    items: tuple[Item, ...]


@cache  # compiling the template once is most of the time a report takes
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("engine.reports", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(points=points, day=day, percent=lambda v: percent(v / 100))
    env.globals.update(STATUS=STATUS, ITEM_STATE=ITEM_STATE, STANDING=STANDING, UNVERIFIED=UNVERIFIED)
    return env


def _owners(a: Assessment, ids: tuple[str, ...]) -> str:
    return ", ".join(a.units.get(u, u) for u in ids)


def _winnable_items(a: Assessment) -> list[Item]:
    """Every item that still wins points, largest first (as the terminal's list, not cut short)."""
    found = [(c, m) for c in a.criteria for m in c.missing if m.standing != "lost" and m.points_at_stake > 0]
    found.sort(key=lambda cm: (-cm[1].points_at_stake, cm[1].due or a.as_of.max, cm[0].id))
    return [Item(c, m, _owners(a, m.owner)) for c, m in found]


def _lost_items(a: Assessment) -> list[Item]:
    found = [(c, m) for c in a.criteria for m in c.missing if m.points_lost > 0]
    found.sort(key=lambda cm: (-cm[1].points_lost, cm[0].id))
    return [Item(c, m, _owners(a, m.owner)) for c, m in found]


def _units(a: Assessment) -> list[UnitSection]:
    stakes, lost = a.stake_by_unit(), a.lost_by_unit()
    codes = [a.unit_filter] if a.unit_filter else list(a.units)
    sections = []
    for code in codes:
        mine = a.for_unit(code)
        items = [Item(c, m, _owners(a, m.owner), _owners(a, tuple(o for o in m.owner if o != code)))
                 for c in mine.criteria for m in c.missing]
        items.sort(key=lambda i: (i.item.standing == "lost", i.item.due or a.as_of.max, i.criterion.id))
        sections.append(UnitSection(code, a.units.get(code, code), stakes.get(code, Decimal(0)),
                                    lost.get(code, Decimal(0)), mine.criteria, tuple(items)))
    return sections


def charts(inputs: ReportInputs) -> dict[str, Chart]:
    """The report's charts (fields, by unit, trend): the web workspace's dashboard draws the same ones."""
    a = inputs.result
    charts = {"fields": horizontal(
        "bieu-do-linh-vuc", "Điểm theo lĩnh vực",
        "Điểm đạt so với điểm tối đa của từng lĩnh vực; thanh đầy là đạt đủ điểm.",
        [(f"{f.id}. {f.title}", f.points, f.max, f"{points(f.points)} / {points(f.max)}") for f in a.fields if f.max],
    )}
    if a.unit_filter:  # one unit's report: its own figures head its section; others' would mislead
        return charts
    stakes = a.stake_by_unit()
    if stakes:
        charts["winnable"] = ranked(
            "bieu-do-con-lay-duoc", "Điểm còn lấy được theo đơn vị",
            "Điểm Sở còn lấy được nếu đơn vị khắc phục ngay các mục của mình, xếp từ nhiều đến ít.",
            [(a.units.get(u, u), v, points(v)) for u, v in stakes.items()])
    lost = a.lost_by_unit()
    if lost:
        charts["lost"] = ranked(
            "bieu-do-da-mat", "Điểm đã mất theo đơn vị",
            "Điểm không lấy lại được vì hạn đã qua, theo đơn vị phụ trách, xếp từ nhiều đến ít.",
            [(a.units.get(u, u), v, points(v)) for u, v in lost.items()])
    if inputs.history:
        full = max(h.max for h in inputs.history)
        charts["trend"] = columns(
            "bieu-do-dien-bien", "Diễn biến qua các lần chấm",
            "Tổng điểm từng lần chấm đã lưu (cột đặc) và điểm tối đa còn có thể đạt lúc đó (khung).",
            [(day(h.as_of), h.total, h.reachable, full, points(h.total)) for h in inputs.history])
    return charts


def render(inputs: ReportInputs) -> str:
    a = inputs.result
    scenario = inputs.scenario
    projected = {c.id: c for c in scenario.criteria} if scenario else {}
    calibrated = [c for c in a.criteria if c.official is not None]
    template = _environment().get_template("report.html.j2")
    return template.render(
        a=a, scenario=scenario, scenario_name=inputs.scenario_name, projected=projected,
        history=inputs.history, charts=charts(inputs),
        winnable_items=_winnable_items(a), lost_items=_lost_items(a), units=_units(a),
        calibrated=calibrated,
        official_difference=sum((c.points - c.official for c in calibrated if c.official is not None), Decimal(0)),
        unverified=[c for c in a.criteria if not c.verified],
        warnings=[w for w in a.warnings if w.code != "W001"],
        owners=lambda ids: _owners(a, ids),
    )


def write(inputs: ReportInputs, out: Path) -> None:
    text = render(inputs)
    write_atomically(out, lambda tmp: tmp.write_text(text, encoding="utf-8"))

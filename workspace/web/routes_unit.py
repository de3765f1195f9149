"""A unit's page: its checklist, an upload per item, the confirmation of the header cchc read, its register.

TCCB may open any unit's page and act for it; a unit account only its own (others: 404, C144); a viewer
none (403, C143). The facade checks the same again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from engine.results import Assessment
from evidence.formatting import day, points
from evidence.messages import render
from evidence.references import DOCUMENT_KINDS
from workspace.service import ChecklistItem, Invalid, NotFound, Role, Staged
from workspace.web.auth import Visitor, form_of, own_unit, role, settings_of, workspace_of
from workspace.web.errors import Refused
from workspace.web.pages import notify, page
from workspace.web.uploads import read_upload

router = APIRouter()
ACTORS = (Role.TCCB, Role.UNIT)
Actor = Annotated[Visitor, Depends(role(*ACTORS))]
ActorForm = Annotated[Visitor, Depends(form_of(*ACTORS))]
Field = Annotated[str, Form()]
Upload = Annotated[UploadFile | str | None, File()]


def _known_unit(request: Request, visitor: Visitor, unit: str) -> str:
    own_unit(visitor, unit)
    units = workspace_of(request).units()
    if unit not in units:
        raise Refused(404, "C144")
    return units[unit]


def _total_change(before: Decimal, after: Decimal) -> str:
    if after > before:
        return f"tăng {points(after - before)} điểm"
    if after < before:
        return f"giảm {points(before - after)} điểm"
    return "không đổi"


def _lost_on(a: Assessment, unit: str, items: list[ChecklistItem]) -> dict[str, date | None]:
    """A lost item's deadline is the day its points were lost (the engine's lost_on; ChecklistItem.due is None)."""
    engine_items = {(c.id, m.requirement, m.label): m for c in a.for_unit(unit).criteria for m in c.missing}
    return {i.key: m.lost_on for i in items if (m := engine_items.get((i.criterion, i.requirement, i.label)))}


# where a reason names the row it read: in a preview that row is in the engine's scratch copy, not in any file the
# clerk has, so the page leaves it out ("… cơ quan ban hành TTr (cần SNN) (documents.csv hàng 25)")
SCRATCH_ROW = re.compile(r"\s*\([^()]*\bhàng \d+\)\s*$")


@router.get("/don-vi/{unit}")
def unit_page(request: Request, unit: str, visitor: Actor) -> Response:
    name = _known_unit(request, visitor, unit)
    ws = workspace_of(request)
    items = ws.checklist(visitor.account, unit)
    a = ws.assessment()
    return page(request, "unit.html.j2", unit=unit, unit_name=name, items=items, a=a,
                lost_on=_lost_on(a, unit, items), winnable=a.stake_by_unit().get(unit, Decimal(0)),
                lost=a.lost_by_unit().get(unit, Decimal(0)),
                rows=ws.register_rows(visitor.account, unit), max_mb=settings_of(request).max_upload_mb)


@router.post("/don-vi/{unit}/muc/{item_key}")
def upload_for_item(request: Request, unit: str, item_key: str, visitor: ActorForm, file: Upload = None) -> Response:
    _known_unit(request, visitor, unit)
    name, data = read_upload(file, settings_of(request))
    staged = workspace_of(request).stage_document(visitor.account, unit, item_key, name, data)
    return RedirectResponse(f"/xac-nhan/{staged.id}", status_code=303)


@dataclass(frozen=True)
class Fields:
    """The header as the confirmation form shows it: what cchc read, or what the clerk typed."""

    reference: str
    issued: str
    kind: str
    subject: str

    @classmethod
    def read(cls, staged: Staged) -> Fields:
        return cls(staged.reference or "", day(staged.issued) if staged.issued else "", staged.kind or "",
                   staged.subject or "")


def _confirm_page(request: Request, visitor: Visitor, staged_id: int, typed: Fields | None = None) -> Response:
    """The confirmation page with the engine's preview of what confirming these fields would do (nothing kept).
    Fields the engine cannot take yet (no date read from a scan, a date that does not exist) give no preview but
    the very problems confirming them would give (W121)."""
    ws = workspace_of(request)
    staged = ws.staged(visitor.account, staged_id)
    own_unit(visitor, staged.unit)
    fields = typed or Fields.read(staged)
    items = ws.checklist(visitor.account, staged.unit)
    item = next((i for i in items if i.key == staged.item_key), None)
    a = ws.assessment()
    preview, unpreviewed, problems = None, None, []
    try:
        preview = ws.preview_document(visitor.account, staged_id, fields.reference.strip(), fields.issued.strip(),
                                      fields.kind.strip(), fields.subject.strip())
    except Invalid as exc:
        unpreviewed = render("W121", detail=exc.message)
        problems = [str(p) for p in exc.problems]
    except NotFound as exc:  # the item was met meanwhile (another upload): nothing left to preview against
        unpreviewed = render("W121", detail=exc.message)
    return page(request, "confirm.html.j2", status=400 if typed and problems else 200, staged=staged, item=item,
                a=a, lost_on=_lost_on(a, staged.unit, items), kinds=DOCUMENT_KINDS,
                unit_name=ws.units().get(staged.unit, staged.unit), fields=fields, preview=preview,
                reasons=[SCRATCH_ROW.sub("", r) for r in preview.reasons] if preview else [],
                unpreviewed=unpreviewed, preview_problems=problems,
                not_met=render("W120") if preview is not None and not preview.met else None)


@router.get("/xac-nhan/{staged_id}")
def confirm_page(request: Request, staged_id: int, visitor: Actor) -> Response:
    return _confirm_page(request, visitor, staged_id)


@router.post("/xac-nhan/{staged_id}/xem-lai")
def preview_again(request: Request, staged_id: int, visitor: ActorForm, reference: Field = "", issued: Field = "",
                  kind: Field = "", subject: Field = "") -> Response:
    """The same page for the fields as the clerk edited them: a new preview, nothing kept (no redirect)."""
    return _confirm_page(request, visitor, staged_id, Fields(reference, issued, kind, subject))


@router.post("/xac-nhan/{staged_id}")
def confirm(request: Request, staged_id: int, visitor: ActorForm, reference: Field, issued: Field, kind: Field = "",
            subject: Field = "") -> Response:
    ws = workspace_of(request)
    staged = ws.staged(visitor.account, staged_id)
    own_unit(visitor, staged.unit)
    before = ws.assessment().total
    ws.confirm_document(visitor.account, staged_id, reference.strip(), issued.strip(), kind.strip(), subject.strip())
    a = ws.assessment()
    notify(request, f"Đã ghi «{reference.strip()}» vào sổ đăng ký của {ws.units().get(staged.unit, staged.unit)}. "
                    f"Tổng điểm của Sở: {points(a.total)} / {points(a.max)} ({_total_change(before, a.total)}).")
    return RedirectResponse(f"/don-vi/{staged.unit}", status_code=303)


@router.post("/xac-nhan/{staged_id}/huy")
def discard(request: Request, staged_id: int, visitor: ActorForm) -> Response:
    ws = workspace_of(request)
    staged = ws.staged(visitor.account, staged_id)
    own_unit(visitor, staged.unit)
    ws.discard(visitor.account, staged_id)
    notify(request, f"Đã bỏ tệp «{staged.filename}»; sổ đăng ký không đổi.")
    return RedirectResponse(f"/don-vi/{staged.unit}", status_code=303)


@router.post("/don-vi/{unit}/so-dang-ky")
def upload_register(request: Request, unit: str, visitor: ActorForm, file: Upload = None) -> Response:
    name = _known_unit(request, visitor, unit)
    filename, data = read_upload(file, settings_of(request))
    ws = workspace_of(request)
    before = ws.assessment().total
    added = ws.import_register(visitor.account, unit, filename, data)
    a = ws.assessment()
    notify(request, f"Đã nhận sổ đăng ký «{filename}» của {name}: thêm {added} dòng. "
                    f"Tổng điểm của Sở: {points(a.total)} / {points(a.max)} ({_total_change(before, a.total)}).")
    return RedirectResponse(f"/don-vi/{unit}", status_code=303)

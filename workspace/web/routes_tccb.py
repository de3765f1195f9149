"""TCCB's pages (registers, datasets, entered values, mock appraisal, accounts, audit log) and the dashboard
TCCB and the viewer (leadership) share. Every figure comes from the engine's Assessment; nothing here scores.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from engine.reports.html_report import charts
from workspace.service import Role
from workspace.web.auth import Visitor, form_of, role, settings_of, workspace_of
from workspace.web.errors import Refused
from workspace.web.pages import ROLE_WORDS, notify, page
from workspace.web.uploads import read_upload

router = APIRouter()
TCCB = Role.TCCB
Reader = Annotated[Visitor, Depends(role(Role.TCCB, Role.VIEWER))]
Tccb = Annotated[Visitor, Depends(role(TCCB))]
TccbForm = Annotated[Visitor, Depends(form_of(TCCB))]
Field = Annotated[str, Form()]
Upload = Annotated[UploadFile | str | None, File()]


@router.get("/tong-quan")
def dashboard(request: Request, visitor: Reader) -> Response:
    ws = workspace_of(request)
    inputs = ws.report_inputs()
    a = inputs.result
    stakes, lost = a.stake_by_unit(), a.lost_by_unit()
    by_unit = [(code, name, stakes.get(code, Decimal(0)), lost.get(code, Decimal(0)),
                sum(1 for c in a.criteria for m in c.missing if code in m.owner)) for code, name in a.units.items()]
    by_unit.sort(key=lambda u: (-u[2], -u[3], u[1]))
    return page(request, "dashboard.html.j2", a=a, charts=charts(inputs), history=inputs.history, by_unit=by_unit)


@router.get("/so-dang-ky")
def registers(request: Request, visitor: Tccb, don_vi: str = "") -> Response:
    ws = workspace_of(request)
    units = ws.units()
    unit = don_vi if don_vi in units else None
    rows = ws.register_rows(visitor.account, unit)
    headers = list(rows[0]) if rows else []
    return page(request, "registers.html.j2", rows=rows, headers=headers, units=units, unit=unit)


@router.get("/du-lieu")
def datasets(request: Request, visitor: Tccb) -> Response:
    rows = workspace_of(request).datasets(visitor.account)
    return page(request, "datasets.html.j2", rows=rows, headers=list(rows[0]) if rows else [],
                max_mb=settings_of(request).max_upload_mb)


@router.post("/du-lieu")
def upload_dataset(request: Request, visitor: TccbForm, name: Field, file: Upload = None) -> Response:
    filename, data = read_upload(file, settings_of(request))
    workspace_of(request).upload_dataset(visitor.account, name, filename, data)
    notify(request, f"Đã nhận bộ dữ liệu «{name}» từ tệp «{filename}».")
    return RedirectResponse("/du-lieu", status_code=303)


@router.get("/gia-tri")
def inputs(request: Request, visitor: Tccb) -> Response:
    return page(request, "inputs.html.j2", rows=workspace_of(request).inputs(visitor.account))


@router.post("/gia-tri")
def set_input(request: Request, visitor: TccbForm, criterion: Field, value: Field, source: Field, part: Field = "",
              note: Field = "") -> Response:
    workspace_of(request).set_input(visitor.account, criterion, part, value.strip(), source.strip(), note.strip())
    notify(request, f"Đã ghi giá trị của tiêu chí {criterion}{' phần ' + part if part else ''}: {value.strip()}.")
    return RedirectResponse("/gia-tri", status_code=303)


@router.get("/tham-dinh-thu")
def appraisal(request: Request, visitor: Tccb) -> Response:
    """The engine's mock-appraised result (Assessment.appraisal: totals, class, per criterion self / override /
    difference) beside the self-score, and the facade's history of every override; nothing is added up here."""
    ws = workspace_of(request)
    a = ws.assessment()
    appraised = {c.id: c for c in a.appraisal.criteria} if a.appraisal else {}
    return page(request, "appraisal.html.j2", a=a, appraised=appraised, history=ws.appraisals(visitor.account))


@router.post("/tham-dinh-thu")
def appraise(request: Request, visitor: TccbForm, criterion: Field, points: Field, note: Field = "") -> Response:
    workspace_of(request).appraise(visitor.account, criterion, points.strip(), note.strip())
    notify(request, f"Đã ghi điểm thẩm định thử của tiêu chí {criterion}: {points.strip()}.")
    return RedirectResponse(f"/tham-dinh-thu#tc-{criterion}", status_code=303)


@router.get("/tai-khoan")
def accounts(request: Request, visitor: Tccb) -> Response:
    ws = workspace_of(request)
    return page(request, "accounts.html.j2", accounts=ws.accounts(visitor.account), units=ws.units(), roles=Role)


@router.post("/tai-khoan")
def create_account(request: Request, visitor: TccbForm, username: Field, full_name: Field, password: Field,
                   role_name: Annotated[str, Form(alias="role")], unit: Field = "") -> Response:
    try:
        chosen = Role(role_name)
    except ValueError:
        raise Refused(400, "C151", field="vai trò", detail=f"«{role_name}» không phải vai trò của cchc") from None
    made = workspace_of(request).create_account(visitor.account, username.strip(), full_name.strip(), chosen,
                                                unit or None, password)
    notify(request, f"Đã tạo tài khoản «{made.username}» ({ROLE_WORDS[made.role]}). Hãy trao mật khẩu tận tay.")
    return RedirectResponse("/tai-khoan", status_code=303)


@router.post("/tai-khoan/{account_id}/trang-thai")
def set_active(request: Request, account_id: int, visitor: TccbForm, active: Field) -> Response:
    on = active == "1"
    workspace_of(request).set_active(visitor.account, account_id, on)
    notify(request, "Đã mở lại tài khoản." if on else "Đã khóa tài khoản; các phiên của nó hết hiệu lực.")
    return RedirectResponse("/tai-khoan", status_code=303)


@router.get("/nhat-ky")
def audit(request: Request, visitor: Tccb) -> Response:
    rows = workspace_of(request).audit_log(visitor.account)
    return page(request, "audit.html.j2", rows=rows, headers=list(rows[0]) if rows else [])

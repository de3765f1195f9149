"""The draft remediation plan (dự thảo kế hoạch khắc phục), in the shape of the seed document.

After the official result a department writes "Kế hoạch khắc phục những tồn tại về Chỉ số CCHC năm N và giải
pháp cải thiện Chỉ số CCHC năm N+1": heading block, basis, I. purpose and requirements, II. for each field and
criterion that lost points the shortfall and the remedy with its units and date, III. organisation. This module
lays one `Assessment` out as that plan, once, as a small document model; `plan_markdown` and
`engine.reports.plan_docx` render the same model, so the .md and the .docx say the same thing.

Nothing cchc cannot know is invented: the plan's number, the date of signing, recipients, the signer and any
completion date the evidence does not give stay visible placeholders ("[…]").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from engine.reports import fallback_note
from engine.reports.inputs import ReportInputs
from engine.results import Assessment, CriterionResult, FieldResult, MissingItem
from evidence.formatting import day, percent, points

BLANK = "[…]"  # what cchc cannot know: the signer fills it in
UNVERIFIED = "†"


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 1: "I. MỤC ĐÍCH, YÊU CẦU"; 2: "1. Nội dung 1: …"; 3: "(1) Về tiêu chí …"


@dataclass(frozen=True)
class Para:
    text: str
    lead: str = ""  # a bold lead-in, e.g. "* Phương hướng khắc phục: "
    bullet: bool = False  # "- " item of a list
    italic: bool = False


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # relative column widths
    total: tuple[str, ...] | None = None  # a bold last row


Block = Heading | Para | Table


@dataclass(frozen=True)
class Plan:
    parent: str  # "UBND TỈNH HÀ GIANG"
    agency: str  # "SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN"
    number: str  # "Số: […]/KH-[…]"
    place_date: str  # "Hà Giang, ngày […] tháng […] năm […]"
    title: str  # "KẾ HOẠCH"
    subtitle: str  # "Khắc phục những tồn tại về Chỉ số CCHC năm N và giải pháp cải thiện Chỉ số CCHC năm N+1"
    draft_note: str
    body: tuple[Block, ...]
    recipients: tuple[str, ...]
    signer: tuple[str, ...]
    as_of_iso: str  # fixes the .docx core properties: same input, same file
    criteria: tuple[str, ...] = field(default=())  # ids of the criteria section II names, in order
    matcher_note: str = ""  # durable-rules did not load (W003); its own line: .docx comments take 255 characters


# ---- what the plan says --------------------------------------------------------------------------------------


def _names(a: Assessment, units: Iterable[str]) -> str:
    return ", ".join(a.units.get(u, u) for u in dict.fromkeys(units))


def _lower_first(text: str) -> str:
    """"Công bố TTHC…" → "công bố TTHC…" as the seed writes it after "Về tiêu chí"; "TTHC…" stays."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _agency(a: Assessment) -> str:
    """The department without its province ("Sở … tỉnh Hà Giang" → "Sở …"), for the heading block."""
    name = a.unit_name
    for suffix in (f" tỉnh {a.province}", f" thành phố {a.province}", f" {a.province}") if a.province else ():
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _lead_and_support(c: CriterionResult) -> tuple[str | None, list[str]]:
    """The rule's first owner leads (rules list the lead first); the other owners and item owners support."""
    owners = [*c.owners, *(u for m in c.missing for u in m.owner)]
    owners = list(dict.fromkeys(owners))
    return (owners[0], owners[1:]) if owners else (None, [])


def _item_due(a: Assessment, m: MissingItem) -> str:
    if m.due is not None and m.due >= a.as_of:
        return day(m.due)
    if m.due is not None:  # last period's date has passed: the new one is for the units to set
        return f"{BLANK} (hạn kỳ đánh giá trước: {day(m.due)})"
    return BLANK


def criterion_due(a: Assessment, c: CriterionResult) -> str:
    """When the criterion's tasks are done: the last of its items' dates still ahead, else a placeholder."""
    dues = [m.due for m in c.missing]
    if dues and all(d is not None and d >= a.as_of for d in dues):
        return day(max(d for d in dues if d is not None))
    return BLANK


def lost_criteria(a: Assessment) -> list[CriterionResult]:
    """Every applicable criterion below its maximum: what section II and the appendix name."""
    return [c for c in a.criteria if c.applicable and c.points < c.max]


def _result_sentence(a: Assessment) -> str:
    official = a.official
    said = []
    if official is not None:
        cls = f", xếp loại {official.classification}" if official.classification else ""
        rank = f", xếp hạng {official.rank}" if official.rank else ""
        said.append(f"Chỉ số CCHC năm {official.year} của {a.unit_name} đạt {points(official.total)} điểm{cls}{rank} "
                    f"(theo {official.source})")
        if official.change:
            said.append(f"cchc tự chấm từ tài liệu kiểm chứng: {points(a.total)} điểm, xếp loại {a.classification}")
    else:
        said.append(f"Kết quả tự chấm Chỉ số CCHC năm {a.year or BLANK} của {a.unit_name} (cchc, mốc "
                    f"{day(a.as_of)}): {points(a.total)}/{points(a.max)} điểm, chỉ số {percent(a.index_percent / 100)}"
                    f", xếp loại {a.classification}")
    last = a.last_official
    if last is not None:
        base = official.total if official is not None else a.total
        change = base - last.total
        word = "tăng" if change > 0 else "giảm" if change < 0 else "không đổi"
        amount = f" {points(abs(change))} điểm" if change else ""
        cls = f", {last.classification}" if last.classification else ""
        said.append(f"{word}{amount} so với năm {last.year} ({points(last.total)} điểm{cls})")
    return "; ".join(said)


def _findings(c: CriterionResult) -> list[str]:
    """What cchc saw: every trace line but those that only say a requirement is met."""
    return [line for line in c.trace if not line.startswith("Đạt")]


def _criterion_blocks(a: Assessment, c: CriterionResult, number: int, scenario: Assessment | None) -> list[Block]:
    mark = "" if c.verified else f" {UNVERIFIED}"
    lost = c.max - c.points
    if c.official is not None:
        scored = (f"Hội đồng chấm điểm CCHC tỉnh kết luận thẩm định chấm đạt {points(c.official)}/{points(c.max)} "
                  "điểm")
        if c.official != c.points:
            scored += f" (cchc tự chấm {points(c.points)}/{points(c.max)} điểm)"
    else:
        scored = f"Kết quả tự chấm (cchc): {points(c.points)}/{points(c.max)} điểm"
    out: list[Block] = [Heading(f"({number}) Về tiêu chí {_lower_first(c.title)} (tiêu chí {c.id}{mark}). {scored}; "
                                f"bị trừ {points(lost)} điểm.", 3)]
    out.append(Para("", lead="* Tồn tại, hạn chế (theo tài liệu kiểm chứng cchc đã đối chiếu):"))
    findings = _findings(c)
    out += [Para(line, bullet=True) for line in findings] or [Para(f"Không có chi tiết ngoài điểm đạt; {BLANK}",
                                                                   bullet=True)]
    if c.evidence:
        out.append(Para("", lead="* Tài liệu kiểm chứng đã có:"))
        for ref in c.evidence:
            when = f" ngày {day(ref.issued)}" if ref.issued else ""
            where = f" ({ref.file})" if ref.file else f" ({ref.source} hàng {ref.row})"
            out.append(Para(f"{ref.reference or 'không số'}{when}: {ref.subject}{where}", bullet=True))
    # whose items cost the points, the costliest first (the seed's "Trách nhiệm để xảy ra mất điểm")
    ranked = sorted(c.missing, key=lambda m: -(m.points_lost + m.points_at_stake))
    responsible = [u for m in ranked for u in m.owner] or list(c.owners)
    out.append(Para(_names(a, responsible) or BLANK, lead="* Trách nhiệm: "))
    out.append(Para(c.remedy.strip() or BLANK, lead="* Phương hướng khắc phục: "))
    if c.missing:
        out.append(Para("", lead="* Nhiệm vụ cụ thể:"))
        for m in ranked:
            out.append(Para(f"{m.label} — {_names(a, m.owner) or BLANK}; hạn: {_item_due(a, m)}", bullet=True))
    lead, support = _lead_and_support(c)
    out.append(Para(f"{a.units.get(lead, lead) if lead else BLANK}; đơn vị phối hợp: {_names(a, support) or '—'}; "
                    f"thời hạn hoàn thành: {criterion_due(a, c)}.", lead="* Đơn vị chủ trì: "))
    if scenario is not None:
        target = next((s for s in scenario.criteria if s.id == c.id), None)
        if target is not None:
            out.append(Para(f"{points(target.points)}/{points(target.max)} điểm nếu các đơn vị thực hiện đúng hạn.",
                            lead="* Mục tiêu: "))
    return out


def _field_heading(f: FieldResult, number: int) -> Heading:
    label = f"Nội dung {f.id}: {f.title}" if f.id.isdigit() else f.title
    return Heading(f"{number}. {label}", 2)


def _purpose(a: Assessment, scenario: Assessment | None, scenario_name: str | None) -> list[Block]:
    year, unit = a.year, a.unit_name
    out: list[Block] = [
        Heading("I. MỤC ĐÍCH, YÊU CẦU", 1),
        Para("", lead="1. Mục đích:"),
        Para(f"Kịp thời chấn chỉnh và khắc phục những tồn tại, hạn chế trong công tác cải cách hành chính (CCHC) "
             f"thông qua kết quả chấm điểm Chỉ số CCHC năm {year or BLANK}.", bullet=True),
        Para("Đề ra các giải pháp khắc phục những tồn tại, hạn chế trong thời gian tới nhằm nâng cao chất lượng, hiệu "
             "quả công tác CCHC và cải thiện Chỉ số CCHC những năm tiếp theo.", bullet=True),
        Para("Nâng cao trách nhiệm của người đứng đầu các phòng chuyên môn, đơn vị trực thuộc và công chức, viên chức "
             f"trong thực hiện công tác CCHC; phấn đấu Chỉ số CCHC năm {year + 1 if year else BLANK} của {unit} "
             f"xếp hạng cao hơn năm {year or BLANK}.", bullet=True),
    ]
    if scenario is not None:
        named = f" (kịch bản {scenario_name})" if scenario_name else ""
        out.append(Para(f"Mục tiêu{named}: nếu các đơn vị thực hiện đúng hạn: {points(scenario.total)} điểm, xếp loại "
                        f"{scenario.classification} (hiện {points(a.total)} điểm, xếp loại {a.classification}).",
                        bullet=True))
    out += [
        Para("", lead="2. Yêu cầu:"),
        Para("Việc khắc phục các tiêu chí bị trừ điểm phải được thực hiện nghiêm túc, có hiệu quả; chấn chỉnh, khắc "
             "phục ngay các tồn tại, hạn chế đã được chỉ ra.", bullet=True),
        Para("Thủ trưởng các phòng chuyên môn, các cơ quan, đơn vị trực thuộc rà soát, đánh giá đúng thực trạng, tổ "
             "chức thực hiện nghiêm túc Kế hoạch này; kết quả thực hiện là một tiêu chí đánh giá thi đua cuối năm của "
             "các phòng, đơn vị.", bullet=True),
    ]
    return out


def _organisation(a: Assessment) -> list[Block]:
    tccb = a.units.get("tccb", f"{BLANK} (đơn vị theo dõi công tác CCHC)")
    return [
        Heading("III. TỔ CHỨC THỰC HIỆN", 1),
        Para("1. Trưởng các phòng chuyên môn, Thủ trưởng các đơn vị trực thuộc căn cứ những tồn tại nêu trên và chức "
             "năng, nhiệm vụ được giao, xây dựng kế hoạch khắc phục của đơn vị, phân công lãnh đạo phụ trách từng "
             f"nhiệm vụ, gửi về {tccb} trước ngày {BLANK}. Định kỳ hằng tháng báo cáo Ban Giám đốc về tình hình và "
             "kết quả khắc phục; chịu trách nhiệm về kết quả các tiêu chí thuộc trách nhiệm của đơn vị (cung cấp tài "
             "liệu kiểm chứng đầy đủ, đúng quy định)."),
        Para(f"2. Giao {tccb} theo dõi, đôn đốc, tổng hợp tình hình thực hiện Kế hoạch, kịp thời báo cáo những phát "
             "sinh và đề xuất giải pháp; cuối năm tổng hợp các cơ quan, đơn vị không chấp hành để bị trừ điểm, báo cáo "
             "Ban Giám đốc xem xét trách nhiệm người đứng đầu."),
        Para("3. Trong quá trình thực hiện, nếu phát sinh khó khăn, vướng mắc, các đơn vị kịp thời báo cáo (qua "
             f"{tccb}) để tổng hợp báo cáo Ban Giám đốc./."),
    ]


def _appendix(a: Assessment, crits: list[CriterionResult], scenario: Assessment | None) -> list[Block]:
    headers = ["STT", "Tiêu chí", "Điểm tối đa", "Điểm đạt", "Điểm bị trừ", "Đơn vị chủ trì", "Đơn vị phối hợp",
               "Thời hạn hoàn thành"]
    widths = [1.1, 4.2, 1.3, 1.3, 1.3, 2.2, 2.5, 1.8]
    targets = {s.id: s for s in scenario.criteria} if scenario is not None else {}
    if scenario is not None:
        headers.append("Mục tiêu (kịch bản)")
        widths.append(1.4)
    rows = []
    for i, c in enumerate(crits, 1):
        lead, support = _lead_and_support(c)
        mark = "" if c.verified else f" {UNVERIFIED}"
        row = [str(i), f"{c.id}{mark}. {c.title}", points(c.max), points(c.points), points(c.max - c.points),
               a.units.get(lead, lead) if lead else BLANK, _names(a, support) or "—", criterion_due(a, c)]
        if scenario is not None:
            row.append(points(targets[c.id].points) if c.id in targets else "—")
        rows.append(tuple(row))
    total = ["", "Cộng", points(sum((c.max for c in crits), Decimal(0))),
             points(sum((c.points for c in crits), Decimal(0))),
             points(sum((c.max - c.points for c in crits), Decimal(0))), "", "", ""]
    if scenario is not None:
        total.append(points(sum((targets[c.id].points for c in crits if c.id in targets), Decimal(0))))
    return [Heading("PHỤ LỤC: TỔNG HỢP TIÊU CHÍ BỊ TRỪ ĐIỂM VÀ PHÂN CÔNG KHẮC PHỤC", 1),
            Table(tuple(headers), tuple(rows), tuple(widths), tuple(total))]


def _assumptions(a: Assessment, crits: list[CriterionResult]) -> list[Block]:
    notes = [*(f"Bộ tiêu chí — {n}" for n in a.assumptions),
             *(f"{c.id}: {n}" for c in crits if not c.verified for n in c.assumptions)]
    if not notes:
        return []
    return [Heading(f"{UNVERIFIED} Giả định chưa đối chiếu văn bản gốc (verified: false)", 1),
            *(Para(n, bullet=True) for n in notes)]


def build(inputs: ReportInputs) -> Plan:
    a, scenario = inputs.result, inputs.scenario
    year = a.year
    crits = lost_criteria(a)
    basis = (f"Căn cứ {a.official.source} về việc công bố Chỉ số cải cách hành chính năm {a.official.year}"
             if a.official is not None else
             f"Căn cứ kết quả tự chấm Chỉ số cải cách hành chính năm {year or BLANK} (cchc, mốc {day(a.as_of)}; "
             f"kết quả thẩm định chính thức: {BLANK})")
    who = f" (phần việc của {a.units.get(a.unit_filter, a.unit_filter)})" if a.unit_filter else ""
    body: list[Block] = [
        Para(f"{basis}. {a.unit_name} xây dựng Kế hoạch khắc phục những tồn tại, hạn chế năm {year or BLANK}{who} "
             "như sau:"),
        *_purpose(a, scenario, inputs.scenario_name),
        Heading("II. NHỮNG TỒN TẠI, HẠN CHẾ VÀ PHƯƠNG HƯỚNG KHẮC PHỤC", 1),
        Para(f"{_result_sentence(a)}. Các tiêu chí bị trừ điểm, tồn tại, trách nhiệm và phương hướng khắc phục như "
             "sau:"),
    ]
    number = 0
    for f in a.fields:
        in_field = [c for c in crits if c.field == f.id]
        if not in_field:
            continue
        number += 1
        body.append(_field_heading(f, number))
        for j, c in enumerate(in_field, 1):
            body += _criterion_blocks(a, c, j, scenario)
    body += _organisation(a)
    body += _appendix(a, crits, scenario)
    body += _assumptions(a, crits)
    province = a.province or BLANK
    return Plan(
        parent=f"UBND TỈNH {province.upper()}" if a.province else f"{BLANK} (CƠ QUAN CHỦ QUẢN)",
        agency=_agency(a).upper(),
        number=f"Số: {BLANK}/KH-{BLANK}",
        place_date=f"{province}, ngày {BLANK} tháng {BLANK} năm {BLANK}",
        title="KẾ HOẠCH",
        subtitle=(f"Khắc phục những tồn tại về Chỉ số CCHC năm {year or BLANK} và giải pháp cải thiện Chỉ số CCHC "
                  f"năm {year + 1 if year else BLANK}"),
        draft_note=(f"DỰ THẢO do cchc lập từ kết quả chấm tại mốc {day(a.as_of)} ({a.scheme_title}, phiên bản "
                    f"{a.scheme_version}); các chỗ {BLANK} do cơ quan điền trước khi trình ký."),
        matcher_note=fallback_note(a.warnings),
        body=tuple(body),
        recipients=(f"- {BLANK};", f"- Lưu: VT, {BLANK}."),
        signer=(f"{BLANK} (CHỨC VỤ NGƯỜI KÝ)", "(Ký, ghi rõ họ tên)", BLANK),
        as_of_iso=a.as_of.isoformat(),
        criteria=tuple(c.id for c in crits),
    )


# ---- Markdown ------------------------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def plan_markdown(plan: Plan) -> str:
    lines = [f"{plan.parent}  ", f"**{plan.agency}**  ", plan.number, "",
             "**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**  ", "**Độc lập - Tự do - Hạnh phúc**  ", f"*{plan.place_date}*",
             "", f"# {plan.title}", "", f"**{plan.subtitle}**", "", f"*{plan.draft_note}*", ""]
    if plan.matcher_note:
        lines += [f"*{plan.matcher_note}.*", ""]
    for block in plan.body:
        if isinstance(block, Heading):
            lines += [f"{'#' * (block.level + 1)} {block.text}", ""]
        elif isinstance(block, Para):
            text = f"*{block.text}*" if block.italic and block.text else block.text
            # the seed's "* Trách nhiệm:" keeps its star, escaped so that Markdown does not read it as emphasis
            star, label = ("\\* ", block.lead[2:]) if block.lead.startswith("* ") else ("", block.lead)
            lead = f"{star}**{label.strip()}** " if block.lead else ""
            lines += [f"{'- ' if block.bullet else ''}{lead}{text}".rstrip(), ""]
        else:
            lines.append("| " + " | ".join(block.headers) + " |")
            lines.append("|" + "|".join("---" for _ in block.headers) + "|")
            lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in block.rows]
            if block.total:
                lines.append("| " + " | ".join(f"**{_cell(c)}**" if c else "" for c in block.total) + " |")
            lines.append("")
    lines += ["**Nơi nhận:**  ", *(f"{r}  " for r in plan.recipients), "",
              *(f"**{s}**  " if i == 0 else f"{s}  " for i, s in enumerate(plan.signer)), ""]
    return "\n".join(line.rstrip() if not line.endswith("  ") else line for line in lines)

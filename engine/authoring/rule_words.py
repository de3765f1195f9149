"""The words a rule author and a unit read for a rule: requirements, filters, scoring methods, sources.

Shared by the scheme pages (`rules_docs`) and the diff of two schemes (`rules_diff`), so both say a rule
the same way and neither imports the other's page code.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from engine.scheme import (
    Criterion,
    DeadlineRequirement,
    DocumentRequirement,
    Filter,
    InputRequirement,
    RateRequirement,
    Requirement,
    Score,
)
from evidence.datasets import SPECS
from evidence.formatting import day, percent, points
from evidence.references import describe_document

UNVERIFIED = "†"
DATASET_WORDS = {
    "tasks": "nhiệm vụ được giao",
    "procedures": "TTHC trình công bố",
    "reports": "báo cáo phải gửi theo hạn",
    "dossiers": "hồ sơ TTHC",
    "staff_evaluations": "đánh giá công chức, viên chức",
    "indicators": "chỉ số trích xuất",
}
TYPE_WORDS = {"document": "văn bản", "deadlines": "đúng hạn", "rate": "tỷ lệ", "input": "nhập ngoài"}


# ---- words ----------------------------------------------------------------------------------------

def cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def codes(ids: Iterable[str]) -> str:
    return ", ".join(f"`{i}`" for i in ids)


def owners(ids: Iterable[str], units: dict[str, str]) -> str:
    return ", ".join(f"{units.get(u, u)} (`{u}`)" for u in ids)


def _filter_words(dataset: str, where: Filter) -> str:
    columns = {c.field: c for c in SPECS.get(dataset, ())}
    parts = []
    for field, values in where.items():
        column = columns.get(field)
        header = column.header if column else field
        shown = [column.vocab[v][0] if column and v in column.vocab else v for v in values]
        parts.append(f"{header}: {' hoặc '.join(shown)}")
    return "; ".join(parts)


def requirement_words(crit: Criterion, req: Requirement) -> str:
    """What evidence satisfies a requirement, in words."""
    if isinstance(req, DocumentRequirement):
        m = req.match
        text = describe_document(m.kind, m.tags, m.issuer, m.period, code=lambda t: f"`{t}`")
        if req.due:
            text += f"; gửi hoặc ban hành chậm nhất ngày {day(req.due)}"
        if req.basis:
            text += f"; căn cứ: {req.basis}"
        return text
    if isinstance(req, DeadlineRequirement):
        where = f" ({_filter_words(req.dataset, req.where)})" if req.where else ""
        return (f"các mục của bộ dữ liệu {DATASET_WORDS.get(req.dataset, req.dataset)} (`{req.dataset}`){where} "
                f"hoàn thành đúng hạn; tỷ lệ đúng hạn cần đạt {percent(req.threshold)} (mục còn trong hạn không tính)"
                f"; {IF_EMPTY_WORDS[req.if_empty]}")
    if isinstance(req, RateRequirement):
        name = f"{DATASET_WORDS.get(req.dataset, req.dataset)} (`{req.dataset}`)"
        if req.dataset == "indicators":
            text = f"chỉ số `{req.indicator}` trong bộ dữ liệu {name} đạt {percent(req.threshold)}"
        else:
            den = _filter_words(req.dataset, req.denominator) or "mọi dòng"
            text = (f"trong bộ dữ liệu {name}, tỷ lệ [{_filter_words(req.dataset, req.numerator)}] trên "
                    f"[{den}] đạt {percent(req.threshold)}")
        text += f"; {IF_EMPTY_WORDS[req.if_empty]}"
        if req.due:
            text += f"; đo tại ngày {day(req.due)}"
        return text
    assert isinstance(req, InputRequirement)
    unit = "điểm" if req.unit == "points" else "tỷ lệ trong [0, 1]"
    return f"giá trị nhập ngoài có nguồn (`inputs.yaml`: `{crit.id}` / `{req.id}`), tính bằng {unit}"


IF_EMPTY_WORDS = {
    "met": "không có trường hợp nào phải tính thì đạt (`if_empty: met`)",
    "missing": "không có trường hợp nào phải tính thì là thiếu dữ liệu (`if_empty: missing`)",
}


def scoring_lines(score: Score, cap: Decimal) -> list[str]:
    """How points come out, in words: one line, or one per part of a `sum` (indented)."""
    reqs = codes(score.requires)
    m = score.method
    if m == "sum":
        lines = [f"Cộng {len(score.parts)} phần:"]
        for part in score.parts:
            sub = scoring_lines(part, part.max or Decimal(0))
            name = " ".join(x for x in (part.id or "", part.label or "") if x)
            lines.append(f"  - {name} ({points(part.max or Decimal(0))} điểm): {sub[0]}")
            lines += [f"  {line}" for line in sub[1:]]
        return lines
    if m == "all_or_nothing":
        text = f"đủ {points(cap)} điểm khi {reqs} đạt, không thì 0"
    elif m == "proportional":
        below = "0" if score.below_threshold == "zero" else "theo tỷ lệ"
        text = (f"{points(cap)} điểm khi {reqs} đạt ngưỡng; dưới ngưỡng: {below}" if len(score.requires) == 1 else
                f"{points(cap)} điểm chia đều cho {reqs}, mỗi yêu cầu đủ phần khi đạt ngưỡng; dưới ngưỡng: {below}")
    elif m == "bands":
        bands = "; ".join(f"từ {percent(b.min)} được {points(b.points)}"
                          for b in sorted(score.bands, key=lambda b: b.min, reverse=True))
        text = f"theo mức của tỷ lệ {reqs}: {bands}"
    elif m == "per_item":
        text = f"{points(score.per_item or Decimal(0))} điểm cho mỗi mục đạt của {reqs}, tối đa {points(cap)}"
    elif m == "deduction":
        text = (f"{points(cap)} điểm, trừ {points(score.per_violation or Decimal(0))} cho mỗi vi phạm trong "
                f"{reqs}, không dưới {points(score.floor)}")
    else:
        text = f"điểm nhập ngoài của {reqs}, tối đa {points(cap)}"
    if score.shows:
        text += f" (chỉ hiện để tham khảo, không tính điểm: {codes(score.shows)})"
    return [text]


def source_words(crit: Criterion) -> str:
    if crit.verified:
        return f"{crit.source.document} — đã đối chiếu văn bản gốc"
    notes = "; ".join(n for n in crit.assumptions() if n)
    return f"{crit.source.document} — **chưa đối chiếu văn bản gốc** {UNVERIFIED}. Giả định: {notes}"



"""A scheme as Markdown, in Vietnamese: what a rule author or a unit reads instead of YAML.

`cchc rules docs` writes one page per scheme (docs/rules/<scheme>.md) and, for a scheme whose
predecessor (same province and kind of unit, previous year) sits beside it, the diff of the two
(docs/rules/<old>-vs-<new>.md). The pages are committed; a test regenerates them and fails when
they differ, so the docs never drift from the rules.

The words for requirements and scoring methods live in `rule_words`, shared with `rules_diff`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from engine.authoring.criterion_cases import CASES_DIR, SchemeCases, load_cases, scheme_units
from engine.authoring.rule_words import (
    TYPE_WORDS,
    UNVERIFIED,
    cell,
    codes,
    owners,
    requirement_words,
    scoring_lines,
    source_words,
)
from engine.locations import rules_root
from engine.scheme import (
    Criterion,
    Scheme,
)
from engine.scheme_loader import load_scheme
from evidence.formatting import day, points

GENERATED = ("<!-- Tệp này do `cchc rules docs` sinh ra từ rules/{id}/. Đừng sửa tay: sửa bộ tiêu chí rồi chạy "
             "lại lệnh. -->")
@dataclass(frozen=True)
class LoadedScheme:
    folder: Path
    scheme: Scheme
    units: dict[str, str]
    cases: SchemeCases


def load(folder: Path) -> LoadedScheme:
    scheme = load_scheme(folder)
    return LoadedScheme(folder, scheme, scheme_units(folder, scheme), load_cases(folder, scheme))


# ---- pages ----------------------------------------------------------------------------------------

def _deadline(s: Scheme) -> str:
    d = s.evidence_deadline
    if d is None:
        return "không nêu: tài liệu không có hạn riêng chỉ thiếu hoặc đủ"
    return f"{day(d.due)}" + ("" if d.verified else f" {UNVERIFIED} {cell(d.note or '')}")


def render_scheme(loaded: LoadedScheme, *, diff_page: str | None = None) -> str:
    s, units = loaded.scheme, loaded.units
    out: list[str] = [GENERATED.format(id=s.id), "", f"# {s.title}", ""]
    out += ["| | |", "|---|---|",
            f"| Mã bộ tiêu chí | `{s.id}` (thư mục `rules/{loaded.folder.name}/`) |",
            f"| Phiên bản | {cell(s.version)} |",
            f"| Quyết định | {cell(s.decision or 'chưa nêu (W010)')} |",
            f"| Năm đánh giá | {s.year} |",
            f"| Tỉnh; loại cơ quan | {cell(s.province)}; {cell(s.unit_type)} |",
            f"| Tổng điểm tối đa | {points(s.total_max)} |",
            f"| Hạn nộp tài liệu kiểm chứng | {_deadline(s)} |",
            f"| Nguồn | {cell(s.source.document)} |",
            f"| Đã đối chiếu văn bản gốc | {'có' if s.source.verified else 'chưa ' + UNVERIFIED} |"]
    if s.source.note:
        out += ["", f"{UNVERIFIED} {s.source.note}" if not s.source.verified else s.source.note]
    if diff_page:
        out += ["", f"Những gì thay đổi so với bộ năm trước: [{diff_page}]({diff_page})."]
    unverified = [c for c in s.criteria() if not c.verified]
    out += ["", "## Tổng quan", "",
            "| Lĩnh vực | Tiêu chí | Tên | Điểm tối đa | Đơn vị phụ trách | Đối chiếu | Ca kiểm thử |",
            "|---|---|---|---:|---|---|---:|"]
    for f in s.fields:
        for c in f.criteria:
            n = sum(1 for k in loaded.cases.cases if k.criterion == c.id)
            out.append(f"| {cell(f.id)} | [{c.id}](#tieu-chi-{_anchor(c.id)}) | {cell(c.title)} | {points(c.max)} | "
                       f"{cell(', '.join(c.owners))} | {'có' if c.verified else 'chưa ' + UNVERIFIED} | {n} |")
    at_stake = sum((c.max for c in unverified), Decimal(0))
    out += ["", f"Tổng: {len(s.criteria())} tiêu chí, {points(s.total_max)} điểm; {len(unverified)} tiêu chí "
                f"({points(at_stake)} điểm) dựa trên giả định chưa đối chiếu văn bản gốc ({UNVERIFIED})."]
    out += ["", "## Xếp loại", "", "| Xếp loại | Chỉ số từ | Dưới |", "|---|---:|---:|"]
    for b in s.classification.bands:
        low = "—" if b.min is None else points(b.min)
        high = "—" if b.below is None else points(b.below)
        out.append(f"| {cell(b.label)} | {low} | {high} |")
    if not s.classification.verified:
        out += ["", f"{UNVERIFIED} Chưa đối chiếu văn bản gốc. {s.classification.note or ''}".rstrip()]
    out += ["", "## Đơn vị", "", "| Mã | Tên |", "|---|---|"]
    out += [f"| `{u}` | {cell(name)} |" for u, name in units.items()]
    for f in s.fields:
        out += ["", f"## Lĩnh vực {f.id}. {f.title}"]
        for c in f.criteria:
            out += _criterion(loaded, c)
    return "\n".join(out) + "\n"


def _anchor(criterion_id: str) -> str:
    return criterion_id.replace(".", "-").lower()


def _criterion(loaded: LoadedScheme, c: Criterion) -> list[str]:
    units = loaded.units
    out = ["", f'<a id="tieu-chi-{_anchor(c.id)}"></a>', "",
           f"### {c.id}. {c.title} — {points(c.max)} điểm{'' if c.verified else ' ' + UNVERIFIED}", "",
           f"- **Đơn vị phụ trách:** {owners(c.owners, units)}",
           f"- **Nguồn:** {source_words(c)}"]
    lines = scoring_lines(c.score, c.max)
    out.append(f"- **Cách chấm:** {lines[0]}")
    out += [f"  {line}" for line in lines[1:]]
    out.append(f"- **Khắc phục:** {' '.join(c.remedy.split())}")
    out += ["", "| Yêu cầu | Nội dung | Loại | Bằng chứng cần có | Phụ trách |", "|---|---|---|---|---|"]
    for r in c.requires:
        out.append(f"| `{r.id}` | {cell(r.label)} | {TYPE_WORDS[r.type]} | {cell(requirement_words(c, r))} | "
                   f"{cell(', '.join(r.owner))} |")
    cases = [k for k in loaded.cases.cases if k.criterion == c.id]
    if cases:
        file = f"rules/{loaded.folder.name}/{CASES_DIR}/{c.id}.yaml"
        out += ["", f"Ca kiểm thử (`{file}`, chạy: `cchc rules test {loaded.folder.name} -c {c.id}`):", "",
                "| Ca | Tình huống | Điểm | Tình trạng | Còn thiếu |", "|---|---|---:|---|---|"]
        for k in cases:
            out.append(f"| `{k.name}` | {cell(k.description)} | {points(k.expect.points)} | {k.expect.status} | "
                       f"{codes(k.expect.missing) or '—'} |")
    else:
        out += ["", f"Chưa có ca kiểm thử (cần `rules/{loaded.folder.name}/{CASES_DIR}/{c.id}.yaml`)."]
    return out


def predecessor(scheme: Scheme, others: Iterable[LoadedScheme]) -> LoadedScheme | None:
    """The same province's and kind of unit's scheme for the previous year, if there is one."""
    found = [o for o in others if o.scheme.province == scheme.province and o.scheme.unit_type == scheme.unit_type
             and o.scheme.year == scheme.year - 1]
    return max(found, key=lambda o: o.scheme.version) if found else None


def diff_page_name(old: Scheme, new: Scheme) -> str:
    return f"{old.id}-vs-{new.id}.md"


def render_all(folders: Iterable[Path]) -> dict[str, str]:
    """Every page for these schemes: file name (in docs/rules/) → Markdown."""
    from engine.authoring.rules_diff import diff_schemes, render_markdown

    wanted = [load(f) for f in folders]
    siblings: dict[Path, list[LoadedScheme]] = {}
    pages: dict[str, str] = {}
    for loaded in wanted:
        parent = loaded.folder.resolve().parent
        if parent not in siblings:
            siblings[parent] = [w for w in wanted if w.folder.resolve().parent == parent]
            known = {w.folder.resolve() for w in siblings[parent]}
            siblings[parent] += [load(p) for p in sorted(parent.iterdir())
                                 if (p / "scheme.yaml").is_file() and p.resolve() not in known]
        before = predecessor(loaded.scheme, siblings[parent])
        diff_name = None
        if before is not None:
            diff_name = diff_page_name(before.scheme, loaded.scheme)
            diff = diff_schemes(before.scheme, loaded.scheme, old_units=before.units, new_units=loaded.units)
            pages[diff_name] = (GENERATED.format(id=f"{before.folder.name}/ và rules/{loaded.folder.name}") + "\n\n"
                                + render_markdown(diff))
        pages[f"{loaded.scheme.id}.md"] = render_scheme(loaded, diff_page=diff_name)
    return pages


def default_docs_dir() -> Path:
    """docs/rules/ of the source tree the rules come from, else of the current folder."""
    root = rules_root().parent
    return root / "docs" / "rules" if (root / "pyproject.toml").is_file() else Path.cwd() / "docs" / "rules"

"""Read document references ("số, ký hiệu") such as ``62/KH-SNN-TCCB`` from evidence registers.

Nghị định 30/2020/NĐ-CP (công tác văn thư) fixes their shape: number, then the abbreviation of
the kind of document (Phụ lục III), the issuing body and the drafting division —
``62/KH-SNN-TCCB``. A công văn has no kind: ``3823/UBND-NCPC``. Legal-normative documents
carry their year: ``30/2022/TT-BNNPTNT``. People type these with spaces, "Số:" in front, ``QD``
for ``QĐ`` or en dashes; evidence is matched on the parsed parts, so all of those must read the
same, and anything else must be refused with a message a civil servant can act on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from evidence.dates import MAX_YEAR, MIN_YEAR
from evidence.problems import ValueFormatError
from evidence.text import clean, fold

__all__ = [
    "DOCUMENT_KINDS",
    "MESSAGES",
    "Reference",
    "ReferenceFormatError",
    "kind_from_name",
    "parse_reference",
]

# Abbreviations of kinds of administrative document, Nghị định 30/2020/NĐ-CP Phụ lục III, in its
# order and spelling ("QyĐ", "CTr", "TTr"); then công văn, which has no abbreviation in a reference
# ("CV" is this project's code for it), and the legal-normative kinds met in references.
DOCUMENT_KINDS: dict[str, str] = {
    "NQ": "Nghị quyết",
    "QĐ": "Quyết định",
    "CT": "Chỉ thị",
    "QC": "Quy chế",
    "QyĐ": "Quy định",
    "TC": "Thông cáo",
    "TB": "Thông báo",
    "HD": "Hướng dẫn",
    "CTr": "Chương trình",
    "KH": "Kế hoạch",
    "PA": "Phương án",
    "ĐA": "Đề án",
    "DA": "Dự án",
    "BC": "Báo cáo",
    "BB": "Biên bản",
    "TTr": "Tờ trình",
    "HĐ": "Hợp đồng",
    "CĐ": "Công điện",
    "BGN": "Bản ghi nhớ",
    "BTT": "Bản thỏa thuận",
    "GUQ": "Giấy ủy quyền",
    "GM": "Giấy mời",
    "GGT": "Giấy giới thiệu",
    "GNP": "Giấy nghỉ phép",
    "PG": "Phiếu gửi",
    "PC": "Phiếu chuyển",
    "PB": "Phiếu báo",
    "CV": "Công văn",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "NĐ": "Nghị định",
}

_EXAMPLES = "62/KH-SNN-TCCB, 3823/UBND-NCPC (công văn) hoặc 30/2022/TT-BNNPTNT"
MESSAGES: dict[str, str] = {
    "empty": "chưa ghi số, ký hiệu",
    "shape": "cần dạng " + _EXAMPLES,
    "missing_number": "thiếu số văn bản ở đầu; cần dạng " + _EXAMPLES,
    "year_range": f"năm {{year}} nằm ngoài khoảng {MIN_YEAR}–{MAX_YEAR}",
}
class ReferenceFormatError(ValueFormatError):
    """Text that is not a document reference."""

    messages = MESSAGES
    template = 'không đọc được số, ký hiệu "{value}": {reason}'


@dataclass(frozen=True)
class Reference:
    """A parsed reference. ``kind`` is a key of :data:`DOCUMENT_KINDS` ("CV" for a công văn), or
    None for a dated reference whose kind is not known (``25/2018/QH14``)."""

    raw: str
    number: str
    year: int | None
    kind: str | None
    issuer: str | None
    division: str | None

    @property
    def canonical(self) -> str:
        """The reference as it should be written: ``62/KH-SNN-TCCB``, ``3823/UBND-NCPC``."""
        head = self.number if self.year is None else f"{self.number}/{self.year}"
        kind = None if self.kind == "CV" else self.kind
        return head + "/" + "-".join(p for p in (kind, self.issuer, self.division) if p)


_CODES_BY_UPPER = {code.upper(): code for code in DOCUMENT_KINDS}
# Without diacritics "HĐ" and "HD", "ĐA" and "DA" collide: a bare D keeps its own meaning.
_CODES_BY_FOLD = {fold(code): code for code in reversed(DOCUMENT_KINDS)} | {"hd": "HD", "da": "DA"}
_CODES_BY_NAME = {fold(name): code for code, name in DOCUMENT_KINDS.items()}

_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"))
_SLASHES = str.maketrans(dict.fromkeys("\u2044\u2215\uff0f\\", "/"))
_PREFIX = re.compile(r"^s[oôố](?:\s*,?\s*k[yý]\s*hi[eệ]u)?\s*[:.]?\s*(?=[0-9])", re.IGNORECASE)
_SPACED_PUNCT = re.compile(r"\s*([/-])\s*")
_SEGMENT = r"(?:[^\W_]|&)+"
_LETTER_AHEAD = r"(?=[0-9&]*[^\W\d_])"  # the first part after the number is a kind or a body, not a number
_SHAPE = re.compile(
    rf"(?P<number>[0-9]{{1,7}})(?:/(?P<year>[0-9]{{4}}))?(?:/| )"
    rf"(?P<body>{_LETTER_AHEAD}{_SEGMENT}(?:-{_SEGMENT})*)"
)
_BODY_ONLY = re.compile(rf"/?{_SEGMENT}(?:-{_SEGMENT})+")


def _kind_code(text: str) -> str | None:
    return _CODES_BY_UPPER.get(text.upper()) or _CODES_BY_FOLD.get(fold(text))


def parse_reference(text: str) -> Reference:
    """``"Số: 62/KH-SNN-TCCB"`` → ``Reference(number="62", kind="KH", issuer="SNN", division="TCCB")``.

    Tolerates spaces around "/" and "-", a "Số"/"Số, ký hiệu" prefix, a space for the first
    slash, lowercase, ``QD``/``ND`` for ``QĐ``/``NĐ``, other dashes and NFD text. The kind comes
    back in its canonical spelling; issuer and division are upper-cased only if typed all in
    lowercase (so ``TTg`` stays). Raises :class:`ReferenceFormatError`.
    """
    shown = clean(text)
    if not shown:
        raise ReferenceFormatError(shown, "empty")
    normal = shown.translate(_DASHES).translate(_SLASHES)
    normal = _SPACED_PUNCT.sub(r"\1", _PREFIX.sub("", normal, count=1))
    match = _SHAPE.fullmatch(normal)
    if match is None:
        code = "missing_number" if _BODY_ONLY.fullmatch(normal) else "shape"
        raise ReferenceFormatError(shown, code)
    year = None if match["year"] is None else int(match["year"])
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        raise ReferenceFormatError(shown, "year_range", year=year)
    first, *rest = match["body"].split("-")
    kind = _kind_code(first)
    if kind is None:  # a công văn ("3823/UBND-NCPC"), or a dated reference of no known kind ("25/2018/QH14")
        rest = [first, *rest]
        kind = "CV" if year is None else None
    if rest and "-".join(rest).islower():
        rest = [part.upper() for part in rest]
    if year is not None:  # normative documents: everything after the kind names the issuer(s)
        issuer, division = "-".join(rest) or None, None
    else:
        issuer = rest[0] if rest else None
        division = "-".join(rest[1:]) or None
    return Reference(shown, match["number"], year, kind, issuer, division)


def kind_from_name(text: str) -> str | None:
    """The code of a kind of document from its name or code, as typed in a register's "Loại" column.

    ``"Kế hoạch"``, ``"bao cao"``, ``"QD"``, ``"kh"`` → ``"KH"``, ``"BC"``, ``"QĐ"``, ``"KH"``;
    ``"Công văn"`` → ``"CV"``; None when it names no known kind.
    """
    name = clean(text).strip(" .:;,")
    if not name:
        return None
    return _kind_code(name) or _CODES_BY_NAME.get(fold(name))


def describe_document(kind: str | None, tags: Sequence[str], issuer: str | None, period: str | None,
                      code: Callable[[str], str] = str) -> str:
    """What a requirement wants, in words: "Báo cáo (BC), nhãn thpl, cơ quan ban hành SNN, kỳ 2023".

    `code` formats identifiers (tags), e.g. in backticks for Markdown."""
    parts = [f"{DOCUMENT_KINDS.get(kind, kind)} ({kind})" if kind else "văn bản"]
    if tags:
        parts.append("nhãn " + ", ".join(code(t) for t in tags))
    if issuer:
        parts.append(f"cơ quan ban hành {issuer}")
    if period:
        parts.append(f"kỳ {period}")
    return ", ".join(parts)

"""Hypothesis strategies for evidence shaped like real registers.

Documents are drawn around the seed scheme's document requirements: some match a
requirement exactly, some differ in one field, some are early, late or undated,
some name the requirement they answer. That is where matching can go wrong.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from engine.scheme import DocumentRequirement, Scheme
from evidence.references import parse_reference
from evidence.register import Document

KINDS = ["BC", "KH", "QĐ", "TB", "BB", "TTr"]
ISSUERS = ["SNN", "UBND"]


@st.composite
def documents(draw: st.DrawFn, scheme: Scheme, units: list[str]) -> Document:
    pairs = [(c.id, r) for c in scheme.criteria() for r in c.requires if isinstance(r, DocumentRequirement)]
    crit_id, req = draw(st.sampled_from(pairs))
    m = req.match
    kind = m.kind if m.kind and draw(st.booleans()) else draw(st.sampled_from(KINDS))
    issuer = m.issuer if m.issuer and draw(st.booleans()) else draw(st.sampled_from(ISSUERS))
    tags = set(m.tags) if draw(st.booleans()) else set(draw(st.lists(st.sampled_from(m.tags or ["x"]), max_size=2)))
    tags |= set(draw(st.lists(st.sampled_from(["can-cu", "papi", "thpl", "khac"]), max_size=2)))
    anchor = req.due or date(2023, 11, 1)
    issued = draw(st.one_of(st.none(), st.integers(-90, 90).map(lambda d: anchor + timedelta(days=d))))
    period = str(issued.year) if issued else None
    number = draw(st.integers(1, 9999))
    linked = draw(st.booleans())
    return Document(
        source="documents.csv", row=draw(st.integers(2, 10_000)),
        reference=parse_reference(f"{number}/{kind}-{issuer}"), issued=issued, sent=None, kind=kind,
        subject="tài liệu sinh tự động", unit=draw(st.sampled_from(units)), tags=tuple(sorted(tags)),
        criterion=crit_id if linked else None, requirement=req.id if linked else None, file=None,
        period=period, note="",
    )

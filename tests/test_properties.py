"""Properties every assessment must keep, on generated registers over the seed case, and every scoring method
on generated specs and outcomes.

- every criterion's points stay within [0, max], and its status tells the same story as its points;
- adding a document never lowers any criterion's points;
- the order of the register does not matter;
- durable-rules and the plain matcher reach the same assessment;
- `engine.scoring.score`, for every method (sums of parts included), floors below 0 or above the maximum,
  entered points outside [0, max] and ratios above 1: stays in [0, max], never drops when an outcome gets
  better, and does not depend on the order requirements or parts are listed in.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.assess import Assessor
from engine.outcomes import Outcome
from engine.scheme import Score, ScoreBand
from engine.scoring import score
from tests.conftest import EXPECTED_MATCHER
from tests.strategies import documents

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def setup(seed):
    scheme, evidence = seed
    return scheme, evidence, Assessor(scheme, prefer="durable"), Assessor(scheme, prefer="python")


def _points(assessment) -> dict[str, object]:
    return {c.id: (c.points, c.status, tuple((m.label, m.points_at_stake) for m in c.missing))
            for c in assessment.criteria}


@st.composite
def registers(draw, setup_tuple):
    scheme, evidence, *_ = setup_tuple
    extra = draw(st.lists(documents(scheme, sorted(evidence.units)), max_size=12))
    return list(evidence.documents) + extra


@given(data=st.data())
@SETTINGS
def test_points_stay_within_bounds(setup, data) -> None:
    _, evidence, durable, _ = setup
    docs = data.draw(registers(setup))
    result = durable.assess(replace(evidence, documents=docs))
    for c in result.criteria:
        assert 0 <= c.points <= c.max
        assert c.points <= c.reachable <= c.max
        assert all(m.points_at_stake >= 0 for m in c.missing)
        _status_agrees_with_points(c)
    assert 0 <= result.total <= result.max


@given(data=st.data())
@SETTINGS
def test_more_evidence_never_lowers_a_score(setup, data) -> None:
    scheme, evidence, durable, _ = setup
    base = data.draw(registers(setup))
    more = data.draw(st.lists(documents(scheme, sorted(evidence.units)), min_size=1, max_size=4))
    before = durable.assess(replace(evidence, documents=base))
    after = durable.assess(replace(evidence, documents=base + more))
    for b, a in zip(before.criteria, after.criteria, strict=True):
        assert a.points >= b.points, b.id


@given(data=st.data())
@SETTINGS
def test_register_order_does_not_matter(setup, data) -> None:
    _, evidence, durable, _ = setup
    docs = data.draw(registers(setup))
    shuffled = data.draw(st.permutations(docs))
    a = durable.assess(replace(evidence, documents=docs))
    b = durable.assess(replace(evidence, documents=list(shuffled)))
    assert _points(a) == _points(b)


@given(data=st.data())
@SETTINGS
def test_durable_and_plain_matchers_agree(setup, data) -> None:
    _, evidence, durable, plain = setup
    docs = data.draw(registers(setup))
    a = durable.assess(replace(evidence, documents=docs))
    b = plain.assess(replace(evidence, documents=docs))
    assert a.matcher == EXPECTED_MATCHER and b.matcher == "python"
    assert _points(a) == _points(b)
    assert [c.trace for c in a.criteria] == [c.trace for c in b.criteria]


def _status_agrees_with_points(c) -> None:
    """"đạt" is full points, "một phần" some, "không đạt"/"thiếu" none: a status never contradicts the points."""
    if c.status in ("entered", "not_applicable"):
        return
    assert (c.status == "met") == (c.points == c.max), (c.id, c.status, c.points)
    if c.status == "partial":
        assert 0 < c.points < c.max, c.id
    if c.status in ("failed", "missing"):
        assert c.points == 0, c.id


# ---- every scoring method, on generated specs and outcomes ------------------------------------------------

REQS = ["a", "b", "c"]
amounts = st.decimals(min_value=-3, max_value=8, places=2)
caps = st.decimals(min_value="0.25", max_value=6, places=2)
ratios = st.one_of(st.none(), st.decimals(min_value=0, max_value=2, places=4))  # above 1: a reader's mistake


@st.composite
def outcomes(draw: st.DrawFn, rid: str) -> Outcome:
    state = draw(st.sampled_from(["met", "failed", "missing", "not_due", "entered"]))
    value = draw(st.one_of(st.none(), amounts)) if state == "entered" else None
    return Outcome(rid, state, draw(ratios), draw(st.decimals(min_value=0, max_value=1, places=2)),
                   good=draw(st.integers(0, 12)), bad=draw(st.integers(0, 12)), value=value)


def _leaf(draw: st.DrawFn, cap: Decimal | None) -> Score:
    method = draw(st.sampled_from(["all_or_nothing", "proportional", "bands", "per_item", "deduction", "entered"]))
    single = method in ("bands", "entered")
    requires = [draw(st.sampled_from(REQS))] if single else draw(st.lists(st.sampled_from(REQS), min_size=1,
                                                                          max_size=3, unique=True))
    bands = draw(st.lists(st.builds(ScoreBand, min=st.decimals(min_value=0, max_value="1.2", places=2),
                                    points=amounts), min_size=1, max_size=4)) if method == "bands" else []
    return Score(method=method, max=cap, requires=requires, bands=bands,
                 per_item=draw(st.decimals(min_value=0, max_value=2, places=2)) if method == "per_item" else None,
                 per_violation=draw(st.decimals(min_value=0, max_value=2, places=2)) if method == "deduction" else None,
                 floor=draw(amounts) if method == "deduction" else Decimal(0))


@st.composite
def specs(draw: st.DrawFn) -> Score:
    if draw(st.booleans()):
        return _leaf(draw, None)
    parts = [_leaf(draw, draw(caps)) for _ in range(draw(st.integers(1, 3)))]
    return Score(method="sum", parts=parts)


@st.composite
def better(draw: st.DrawFn, o: Outcome) -> Outcome:
    """The same requirement with more evidence: a ratio at least as high, more items good, fewer bad, a state
    no worse, more points entered. Whether there is a ratio or an entered value does not change: "none" is
    not a lower number (it scores as missing in a mean, as met or not in all_or_nothing)."""
    ratio = o.ratio  # "no ratio" stays so: for `met` it is not a ratio of 0
    if ratio is not None:
        ratio += draw(st.decimals(min_value=0, max_value=1, places=4))
    state = o.state if o.state in ("met", "entered") or not draw(st.booleans()) else "met"
    value = None if o.value is None else o.value + draw(st.decimals(min_value=0, max_value=3, places=2))
    return replace(o, state=state, ratio=ratio, good=o.good + draw(st.integers(0, 5)),
                   bad=o.bad - draw(st.integers(0, o.bad)), value=value)


def _reordered(spec: Score, draw: st.DrawFn) -> Score:
    if spec.method == "sum":
        parts = draw(st.permutations([_reordered(p, draw) for p in spec.parts]))
        return spec.model_copy(update={"parts": list(parts)})
    return spec.model_copy(update={"requires": list(draw(st.permutations(spec.requires)))})


@given(specs(), caps, st.fixed_dictionaries({r: outcomes(r) for r in REQS}))
@settings(max_examples=300)
def test_every_method_stays_within_zero_and_its_maximum(spec: Score, cap: Decimal, got: dict[str, Outcome]) -> None:
    assert Decimal(0) <= score(spec, cap, got) <= cap
    for part in spec.parts:
        assert Decimal(0) <= score(part, part.max, got) <= part.max


@given(specs(), caps, st.fixed_dictionaries({r: outcomes(r) for r in REQS}), st.data())
@settings(max_examples=300)
def test_better_evidence_never_lowers_a_score(spec: Score, cap: Decimal, got: dict[str, Outcome], data) -> None:
    improved = {r: data.draw(better(o)) for r, o in got.items()}
    assert score(spec, cap, improved) >= score(spec, cap, got)


@given(specs(), caps, st.fixed_dictionaries({r: outcomes(r) for r in REQS}), st.data())
@settings(max_examples=200)
def test_the_order_of_requirements_and_parts_does_not_matter(spec: Score, cap: Decimal, got: dict[str, Outcome],
                                                              data) -> None:
    assert score(_reordered(spec, data.draw), cap, got) == score(spec, cap, got)

"""Properties every assessment must keep, on generated registers over the seed case.

- every criterion's points stay within [0, max];
- adding a document never lowers any criterion's points;
- the order of the register does not matter;
- durable-rules and the plain matcher reach the same assessment.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.assess import Assessor
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

"""Matchers: durable-rules against the plain-Python reference, and one test per
durable-rules defect the adapter defends against (shared/notes/durable-rules.md)."""

from __future__ import annotations

import random
import subprocess
import sys
import threading
import unicodedata
import warnings
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import matching
from engine.matching import (
    MatcherError,
    MatchResult,
    Pattern,
    PatternError,
    PythonMatcher,
    make_matcher,
)
from engine.matching import Test as T  # aliased: pytest would try to collect a class named Test
from engine.matching import durable_matcher as dm

DurableMatcher = dm.DurableMatcher

try:
    dm.load_durable()
    HAVE_DURABLE = True
except (ImportError, OSError):  # Python 3.13: durable-rules 2.0.28 does not import
    HAVE_DURABLE = False
needs_durable = pytest.mark.skipif(not HAVE_DURABLE, reason="durable-rules does not import on this Python")

# ---- generators ------------------------------------------------------------------------

TEXT_FIELDS = ["kind", "issuer", "period", "criterion", "requirement"]
DATE_FIELDS = ["issued", "sent"]
CORE_TEXTS = ["báo cáo", "kế hoạch", "Sở Nội vụ", "Sở"]  # "Sở" is a prefix of "Sở Nội vụ"
ODD_TEXTS = ["Chi cục Phát triển nông thôn", "quyết định", "2024", "", 'a"b\\c\n', "$s", "x.y"]
INTS = [0, 1, 2024, -3]
TAGS = ["PAPI", "SIPAS", "công khai", "đúng hạn"]
DATES = [20230101, 20231231, 20240115, 20240229, 20240630, 20241231]


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# Repetition weights the draws so that tests pass often enough to be informative.
PATTERN_TEXTS = CORE_TEXTS * 3 + ODD_TEXTS
FACT_SCALARS: list[Any] = (
    CORE_TEXTS * 4 + [nfd(t) for t in CORE_TEXTS] * 2 + ODD_TEXTS + INTS + [True, False, None, 20240115]
)
FACT_DATES: list[Any] = DATES * 3 + [20230615, 20250101, "20240115", True, None]
FACT_TAGS = TAGS * 3 + [nfd(t) for t in TAGS] + ["x", ""]

test_st = st.one_of(
    st.builds(T, st.sampled_from(TEXT_FIELDS), st.just("eq"), st.sampled_from(PATTERN_TEXTS)),
    st.builds(T, st.sampled_from(TEXT_FIELDS + DATE_FIELDS), st.just("eq"), st.sampled_from(INTS + DATES)),
    st.builds(T, st.just("tags"), st.just("has"), st.sampled_from(TAGS)),
    st.builds(T, st.sampled_from(DATE_FIELDS), st.sampled_from(["lte", "gte"]), st.sampled_from(DATES)),
)
branch_st = st.lists(test_st, min_size=1, max_size=3).map(tuple)
patterns_st = st.lists(st.lists(branch_st, min_size=1, max_size=3).map(tuple), min_size=1, max_size=6).map(
    lambda bs: [Pattern(f"r{i}", b) for i, b in enumerate(bs)]
)
fact_st = st.fixed_dictionaries(
    {},
    optional={
        **{f: st.sampled_from(FACT_SCALARS) for f in TEXT_FIELDS},
        **{f: st.sampled_from(FACT_DATES) for f in DATE_FIELDS},
        "tags": st.one_of(st.lists(st.sampled_from(FACT_TAGS), max_size=3).map(tuple), st.sampled_from(FACT_SCALARS)),
        "note": st.sampled_from(FACT_SCALARS),  # a field no pattern tests
    },
)
# Hypothesis favours short lists; draw the length first so that long ones are common too.
facts_st = st.integers(0, 60).flatmap(lambda n: st.lists(fact_st, min_size=n, max_size=n))

FAST = settings(max_examples=300, deadline=None, derandomize=True, database=None)


def both(patterns: list[Pattern], facts: list[dict[str, Any]]) -> tuple[MatchResult, MatchResult]:
    return DurableMatcher(patterns).match(facts), PythonMatcher(patterns).match(facts)


# ---- differential ------------------------------------------------------------------------


@needs_durable
@FAST
@given(patterns=patterns_st, facts=facts_st)
def test_durable_equals_python(patterns: list[Pattern], facts: list[dict[str, Any]]) -> None:
    durable, python = both(patterns, facts)
    assert durable == python


@needs_durable
@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(patterns=patterns_st, facts=facts_st)
def test_durable_equals_python_across_partitions(patterns: list[Pattern], facts: list[dict[str, Any]]) -> None:
    # Partitions of 7 facts: merging (and "absent in every partition") is exercised on small inputs.
    with mock.patch.object(dm, "PARTITION_SIZE", 7):
        durable = DurableMatcher(patterns).match(facts)
    assert durable == PythonMatcher(patterns).match(facts)


# ---- one test per defended defect ----------------------------------------------------------

ORDER_PATTERNS = [
    Pattern("papi", ((T("kind", "eq", "báo cáo"), T("requirement", "eq", "PAPI")),)),
    Pattern("sipas", ((T("kind", "eq", "báo cáo"), T("requirement", "eq", "SIPAS")),)),
]


@needs_durable
def test_absence_does_not_depend_on_fact_order() -> None:
    """notes §1: a `$not` rule fires before a later fact of the same batch arrives."""
    matcher = DurableMatcher(ORDER_PATTERNS)
    other = {"kind": "kế hoạch", "requirement": "PAPI"}
    papi = {"kind": "báo cáo", "requirement": "PAPI"}
    first, last = matcher.match([papi, other]), matcher.match([other, papi])
    assert first.absent == last.absent == frozenset({"sipas"})
    assert first.matched["papi"] == (0,) and last.matched["papi"] == (1,)


def make_facts(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [
        {
            "kind": rng.choice(CORE_TEXTS[:3]),
            "issuer": rng.choice(CORE_TEXTS[1:] + ODD_TEXTS[:2]),
            "tags": tuple(rng.sample(TAGS, rng.randint(0, 3))),
            "issued": rng.choice(DATES),
            "serial": i,  # every fact distinct
        }
        for i in range(n)
    ]


# Facts for the partition test: the partition is shrunk to PARTITION so the path that runs beyond
# 10,000 facts runs here on a few hundred (20,000 facts: benchmarks/bench_matching.py -n 20000).
MANY, PARTITION = 500, 200
MANY_PATTERNS = [
    Pattern("report", ((T("kind", "eq", "báo cáo"),),)),
    Pattern("early", ((T("issued", "lte", 20231231), T("tags", "has", "PAPI")),)),
    Pattern("or", ((T("issuer", "eq", "Sở"),), (T("tags", "has", "đúng hạn"),))),
    Pattern("first", ((T("serial", "eq", 0),),)),
    Pattern("last_only", ((T("serial", "eq", MANY - 1),),)),  # lives in the last partition
    Pattern("never", ((T("kind", "eq", "không có"),),)),
]


@needs_durable
def test_many_facts_none_lost_across_partitions(monkeypatch: pytest.MonkeyPatch) -> None:
    """notes §4/§5.1: more facts than one partition span several sids (here 3); no fact is lost, absence
    merges correctly."""
    monkeypatch.setattr(dm, "PARTITION_SIZE", PARTITION)
    facts = make_facts(MANY)
    durable, python = both(MANY_PATTERNS, facts)
    assert durable == python
    assert durable.matched["first"] == (0,)
    assert durable.matched["last_only"] == (MANY - 1,) and "last_only" not in durable.absent
    assert durable.absent == frozenset({"never"})


@needs_durable
def test_id_hash_collision_is_retried_under_salted_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """notes §5.1: durable compares only a 32-bit hash of ids; "40189" and "797186" collide."""
    monkeypatch.setattr(dm, "_local_id", lambda n: {0: "40189", 1: "797186"}.get(n, str(n)))
    retried = []
    original = DurableMatcher._reassert_refused

    def spy(self: DurableMatcher, *args: Any) -> None:
        retried.append(True)
        original(self, *args)

    monkeypatch.setattr(DurableMatcher, "_reassert_refused", spy)
    facts = make_facts(5)
    durable, python = both(MANY_PATTERNS, facts)
    assert retried and durable == python


@needs_durable
def test_nfd_and_nfc_inputs_match_the_same() -> None:
    """notes §3: durable compares UTF-8 bytes, so NFD "ộ" would not equal NFC "ộ"."""
    patterns = [Pattern("p", ((T("issuer", "eq", "Sở Nội vụ"), T("tags", "has", "công khai")),))]
    nfc = {"issuer": "Sở Nội vụ", "tags": ("công khai",)}
    nfd = {k: unicodedata.normalize("NFD", v) if isinstance(v, str) else v for k, v in nfc.items()}
    nfd["tags"] = tuple(unicodedata.normalize("NFD", t) for t in nfc["tags"])
    assert nfd != nfc
    matcher = DurableMatcher(patterns)
    assert matcher.match([nfc]).matched == matcher.match([nfd]).matched == {"p": (0,)}
    nfd_pattern = [Pattern("p", ((T("issuer", "eq", unicodedata.normalize("NFD", "Sở Nội vụ")),),))]
    assert DurableMatcher(nfd_pattern).match([nfc]).matched == {"p": (0,)}


@needs_durable
def test_types_are_compared_strictly() -> None:
    """notes §3: durable coerces "2024" == 2024, true == 1 and compares "10" < 9 as text."""
    patterns = [
        Pattern("int", ((T("period", "eq", 2024),),)),
        Pattern("str", ((T("period", "eq", "2024"),),)),
        Pattern("one", ((T("period", "eq", 1),),)),
        Pattern("before", ((T("issued", "lte", 20240101),),)),
    ]
    facts = [{"period": 2024}, {"period": "2024"}, {"period": True}, {"period": 1}, {"issued": "20230101"}]
    durable, python = both(patterns, facts)
    assert durable == python
    assert durable.matched == {"int": (0,), "str": (1,), "one": (3,), "before": ()}


@needs_durable
@pytest.mark.parametrize(
    "value",
    [1e-05, float("inf"), float("nan"), 0.5, 2**64, -(2**63) - 1, "x" * 70_000, "ộ" * 30_000, "\ud800", [1]],
    ids=[
        "1e-05",
        "inf",
        "nan",
        "float",
        "2**64",
        "below-int64",
        "70k-ascii",
        "90k-utf8",
        "surrogate",
        "list",
    ],
)
def test_unrepresentable_values_raise_and_matcher_survives(value: Any) -> None:
    """notes §3: exponent floats and inf fail to parse, 2**64 overflows, long strings compare wrongly."""
    matcher = DurableMatcher(MANY_PATTERNS)
    with pytest.raises(MatcherError) as err:
        matcher.match([{"kind": "báo cáo"}, {"kind": value}])
    assert "fact 1" in str(err.value) and len(str(err.value)) < 120  # short, no fact data
    assert matcher.match(make_facts(30)) == PythonMatcher(MANY_PATTERNS).match(make_facts(30))


@needs_durable
def test_limits_that_still_pass() -> None:
    facts = [{"kind": "x" * 65_535}, {"serial": 2**63 - 1}, {"serial": -(2**63)}, {"kind": "báo cáo"}]
    durable, python = both(MANY_PATTERNS, facts)
    assert durable == python


@needs_durable
def test_no_patterns_never_reach_delete_state() -> None:
    """durable's delete_state frees pointers it only sets when an action runs: on a sid in
    which no action ran it segfaults or aborts (found here; 3.12 crashed every time)."""
    matcher = DurableMatcher([])
    for _ in range(200):
        assert matcher.match(make_facts(5)) == PythonMatcher([]).match(make_facts(5)) == MatchResult(matched={})


@needs_durable
@pytest.mark.parametrize("key", ["id", "sid", "$s", "go"])
def test_reserved_key_in_a_fact_raises(key: str) -> None:
    matcher = DurableMatcher(MANY_PATTERNS)
    with pytest.raises(MatcherError, match="reserved"):
        matcher.match([{"kind": "báo cáo", key: "1"}])


@needs_durable
def test_too_many_properties_raise() -> None:
    """notes §3: durable fails a fact with more than 252 properties."""
    with pytest.raises(MatcherError, match="at most 240"):
        DurableMatcher(MANY_PATTERNS).match([{f"f{i}": i for i in range(241)}])


@needs_durable
def test_repeated_calls_do_not_leak_state() -> None:
    """notes §2: one sid per call, deleted afterwards. More than 1,024 live sids would raise
    MemoryError, and a leftover sid would mix its facts into the next evaluation."""
    matcher = DurableMatcher(MANY_PATTERNS)
    facts = make_facts(200)
    expected = PythonMatcher(MANY_PATTERNS).match(facts)
    empty = PythonMatcher(MANY_PATTERNS).match([])
    for _ in range(50):
        assert matcher.match(facts) == expected
        assert matcher.match([]) == empty
    small = [{"kind": "báo cáo"}]
    for _ in range(1_100):
        result = matcher.match(small)
    assert result.matched["report"] == (0,)


@needs_durable
def test_swallowed_action_exception_raises_and_matcher_recovers(monkeypatch: pytest.MonkeyPatch) -> None:
    """notes §2: durable catches exceptions in actions and only records them in the state."""

    class Exploding(list):
        def append(self, item: Any) -> None:
            raise RuntimeError("boom")

    class BadSink(dm._Sink):
        def __init__(self) -> None:
            super().__init__()
            self.hits = Exploding()

    matcher = DurableMatcher(MANY_PATTERNS)
    facts = make_facts(40)
    dirty = matcher._ruleset
    monkeypatch.setattr(dm, "_Sink", BadSink)
    with pytest.raises(MatcherError, match="an action raised"):
        matcher.match(facts)
    monkeypatch.undo()
    assert matcher._ruleset is not dirty  # never delete_state a failed session: rebuild the host
    assert matcher.match(facts) == PythonMatcher(MANY_PATTERNS).match(facts)


@needs_durable
def test_ten_second_action_cutoff_is_detected(monkeypatch: pytest.MonkeyPatch) -> None:
    """notes §2: after 10 s of wall clock durable silently drops the rest of the action chain."""
    engine = dm.load_durable()[0]
    clock = iter(range(0, 10**9, 11))
    matcher = DurableMatcher(MANY_PATTERNS)
    facts = make_facts(40)
    monkeypatch.setattr(engine, "_unix_now", lambda: float(next(clock)))
    with pytest.raises(MatcherError, match="cut off"):
        matcher.match(facts)
    monkeypatch.undo()
    assert matcher.match(facts) == PythonMatcher(MANY_PATTERNS).match(facts)


@needs_durable
def test_no_background_threads() -> None:
    """notes §2: the default Host starts Timer threads that run pending actions on their own."""
    before = threading.active_count()
    DurableMatcher(MANY_PATTERNS).match(make_facts(10))
    assert threading.active_count() == before


@needs_durable
def test_threads_share_one_matcher() -> None:
    matcher = DurableMatcher(MANY_PATTERNS)
    facts = make_facts(300)
    expected = PythonMatcher(MANY_PATTERNS).match(facts)
    results: list[MatchResult] = []
    workers = [
        threading.Thread(target=lambda: results.extend(matcher.match(facts) for _ in range(5))) for _ in range(4)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert results == [expected] * 20


@needs_durable
def test_patterns_are_not_mutated_and_matchers_rebuild() -> None:
    """notes §2: registering deletes `run` from the caller's dict; the adapter registers copies."""
    first, second = DurableMatcher(MANY_PATTERNS), DurableMatcher(MANY_PATTERNS)
    first._ruleset = first._build()  # what a failure does: register the same definition again
    facts = make_facts(50)
    assert first.match(facts) == second.match(facts) == PythonMatcher(MANY_PATTERNS).match(facts)


@needs_durable
def test_deprecation_filter_installed() -> None:
    """notes §5.4: on 3.12 every action warns; under -W error that would abort it."""
    dm.load_durable()
    assert any(
        action == "ignore" and category is DeprecationWarning and module and module.pattern == "durable.engine"
        for action, _, category, module, _ in warnings.filters
    )


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"all": [{"m": {"$nex": {"f0": 1}}}]}, "positive"),
        ({"all": [{"m": {"$and": [{"$nex": {"f0": 1}}, {"$nex": {"f1": 1}}]}}]}, "positive"),
        ({"all": [{"m": {"$or": [{"$nex": {"f0": 1}}, {"f1": "y"}]}}]}, "positive"),
        ({"all": [{"m": {"f0": 0.5}}]}, "float"),
        ({"all": [{"m": {"f0": ["a", "b"]}}]}, "list"),
        ({"all": [{"m": {"f0": True}}]}, "bool"),
        ({"all": [{f"m{i}": {"f0": i}} for i in range(17)]}, "patterns"),
        ({"all": [{"m": {"$mt": {"f0": "a.*"}}}]}, "not supported"),
        ({"all": [{"m": {"$ex": {"id": 1}}}]}, "session state"),  # loops forever on the state
        ({"all": [{"m": {"sid": "s1"}}]}, "session state"),
    ],
)
def test_unsafe_compiled_rules_are_rejected(rule: dict[str, Any], message: str) -> None:
    """notes §5.2 ($nex-only hangs), §3 (float and list literals), §5.6 (16 patterns per rule),
    and rules the re-asserted session state can satisfy (endless loop, found here)."""
    with pytest.raises(PatternError, match=message):
        dm._check_rule("r", rule)
    # A positive test next to $nex is safe.
    dm._check_rule("r", {"all": [{"m": {"$and": [{"f1": "x"}, {"$nex": {"f0": 1}}]}}]})


@pytest.mark.parametrize(
    "test",
    [T("kind", "eq", 0.5), T("serial", "eq", 2**64), T("kind", "eq", "x" * 65_536)],  # type: ignore[arg-type]
    ids=["float", "big-int", "long-string"],
)
def test_unsafe_patterns_are_rejected_at_construction(test: T) -> None:
    with pytest.raises(PatternError):
        DurableMatcher([Pattern("p", ((test,),))])


# ---- package API ---------------------------------------------------------------------------


def test_package_imports_and_falls_back_without_durable() -> None:
    """notes §5.4: durable-rules 2.0.28 does not import on Python 3.13. Blocking the import
    simulates that: `engine.matching` must not import durable, and make_matcher falls back."""
    code = (
        "import sys, warnings\n"
        "sys.modules['durable'] = sys.modules['durable_rules_engine'] = None\n"
        "from engine.matching import Pattern, Test, make_matcher\n"
        "with warnings.catch_warnings(record=True) as seen:\n"
        "    warnings.simplefilter('always')\n"
        "    p = [Pattern('p', ((Test('kind', 'eq', 'a'),),))]\n"
        "    names = [make_matcher(p).name for _ in range(3)]\n"
        "assert names == ['python'] * 3, names\n"
        "assert len(seen) == 1 and 'durable-rules' in str(seen[0].message), seen\n"
    )
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]


def test_make_matcher_prefer_python() -> None:
    assert make_matcher(MANY_PATTERNS, prefer="python").name == "python"
    assert isinstance(make_matcher(MANY_PATTERNS, prefer="python"), PythonMatcher)
    with pytest.raises(ValueError):
        make_matcher(MANY_PATTERNS, prefer="drools")


@needs_durable
def test_make_matcher_picks_durable() -> None:
    matcher = make_matcher(MANY_PATTERNS)
    assert isinstance(matcher, DurableMatcher) and matcher.name == "durable-rules"


def test_make_matcher_falls_back_once_when_durable_does_not_import(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> None:
        raise ImportError("durable_rules_engine.so: undefined symbol: PyEval_CallObject")

    monkeypatch.setattr(dm, "load_durable", broken)
    monkeypatch.setattr(matching, "_warned", False)
    with pytest.warns(RuntimeWarning, match="durable-rules không dùng được"):
        first = make_matcher(MANY_PATTERNS)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        second = make_matcher(MANY_PATTERNS)
    assert first.name == second.name == "python"


def test_invalid_patterns_raise_pattern_error_in_both() -> None:
    bad = [Pattern("p", ((T("issued", "lte", "2024"),),))]
    for cls in (DurableMatcher, PythonMatcher):
        with pytest.raises(PatternError):
            cls(bad)

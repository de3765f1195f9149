"""durable-rules (2.0.28) implementation of the matching contract.

This is the only module in cchc that imports `durable`, and it does so lazily
(`load_durable`), so that it and `engine.matching` still import on Python 3.13, where
durable-rules 2.0.28 fails with "undefined symbol: PyEval_CallObject".

durable-rules has many sharp edges; each defence below cites the study in
shared/notes/durable-rules.md as "notes §n".

Layout of the compiled ruleset (built and registered once per matcher):

* fact keys: every (field, value type) the patterns test becomes a short key `f<n>`.
  Facts are projected onto those keys, so the engine never sees a value of a type the test
  was not written for: durable silently coerces `true == 1`, `"10" < 9`, `1 == 1.0`
  (notes §3), while the contract compares types strictly (`patterns.passes`).
* rule `h<i>`: pattern i matches fact `m` (branches are `$or` of `$and`).
* rule `a<i>`: the sentinel fact is present and no fact matches pattern i (`$not`).
  The sentinel is asserted after every other fact of the session, because durable fires
  a `$not` rule as soon as its positive part matches (order-dependent absence, notes §1).
* rule `keep`: accepts every fact (they all carry `"k": 1`) and never fires. It makes
  every fact "handled", so a batch's return code can only be OBSERVED when a fact was
  refused: the C batch loop reports just the last non-OK code (events.c
  `handleMessages`), and NOT_HANDLED would otherwise hide a fact lost to an id-hash
  collision (notes §5.1). It does not use `{"$ex": {"id": 1}}`: that also matches the
  session state, which durable re-asserts after every action, and a rule that fires on
  it loops forever (found while writing this module).

Two more findings of our own, beyond the notes:

* `delete_state` frees two pointers that durable only initialises when an action starts
  (state.c `deleteStateNode`, `context.messages` and `context.stateFact`), so deleting a
  sid in which no action ever ran can segfault or abort, depending on the heap. Every
  session here runs at least one action (each pattern either hits or is absent), and
  that is checked before `delete_state`; zero patterns never reach the engine.
* States are looked up by a 32-bit hash of the sid, so two live sids could collide.
  Only one sid per host is ever live here (sessions run under a lock and are deleted).
"""

from __future__ import annotations

import copy
import itertools
import json
import threading
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from .patterns import RESERVED_FIELDS, Fact, MatchResult, Pattern, PatternError, Test, validate_patterns
from .python_matcher import nfc, nfc_pattern


class MatcherError(RuntimeError):
    """A matcher could not evaluate the facts: a fact it cannot represent faithfully,
    or an engine failure. The message is short and never contains fact data."""


RULESET_NAME = "cchc_matching"
PARTITION_SIZE = 10_000  # the C core is superlinear in facts per sid (notes §4)
MAX_PATTERNS_PER_RULE = 15  # durable allows 16 per rule; one is the sentinel (notes §5.6)
MAX_FACT_PROPERTIES = 240  # durable allows 252 incl. the id/sid it adds (notes §3)
MAX_STRING_BYTES = 65_535  # longer strings compare on a 16-bit length (notes §3)
MAX_LIST_BYTES = 16_000_000  # MAX_OBJECT_PROPERTY_SIZE is 16 MiB (state.h)
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1  # larger ints overflow silently (notes §3)
MAX_SALT = 8  # salted re-assertions of one fact after a false "already observed"
MAX_PATTERNS = 2_047  # two rules per pattern plus `keep`; durable allows 4,096 rules (rete.c)

_OK, _OBSERVED = 0, 2  # return codes of the raw assert calls (rules.h)
_SENTINEL_KEY = "go"  # a reserved field: no projected fact carries it
_SENTINEL_ID = "go"  # its FNV-1a-32 differs from those of "0".."9999"
_KEEP_KEY = "k"  # carried by every fact message; engine keys are "f<n>"
_MATCH, _ABSENT_MATCH = "m", "m$not"
_STATE_KEYS = frozenset({"id", "sid", "$s"})  # properties of the session state object

_loaded: tuple[ModuleType, ModuleType, type] | None = None


def load_durable() -> tuple[ModuleType, ModuleType, type]:
    """Import durable-rules: (durable.engine, durable_rules_engine, host class).

    Raises ImportError or OSError where it cannot load (Python 3.13: undefined symbol).
    """
    global _loaded
    # 3.12: every action warns (utcfromtimestamp); under -W error the action fails (notes §5.4).
    # Installed on every call (idempotent): test runners reset the filters between tests.
    warnings.filterwarnings("ignore", category=DeprecationWarning, module="durable.engine")
    if _loaded is None:
        import durable_rules_engine
        from durable import engine

        class QuietHost(engine.Host):  # type: ignore[misc,name-defined]
            def _run(self) -> None:
                # No Timer threads: they would run pending actions behind our back (notes §2).
                pass

        _loaded = (engine, durable_rules_engine, QuietHost)
    return _loaded


class _EngineFailure(Exception):
    """Internal: the session can no longer be trusted; the host is rebuilt.
    Its message is one of our own short reasons, never durable's text."""


@dataclass
class _Sink:
    """What the actions of one session report."""

    hits: list[tuple[int, str]] = field(default_factory=list)  # (pattern index, fact id)
    absent: list[int] = field(default_factory=list)  # pattern indexes
    strays: int = 0  # firings of the `keep` rule, which must never fire


def _local_id(position: int) -> str:
    # Decimal strings "0".."797185" have distinct FNV-1a-32 hashes (first clash 40189/797186),
    # and a session holds at most PARTITION_SIZE facts, so ids never collide (notes §5.1).
    return str(position)


class DurableMatcher:
    """`Matcher` backed by durable-rules; same results as `PythonMatcher`."""

    name = "durable-rules"

    def __init__(self, patterns: Sequence[Pattern]) -> None:
        validate_patterns(patterns)
        if len(patterns) > MAX_PATTERNS:
            raise PatternError(f"{len(patterns)} patterns; durable-rules takes at most {MAX_PATTERNS}")
        self._patterns = tuple(nfc_pattern(p) for p in patterns)
        validate_patterns(self._patterns)
        self._keys: dict[tuple[str, str], str] = {}
        self._clean_names: set[str] = set()  # field names seen in facts, valid and NFC
        self._definition = self._compile()
        self._sink = _Sink()
        self._lock = threading.Lock()
        self._sessions = itertools.count()
        _, self._dre, self._host_class = load_durable()
        try:
            self._ruleset = self._build()
        except Exception as exc:  # durable's text is not ours to echo (see _run_session)
            raise MatcherError(f"durable-rules could not register the patterns ({type(exc).__name__})") from None

    # ---- compilation -------------------------------------------------------------------

    def _key(self, field_name: str, tag: str) -> str:
        return self._keys.setdefault((field_name, tag), f"f{len(self._keys)}")

    def _test_expr(self, rule_id: str, t: Test) -> dict[str, Any]:
        value = t.value
        if t.op == "eq":
            if type(value) is bool:
                return {self._key(t.field, "b"): int(value)}
            if type(value) is int:
                return {self._key(t.field, "i"): value}
            if isinstance(value, str):
                return {self._key(t.field, "s"): value}
            raise PatternError(f"rule {rule_id!r}: eq needs a str or an int")
        if t.op == "has":
            return {"$iany": {self._key(t.field, "t"): {"$i": value}}}
        if t.op in ("lte", "gte"):
            return {"$" + t.op: {self._key(t.field, "i"): value}}
        raise PatternError(f"rule {rule_id!r}: unknown operator {t.op!r}")

    def _pattern_expr(self, pattern: Pattern) -> dict[str, Any]:
        ands = []
        for branch in pattern.branches:
            tests = [self._test_expr(pattern.rule_id, t) for t in branch]
            ands.append(tests[0] if len(tests) == 1 else {"$and": tests})
        return ands[0] if len(ands) == 1 else {"$or": ands}

    def _compile(self) -> dict[str, dict[str, Any]]:
        rules: dict[str, dict[str, Any]] = {}
        for i, pattern in enumerate(self._patterns):
            expr = self._pattern_expr(pattern)
            rules[f"h{i}"] = {"all": [{_MATCH: expr}], "run": self._hit_action(i)}
            rules[f"a{i}"] = {
                "all": [{_SENTINEL_KEY: {_SENTINEL_KEY: 1}}, {_ABSENT_MATCH: copy.deepcopy(expr)}],
                "run": self._absent_action(i),
            }
        rules["keep"] = {
            "all": [{"k": {_KEEP_KEY: 1}}, {"x": {_SENTINEL_KEY: 2}}],
            "run": self._stray_action(),
        }
        for name, rule in rules.items():
            shown = name if name == "keep" else repr(self._patterns[int(name[1:])].rule_id)
            _check_rule(shown, rule)
        return rules

    # Actions take exactly one parameter: durable treats a two-parameter callable as
    # asynchronous and stops the chain after it (notes §2).
    def _hit_action(self, index: int) -> Callable[[Any], None]:
        def act(c: Any) -> None:
            self._sink.hits.append((index, c._m[_MATCH]["id"]))

        return act

    def _absent_action(self, index: int) -> Callable[[Any], None]:
        def act(c: Any) -> None:
            self._sink.absent.append(index)

        return act

    def _stray_action(self) -> Callable[[Any], None]:
        def act(c: Any) -> None:
            self._sink.strays += 1

        return act

    def _build(self) -> Any:
        """A fresh host with the ruleset registered; returns the durable Ruleset."""
        host = self._host_class()
        # durable deletes `run` from the dict it registers (notes §2): give it a copy.
        host.register_rulesets({RULESET_NAME: copy.deepcopy(self._definition)})
        return host.get_ruleset(RULESET_NAME)

    # ---- facts --------------------------------------------------------------------------

    def _project(self, index: int, fact: Fact) -> dict[str, Any]:
        """Check one fact and project it onto the engine keys (see the module docstring)."""
        if not isinstance(fact, Mapping):
            raise MatcherError(f"fact {index} is not a mapping")
        if len(fact) > MAX_FACT_PROPERTIES:
            raise MatcherError(f"fact {index} has {len(fact)} fields; at most {MAX_FACT_PROPERTIES}")
        body: dict[str, Any] = {}
        renamed = False
        for raw_key, value in fact.items():
            if raw_key in self._clean_names:  # fast path: a checked field name, already NFC
                key = raw_key
            else:
                key = self._field_name(index, raw_key)
                renamed = renamed or key != raw_key
            if value is None:
                continue
            if type(value) is str and value.isascii() and len(value) <= MAX_STRING_BYTES:
                tag, engine_value = "s", value  # fast path: ASCII is NFC, one byte per char
            else:
                tag, engine_value = _convert(index, key, value)
            engine_key = self._keys.get((key, tag))
            if engine_key is not None:
                body[engine_key] = engine_value
        if renamed and len({nfc(k) for k in fact}) != len(fact):
            raise MatcherError(f"fact {index}: two field names are equal once NFC-normalised")
        return body

    def _field_name(self, index: int, raw_key: object) -> str:
        """The NFC form of a fact's field name, or MatcherError; remembers names already NFC."""
        if not isinstance(raw_key, str):
            raise MatcherError(f"fact {index} has a field name that is not a str")
        key = str(nfc(raw_key))
        if key in RESERVED_FIELDS:  # the engine's own properties and our sentinel
            raise MatcherError(f"fact {index}: field {_short(key)} is reserved")
        if key == raw_key and type(raw_key) is str:
            self._clean_names.add(key)
        return key

    # ---- evaluation ---------------------------------------------------------------------

    def match(self, facts: Sequence[Fact]) -> MatchResult:
        bodies = [self._project(i, f) for i, f in enumerate(facts)]  # rejects before any engine call
        # A fact with none of the tested (field, type) keys fails every test: do not send it.
        sent = [(i, body) for i, body in enumerate(bodies) if body]
        chunks = [sent[s : s + PARTITION_SIZE] for s in range(0, len(sent), PARTITION_SIZE)] or [[]]
        matched: list[set[int]] = [set() for _ in self._patterns]
        absent = set(range(len(self._patterns)))
        if not self._patterns:  # no action would run, and delete_state could then crash
            return MatchResult(matched={})
        with self._lock:  # durable is not reliably thread-safe (upstream #291, notes §2)
            for chunk in chunks:
                hits, chunk_absent = self._run_session([body for _, body in chunk])
                for rule, position in hits:
                    matched[rule].add(chunk[position][0])
                absent &= chunk_absent  # absent overall only if absent from every partition
        if absent != {i for i, ix in enumerate(matched) if not ix}:
            raise MatcherError("durable-rules reported absence inconsistently")
        return MatchResult(
            matched={p.rule_id: tuple(sorted(matched[i])) for i, p in enumerate(self._patterns)},
            absent=frozenset(self._patterns[i].rule_id for i in absent),
        )

    def _run_session(self, bodies: list[dict[str, Any]]) -> tuple[set[tuple[int, int]], set[int]]:
        """Evaluate one partition in a fresh sid; returns ({(pattern, position)}, {absent pattern})."""
        sid = f"s{next(self._sessions)}"
        self._sink = sink = _Sink()
        try:
            messages = [{**body, _KEEP_KEY: 1, "id": _local_id(n), "sid": sid} for n, body in enumerate(bodies)]
            positions = {m["id"]: n for n, m in enumerate(messages)}
            if messages:
                code, state = self._dre.assert_facts(self._ruleset._handle, json.dumps(messages, ensure_ascii=False))
                self._drain(state)
                if code == _OBSERVED:
                    self._reassert_refused(sid, messages, positions)
                elif code != _OK:
                    raise _EngineFailure(f"assert returned code {code}")
            self._assert_one({_SENTINEL_KEY: 1, "id": _SENTINEL_ID, "sid": sid}, {}, -1)  # last
            if "exception" in self._ruleset.get_state(sid):  # swallowed action error (notes §2)
                raise _EngineFailure("an action raised")
            result = self._decode(sink, positions)
            self._ruleset.delete_state(sid)  # safe now: no action is pending (notes §2, segfault)
            return result
        except Exception as exc:
            # Never delete_state here (it segfaults with pending actions) and never echo
            # durable's text (it can hold the whole batch): rebuild the host instead.
            reason = str(exc) if isinstance(exc, _EngineFailure) else type(exc).__name__
            try:
                self._ruleset = self._build()
            except Exception:
                reason += "; rebuilding the engine failed too"
            raise MatcherError(f"durable-rules failed ({reason})") from None

    def _drain(self, state_handle: int) -> None:
        """Run every pending action of the session and check that the chain completed."""
        outcome: list[Any] = []
        self._ruleset.do_actions(state_handle, lambda error, _state: outcome.append(error))
        if not outcome:  # the chain stopped early: the 10 s wall-clock cut-off (notes §2)
            raise _EngineFailure("action chain cut off")
        if outcome[0] is not None:
            raise _EngineFailure("action chain failed")

    def _assert_one(
        self, message: dict[str, Any], positions: dict[str, int], position: int, first_salt: int = 0
    ) -> None:
        """Assert one message; on a false "already observed", retry under salted ids."""
        base = message["id"]
        for salt in range(first_salt, MAX_SALT + 1):
            message["id"] = base if salt == 0 else f"{base}~{salt}"
            payload = json.dumps(message, ensure_ascii=False)
            code, state = self._dre.assert_fact(self._ruleset._handle, payload)
            self._drain(state)
            if code == _OK:
                if position >= 0:
                    positions[message["id"]] = position
                return
            if code != _OBSERVED:
                raise _EngineFailure(f"assert returned code {code}")
        raise _EngineFailure("fact ids kept colliding")

    def _reassert_refused(self, sid: str, messages: list[dict[str, Any]], positions: dict[str, int]) -> None:
        """Find the facts a batch refused as "already observed" (32-bit id hash, notes §5.1)
        and assert each again under a salted id."""
        stored = {f.get("id") for f in self._ruleset.get_facts(sid)}
        for n, message in enumerate(messages):
            if message["id"] not in stored:
                del positions[message["id"]]
                self._assert_one(dict(message), positions, n, first_salt=1)

    def _decode(self, sink: _Sink, positions: dict[str, int]) -> tuple[set[tuple[int, int]], set[int]]:
        if sink.strays:
            raise _EngineFailure("the keep rule fired")
        hits = set()
        for rule, fact_id in sink.hits:  # a fact meeting two branches fires twice: dedupe
            if fact_id not in positions:
                raise _EngineFailure("an action saw an unknown fact")
            hits.add((rule, positions[fact_id]))
        absent = set(sink.absent)
        if len(absent) != len(sink.absent):
            raise _EngineFailure("an absence rule fired twice")
        # Each pattern hits or is absent, never both; this also proves that an action ran,
        # without which delete_state may free uninitialised pointers (module docstring).
        hit_rules = {rule for rule, _ in hits}
        if absent & hit_rules or len(absent | hit_rules) != len(self._patterns):
            raise _EngineFailure("absence disagrees with the hits")
        return hits, absent


# ---- value checks ----------------------------------------------------------------------


def _short(name: str) -> str:
    return repr(name if len(name) <= 40 else name[:37] + "...")


def _utf8_len(text: str) -> int | None:
    """Byte length in UTF-8, or None if the text cannot be encoded (lone surrogates)."""
    if text.isascii():
        return len(text)
    try:
        return len(text.encode("utf-8"))
    except UnicodeEncodeError:
        return None


def _check_text(where: str, text: str) -> int:
    size = _utf8_len(text)
    if size is None:
        raise MatcherError(f"{where} is not valid Unicode text")
    if size > MAX_STRING_BYTES:
        raise MatcherError(f"{where} is a string of {size:,} bytes; at most {MAX_STRING_BYTES:,} compare correctly")
    return size


def _convert(index: int, key: str, value: Any) -> tuple[str, Any]:
    """(type tag, engine value) of one fact value, or MatcherError."""
    where = f"fact {index}: field {_short(key)}"
    kind = type(value)
    if kind is bool:  # kept apart from ints: durable coerces true == 1 (notes §3)
        return "b", int(value)
    if kind is int:
        if not INT64_MIN <= value <= INT64_MAX:
            raise MatcherError(f"{where} is an int outside int64")
        return "i", value
    if isinstance(value, str):
        text = nfc(value)
        _check_text(where, text)
        return "s", str(text)
    if isinstance(value, tuple):
        items = []
        total = 0
        for item in value:
            if not isinstance(item, str):
                raise MatcherError(f"{where} is a tuple holding a {type(item).__name__}; only str")
            item = str(nfc(item))
            total += _check_text(where, item) + 4
            items.append(item)
        if total > MAX_LIST_BYTES:
            raise MatcherError(f"{where} is a tuple of more than {MAX_LIST_BYTES:,} bytes")
        return "t", items
    if kind is float:
        # Outside the fact contract, and durable fails on some (1e-05, 1e+16: notes §3; inf).
        raise MatcherError(f"{where} is a float; use an int (e.g. basis points)")
    raise MatcherError(f"{where} has unsupported type {kind.__name__}")


def _check_literal(rule: str, value: Any) -> None:
    if type(value) is int:
        if not INT64_MIN <= value <= INT64_MAX:
            raise PatternError(f"rule {rule}: int literal outside int64")
    elif type(value) is str:
        size = _utf8_len(value)
        if size is None or size > MAX_STRING_BYTES:
            raise PatternError(f"rule {rule}: string literal is not valid or longer than 65,535 bytes")
    else:
        # floats misparse (notes §3), list literals fail with error 102, bools coerce.
        raise PatternError(f"rule {rule}: literal of type {type(value).__name__} is not supported")


def _check_key(rule: str, key: str) -> None:
    # The session state {"sid", "id", "$s"} is re-asserted after every action: a rule it can
    # satisfy fires again and again, forever (found while writing this module).
    if key in _STATE_KEYS:
        raise PatternError(f"rule {rule}: tests {key!r}, which the session state also carries")


def _check_operand(rule: str, arg: Any, nested: bool = False) -> None:
    if not isinstance(arg, dict) or len(arg) != 1:
        raise PatternError(f"rule {rule}: malformed expression")
    ((key, literal),) = arg.items()
    _check_key(rule, key)
    if nested:
        if not isinstance(literal, dict) or set(literal) != {"$i"}:
            raise PatternError(f"rule {rule}: malformed $iany")
        literal = literal["$i"]
    _check_literal(rule, literal)


def _check_expr(rule: str, expr: Any) -> bool:
    """Check a compiled expression; returns whether it needs a positive test to match.

    A pattern that can match through `$nex` tests alone hangs the process (notes §5.2),
    so every path through it must carry a positive test.
    """
    if not isinstance(expr, dict) or len(expr) != 1:
        raise PatternError(f"rule {rule}: malformed expression")
    ((op, arg),) = expr.items()
    if op in ("$and", "$or"):
        if not isinstance(arg, list) or not arg:
            raise PatternError(f"rule {rule}: empty {op}")
        positive = [_check_expr(rule, e) for e in arg]
        return any(positive) if op == "$and" else all(positive)
    if op == "$nex":
        _check_operand(rule, arg)
        return False
    if op == "$iany":
        _check_operand(rule, arg, nested=True)
        return True
    if op in ("$lte", "$gte", "$ex"):
        _check_operand(rule, arg)
        return True
    if op.startswith("$"):
        raise PatternError(f"rule {rule}: operator {op} is not supported")
    _check_key(rule, op)
    _check_literal(rule, arg)
    return True


def _check_rule(name: str, rule: dict[str, Any]) -> None:
    patterns = rule["all"]
    if not 1 <= len(patterns) <= MAX_PATTERNS_PER_RULE + 1:  # error 304 beyond 16 (notes §5.6)
        raise PatternError(f"rule {name}: more than {MAX_PATTERNS_PER_RULE} patterns")
    for pattern in patterns:
        ((_, expr),) = pattern.items()
        if not _check_expr(name, expr):
            raise PatternError(f"rule {name}: a branch has no positive test (durable would hang)")

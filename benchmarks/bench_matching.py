"""Time the durable-rules matcher against the plain-Python one (a script, not a test).

    python benchmarks/bench_matching.py                 # 1,000 and 10,000 facts, 40 patterns
    python benchmarks/bench_matching.py -n 500 20000 --repeat 7

Prints the median and the fastest of the repeated `match()` calls, after one warm-up call,
and checks that both matchers return the same result.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, not installed

KINDS = ["báo cáo", "kế hoạch", "quyết định", "công văn", "thông báo"]
ISSUERS = ["UBND tỉnh", "Sở Nội vụ", "Sở Tư pháp", "Chi cục Phát triển nông thôn", "Văn phòng UBND"]
CRITERIA = [f"{i}.{j}" for i in range(1, 9) for j in range(1, 4)]
TAGS = ["PAPI", "SIPAS", "công khai", "đúng hạn", "một cửa", "số hoá"]
DATES = [20230000 + m * 100 + d for m in range(1, 13) for d in (1, 10, 20, 28)] + [20240115, 20240630]


def make_patterns(count: int, rng: random.Random) -> list[Any]:
    from engine.matching import Pattern, Test

    patterns = []
    for i in range(count):
        shape = i % 4
        if shape == 0:  # a document of a kind for a criterion, issued before a deadline
            branches = (
                (
                    Test("kind", "eq", rng.choice(KINDS)),
                    Test("criterion", "eq", rng.choice(CRITERIA)),
                    Test("issued", "lte", rng.choice(DATES)),
                ),
            )
        elif shape == 1:  # issuer plus a tag
            branches = ((Test("issuer", "eq", rng.choice(ISSUERS)), Test("tags", "has", rng.choice(TAGS))),)
        elif shape == 2:  # either of two kinds, sent within a window
            branches = tuple(
                (Test("kind", "eq", k), Test("sent", "gte", 20230301), Test("sent", "lte", 20231130))
                for k in rng.sample(KINDS, 2)
            )
        else:  # a requirement code that may be missing entirely
            branches = ((Test("requirement", "eq", f"YC-{rng.randint(1, 60):02d}"),),)
        patterns.append(Pattern(f"p{i:02d}", branches))
    return patterns


def make_facts(count: int, rng: random.Random) -> list[dict[str, Any]]:
    facts = []
    for _ in range(count):
        fact: dict[str, Any] = {
            "kind": rng.choice(KINDS),
            "issuer": rng.choice(ISSUERS),
            "criterion": rng.choice(CRITERIA),
            "issued": rng.choice(DATES),
            "tags": tuple(rng.sample(TAGS, rng.randint(0, 3))),
            "title": f"Văn bản số {rng.randint(1, 9999)}/{rng.choice(['BC', 'KH', 'QĐ'])}",
        }
        if rng.random() < 0.7:
            fact["sent"] = rng.choice(DATES)
        if rng.random() < 0.3:
            fact["requirement"] = f"YC-{rng.randint(1, 80):02d}"
        facts.append(fact)
    return facts


def timed(call: Callable[[], object], repeat: int) -> list[float]:
    call()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", "--facts", type=int, nargs="+", default=[1_000, 10_000], help="fact counts")
    parser.add_argument("-p", "--patterns", type=int, default=40, help="number of patterns")
    parser.add_argument("-r", "--repeat", type=int, default=5, help="timed runs per matcher")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    from engine.matching import PythonMatcher
    from engine.matching.durable_matcher import DurableMatcher

    rng = random.Random(args.seed)
    patterns = make_patterns(args.patterns, rng)
    start = time.perf_counter()
    durable = DurableMatcher(patterns)
    build = time.perf_counter() - start
    python = PythonMatcher(patterns)
    print(f"{len(patterns)} patterns; DurableMatcher built in {build * 1000:.1f} ms; {args.repeat} runs each")
    print(f"{'facts':>8} {'matcher':>14} {'median s':>10} {'min s':>10} {'matches':>9} {'absent':>7}")
    for n in args.facts:
        facts = make_facts(n, rng)
        expected = python.match(facts)
        got = durable.match(facts)
        if got != expected:
            print(f"MISMATCH at {n} facts", file=sys.stderr)
            return 1
        hits = sum(len(v) for v in expected.matched.values())
        medians = {}
        for matcher in (python, durable):
            times = timed(lambda m=matcher, f=facts: m.match(f), args.repeat)
            medians[matcher.name] = statistics.median(times)
            print(
                f"{n:>8,} {matcher.name:>14} {medians[matcher.name]:>10.4f} {min(times):>10.4f}"
                f" {hits:>9,} {len(expected.absent):>7}"
            )
        print(f"{'':>8} {'ratio':>14} {medians['durable-rules'] / medians['python']:>9.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

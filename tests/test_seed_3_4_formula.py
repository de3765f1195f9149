"""Why criterion 3.4 is entered, not computed: the seed cannot tell its formula apart.

The seed gives three rates (full-online 39.1%, payment integration 1/27, online payment 10.9%)
and one score, 1.34 of 3.5. Under the usual shape of such criteria — each rate scores
max_i × min(1, rate / target_i), maxima in quarter points adding up to 3.5, targets among the
common ones — hundreds of (maxima, targets) choices give exactly 1.34 after the council's
rounding. Picking one would be fitting a formula to one number. The rule note, the README
and the closing note quote this count; this test recomputes it.
"""

from __future__ import annotations

from decimal import Decimal as D
from itertools import product

from engine.scoring import round_points

RATES = (D("0.391"), D(1) / D(27), D("0.109"))
MAXIMA = [D(q) / 4 for q in range(1, 12)]  # 0.25 … 2.75
TARGETS = [D(p) / 100 for p in (20, 25, 30, 40, 50, 60, 70, 80, 90, 100)]


def reproducing_formulas() -> list[tuple[tuple[D, ...], tuple[D, ...]]]:
    hits = []
    for maxima in product(MAXIMA, repeat=3):
        if sum(maxima) != D("3.5"):
            continue
        for targets in product(TARGETS, repeat=3):
            points = sum(m * min(D(1), r / t) for m, r, t in zip(maxima, RATES, targets, strict=True))
            if round_points(points) == D("1.34"):
                hits.append((maxima, targets))
    return hits


def test_hundreds_of_formulas_give_the_appraised_1_34() -> None:
    assert len(reproducing_formulas()) == 418


def test_the_rule_says_so_and_enters_the_appraised_score() -> None:
    from tests.conftest import RULES

    text = (RULES / "ha-giang-2023-so" / "fields" / "3-thu-tuc-hanh-chinh.yaml").read_text(encoding="utf-8")
    assert "418 tổ hợp" in text and "method: entered" in text.split('id: "3.4"', 1)[1].split('id: "3.5"', 1)[0]

"""Counts and rates as Vietnamese sources write them.

A rate may be `39,1%`, `39.1%`, `0.391`, a fraction `1/27`, or a bound `<100%`
when a source only says "dưới 100%". A bound is kept as a bound: the engine can
decide `< 100%` against a 100% threshold, and says so when it cannot decide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation


class NumberError(ValueError):
    pass


_PLAIN_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def input_number(raw: object) -> Decimal | None:
    """An entered value as a non-negative Decimal, or None. Only plain decimals: Decimal() itself also
    reads "1_000", "1e3", "Infinity" and " +5", none of which a person means as a score."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | Decimal):  # the YAML loader reads decimals as Decimal, exactly as typed
        raw = format(raw, "f") if isinstance(raw, Decimal) else str(raw)
    if not isinstance(raw, str) or not _PLAIN_DECIMAL.fullmatch(raw.strip()):
        return None
    return Decimal(raw.strip())


def points_number(raw: object) -> Decimal | None:
    """Points a person gives (a mock appraisal): a plain decimal with at most 2 decimals, never rounded."""
    number = input_number(raw)
    if number is None or -number.as_tuple().exponent > 2:  # type: ignore[operator]
        return None
    return number


@dataclass(frozen=True)
class RateValue:
    """A share in [0, 1]: exact `value`, or only an exclusive upper bound `below`."""

    value: Decimal | None = None
    below: Decimal | None = None
    numerator: int | None = None
    denominator: int | None = None

    def __str__(self) -> str:
        from evidence.formatting import percent

        if self.value is None:
            return f"dưới {percent(self.below)}" if self.below is not None else "?"
        if self.numerator is not None and self.denominator is not None:
            return f"{self.numerator}/{self.denominator} = {percent(self.value)}"
        return percent(self.value)


def parse_count(text: str) -> int:
    cleaned = text.strip().replace(" ", "")
    if not re.fullmatch(r"\d+", cleaned):
        raise NumberError(text)
    return int(cleaned)


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise NumberError(text) from None
    if not value.is_finite():
        raise NumberError(text)
    return value


def parse_rate(text: str) -> RateValue:
    s = text.strip().replace(" ", "")
    bound = s.startswith("<")
    if bound:
        s = s[1:]
    fraction = re.fullmatch(r"(\d+)/(\d+)", s)
    if fraction and not bound:
        num, den = int(fraction[1]), int(fraction[2])
        if den == 0 or num > den:
            raise NumberError(text)
        return RateValue(Decimal(num) / Decimal(den), numerator=num, denominator=den)
    if s.endswith("%"):
        value = _decimal(s[:-1]) / 100
    else:
        value = _decimal(s)
        if value > 1:
            raise NumberError(text)  # 39.1 without % is ambiguous: ask for 39,1% or 0.391
    if not Decimal(0) <= value <= 1:
        raise NumberError(text)
    return RateValue(below=value) if bound else RateValue(value)

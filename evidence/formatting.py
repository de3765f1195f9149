"""How numbers and dates look to Vietnamese readers: decimal comma, dd/mm/yyyy."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal


def number(value: Decimal | int, places: int = 2) -> str:
    q = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{q:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def points(value: Decimal) -> str:
    return number(value, 2)


def percent(value: Decimal | None, places: int = 2) -> str:
    return "?" if value is None else f"{number(value * 100, places)}%"


def day(value: date | None) -> str:
    return "—" if value is None else value.strftime("%d/%m/%Y")

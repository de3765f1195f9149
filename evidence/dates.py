"""Read the dates people write in Vietnamese evidence registers, and show dates the Vietnamese way.

Registers mix ``26/8/2023``, ``26-08-2023``, ``2023-08-26``, ``ngày 26 tháng 8 năm 2023`` and
Excel date cells. Vietnamese dates are always day first, so ``8/12/2023`` is 8 December, never
12 August. Two-digit years and impossible dates are refused with a Vietnamese message naming
the value, because a silently wrong date changes whether a task counts as on time.
"""

from __future__ import annotations

import math
import numbers
import re
import sys
from datetime import date, datetime, timedelta

from evidence.problems import ValueFormatError
from evidence.text import clean, fold, is_missing

__all__ = ["MAX_YEAR", "MESSAGES", "MIN_YEAR", "DateError", "format_date", "parse_date", "to_int"]

MIN_YEAR = 1900
MAX_YEAR = 2100  # a year outside this range in an evidence register is a typo (2203 for 2023)

_FORMS = '26/8/2023, 2023-08-26 hoặc "ngày 26 tháng 8 năm 2023"'
MESSAGES: dict[str, str] = {
    "shape": "cần dạng " + _FORMS,
    "not_real": "ngày không có thật",
    "no_such_month": "không có tháng {month} (ngày viết trước tháng, ví dụ 26/8/2023)",
    "two_digit_year": "năm phải viết đủ 4 chữ số, ví dụ 26/8/2023",
    "year_range": f"năm {{year}} nằm ngoài khoảng {MIN_YEAR}–{MAX_YEAR}",
    "bare_number": (
        "là một con số, không phải ngày; nếu đây là số ngày của Excel, hãy định dạng ô là ngày (Date)"
    ),
    "serial_range": "không phải số ngày hợp lệ của Excel",
    "wrong_type": "giá trị kiểu {type} không phải ngày",
}
class DateError(ValueFormatError):
    """A value that is not a date."""

    messages = MESSAGES
    template = 'không đọc được ngày "{value}": {reason}'


_TIME = r"(?:[ t]+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,9})?)?)?"  # "2023-08-26 00:00:00"
_DAY_FIRST = re.compile(rf"([0-9]{{1,2}}) ?([/.-]) ?([0-9]{{1,2}}) ?\2 ?([0-9]{{4}}){_TIME}")
_DAY_FIRST_SHORT_YEAR = re.compile(r"[0-9]{1,2} ?([/.-]) ?[0-9]{1,2} ?\1 ?[0-9]{2}")
_ISO = re.compile(rf"([0-9]{{4}})-([0-9]{{1,2}})-([0-9]{{1,2}}){_TIME}")
_WORDS = re.compile(r"([0-9]{1,2}) ?thang ?([0-9]{1,2}) ?nam ?([0-9]{1,4})")
_NGAY = re.compile(r"^ngay ?")
_NUMBER = re.compile(r"[+-]?[0-9][0-9.,]*")
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 61 is 1 March 1900; Excel counts a 29 February 1900
_EXCEL_MAX_SERIAL = 2958465  # 31/12/9999


def parse_date(value: object, *, allow_serial: bool = False) -> date | None:
    """A register cell → ``date``, or None for an empty cell.

    Accepts ``date``/``datetime``/pandas ``Timestamp``; text ``26/8/2023``, ``26-08-2023``,
    ``26.08.2023``, ``2023-08-26`` (a time after it is ignored) and ``ngày 26 tháng 8 năm 2023``
    (any case, with or without "ngày" and diacritics); with ``allow_serial=True`` also Excel
    serial numbers (1900 date system) given as int/float. Raises :class:`DateError` otherwise.
    """
    if is_missing(value):
        return None
    if isinstance(value, datetime):
        return _in_range(value.date(), clean(value))
    if isinstance(value, date):
        return _in_range(date(value.year, value.month, value.day), clean(value))
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(value, numpy.datetime64):
        try:
            day = value.astype("datetime64[D]").item()
        except (OverflowError, ValueError):
            day = None
        if not isinstance(day, date):
            raise DateError(clean(value), "not_real")
        return _in_range(day, clean(value))
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        if not allow_serial:
            raise DateError(clean(value), "bare_number")
        return _from_serial(value)
    if isinstance(value, str):
        return _from_text(value)
    raise DateError(clean(value), "wrong_type", type=type(value).__name__)


def _from_text(value: str) -> date | None:
    shown = clean(value)
    if not shown:
        return None
    text = _NGAY.sub("", fold(shown), count=1)  # "ngày 26/8/2023" as well as "26/8/2023"
    if match := _DAY_FIRST.fullmatch(text):
        day, month, year = match[1], match[3], match[4]
    elif match := _ISO.fullmatch(text):
        year, month, day = match[1], match[2], match[3]
    elif match := _WORDS.fullmatch(text):
        day, month, year = match[1], match[2], match[3]
        if len(year) != 4:
            raise DateError(shown, "two_digit_year")
    elif _DAY_FIRST_SHORT_YEAR.fullmatch(text):
        raise DateError(shown, "two_digit_year")
    elif _NUMBER.fullmatch(text):
        raise DateError(shown, "bare_number")
    else:
        raise DateError(shown, "shape")
    return _build(shown, int(year), int(month), int(day))


def _build(shown: str, year: int, month: int, day: int) -> date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateError(shown, "year_range", year=year)
    if not 1 <= month <= 12:
        raise DateError(shown, "no_such_month", month=month)
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(shown, "not_real") from None


def _in_range(day: date, shown: str) -> date:
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise DateError(shown, "year_range", year=day.year)
    return day


def _from_serial(value: numbers.Real) -> date:
    shown = clean(value)
    try:
        number = float(value)
    except (OverflowError, ValueError):
        raise DateError(shown, "serial_range") from None
    if not math.isfinite(number) or not 1 <= number < _EXCEL_MAX_SERIAL + 1:
        raise DateError(shown, "serial_range")
    serial = math.floor(number)  # the fraction is the time of day
    if serial == 60:  # Excel's 29/02/1900, a day that never was
        raise DateError(shown, "not_real")
    day = _EXCEL_EPOCH + timedelta(days=serial if serial > 60 else serial + 1)
    return _in_range(day, shown)


def format_date(d: date) -> str:
    """``date(2023, 8, 26)`` → ``"26/08/2023"``, the way Vietnamese documents show dates."""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def to_int(d: date) -> int:
    """``date(2023, 8, 26)`` → ``20230826``: sortable, and easy to carry in rules."""
    return d.year * 10000 + d.month * 100 + d.day

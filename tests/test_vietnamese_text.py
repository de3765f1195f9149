"""Vietnamese dates, document references and text: every accepted form, every error, and the
properties that must hold for any input (round trips, only our own exceptions, idempotence)."""

from __future__ import annotations

import contextlib
import re
import unicodedata
from dataclasses import replace
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence.dates import DateError, format_date, parse_date, to_int
from evidence.references import (
    DOCUMENT_KINDS,
    Reference,
    ReferenceFormatError,
    kind_from_name,
    parse_reference,
)
from evidence.text import (
    TextEncodingError,
    clean,
    convert_legacy,
    decode_bytes,
    detect_legacy_font,
    encode_legacy,
    fold,
)

# A few paragraphs of the seed plan (shared/seeds/000_…txt), kept here so the tests need no files.
SEED = """\
KẾ HOẠCH Về việc khắc phục những tồn tại về Chỉ số cải cách hành chính năm 2023 và giải pháp cải
thiện Chỉ số cải cách hành chính năm 2024 của Sở Nông nghiệp và Phát triển nông thôn tỉnh Hà Giang.
Căn cứ Quyết định số 2555/QĐ-UBND ngày 26 tháng 12 năm 2023 của Ủy ban nhân dân tỉnh Hà Giang về
việc phê duyệt và công bố Chỉ số cải cách hành chính năm 2023 của sở, ban, ngành và Ủy ban nhân dân
các huyện, thành phố. Sở Nông nghiệp và Phát triển nông tỉnh Hà Giang xây dựng kế hoạch thực hiện
khắc phục những tồn tại, hạn chế năm 2023 như sau: I. MỤC ĐÍCH, YÊU CẦU
- Kịp thời chấn chỉnh và khắc phục những tồn tại, hạn chế trong công tác cải cách hành chính (CCHC)
của Sở thông qua kết quả chấm điểm Chỉ số cải cách hành chính năm 2023.
- Nâng cao trách nhiệm của người đứng đầu các phòng chuyên môn, đơn vị trực thuộc Sở và công chức,
viên chức trong thực hiện công tác CCHC và chỉ số hài lòng của người dân, tổ chức đối với sự phục vụ
của cơ quan, tổ chức năm 2023. Phấn đấu Chỉ số CCHC, sự hài lòng của người dân, tổ chức đối với sự
phục vụ của Sở Nông nghiệp và Phát triển nông thôn năm 2024 xếp hạng ở vị trí cao hơn năm 2023.
- Thủ trưởng các phòng chuyên môn thuộc Sở, Thủ trưởng các cơ quan, đơn vị trực thuộc Sở phải công
tâm, trách nhiệm, quyết tâm trong việc lãnh đạo, chỉ đạo rà soát đánh giá đúng thực trạng, kết quả
và hạn chế trong thực hiện các nội dung, nhiệm vụ công tác CCHC năm 2023; tổ chức triển khai thực
hiện nghiêm túc, có hiệu quả kế hoạch khắc phục những tồn tại, hạn chế trong công tác CCHC. Năm
2023, công tác CCHC đã được Ban Giám đốc Sở quan tâm, chỉ đạo các phòng, đơn vị triển khai thực hiện
và đạt được những kết quả tích cực, Bộ phận tiếp nhận và trả kết quả của Sở thực hiện tại Trung tâm
Phục vụ hành chính công của tỉnh hoạt động tương đối hiệu quả; công tác rà soát TTHC được thực hiện
thường xuyên. Tuyên truyền CCHC; khuyến khích người dân nộp hồ sơ trực tuyến toàn trình, thanh toán
trực tuyến; số hóa hồ sơ, kết quả giải quyết thủ tục hành chính; xin lỗi người dân khi quá hạn.
Thông tư 30/2022/TT-BNNPTNT; văn bản 3823/UBND-NCPC ngày 22/11/2023; Kế hoạch 62/KH-SNN-TCCB.
"""
SEED_WORDS = sorted(set(re.findall(r"[^\W\d_]+", SEED)))

ENGLISH = """\
The quick brown fox jumps over the lazy dog. The Provincial Governance and Public Administration
Performance Index (PAPI) measures citizens' experiences; a naïve café owner's résumé mentioned the
façade of the Zoë Brontë museum. © 2023 Acme Ltd., § 5; particles of 10 µm to 20 µm; ½ cup;
«quoted» text · bullet; the dot product x·y. Coördinate with the fiancé before the déjà vu meeting.
"""

TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
VIETNAMESE_LOWER = [
    unicodedata.normalize("NFC", base + tone) for base in "aăâeêioôơuưy" for tone in TONES
]
# The 134 letters that are not ASCII: 12 vowels × 6 tones + đ, less the 6 plain ASCII vowels; both cases.
VIETNAMESE_LETTERS = [c for c in [*VIETNAMESE_LOWER, "đ"] if not c.isascii()]
VIETNAMESE_LETTERS += [c.upper() for c in VIETNAMESE_LETTERS]
TCVN3_CAPITALS = set("ĂÂÊÔƠƯĐ")

TARGET = date(2023, 8, 26)
PROPERTY = settings(deadline=None)  # no timing flakes on a busy CI machine


def cp1258_bytes(text: str) -> bytes:
    """How Windows-1258 stores Vietnamese: base letter (ê, ơ…) + a combining tone mark."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in TONES[1:])
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES[1:])) + tones)
    return "".join(out).encode("cp1258")


vietnamese_phrases = st.lists(st.sampled_from(SEED_WORDS), min_size=1, max_size=12).map(" ".join)
dates_1900_2100 = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
date_like_text = st.text(alphabet="0123456789/-.: Tngàyáthăm\u00a0", max_size=30)
reference_like_text = st.text(alphabet="0123456789/- QĐDqđKHBCUNỐSốo:&–\u0323", max_size=30)


# --------------------------------------------------------------------------------------------
# dates
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "26/8/2023", "26/08/2023", "26-8-2023", "26-08-2023", "26.08.2023", "26.8.2023", "2023-08-26",
    "2023-8-26", "2023-08-26 00:00:00", "2023-08-26T14:30:00", "26/08/2023 14:30", " 26 / 8 / 2023 ",
    "ngày 26 tháng 8 năm 2023", "Ngày 26 tháng 08 năm 2023", "NGÀY  26  THÁNG 8  NĂM 2023",
    "26 tháng 08 năm 2023", "ngay 26 thang 8 nam 2023", "ngày 26/8/2023",
    unicodedata.normalize("NFD", "ngày 26 tháng 8 năm 2023"), "26/8/2023\u00a0",
])
def test_parse_date_accepts_every_written_form(value: str) -> None:
    assert parse_date(value) == TARGET


@pytest.mark.parametrize("value", [
    TARGET, datetime(2023, 8, 26, 17, 45), pd.Timestamp("2023-08-26 08:00"),
    pd.Timestamp("2023-08-26", tz="Asia/Ho_Chi_Minh"), np.datetime64("2023-08-26"),
])
def test_parse_date_accepts_date_objects(value: object) -> None:
    result = parse_date(value)
    assert result == TARGET
    assert type(result) is date


@pytest.mark.parametrize("value", [None, "", "   ", "\u00a0", float("nan"), np.float64("nan"), pd.NA, pd.NaT,
                                   np.datetime64("NaT", "D")])
def test_parse_date_empty_is_none(value: object) -> None:
    assert parse_date(value) is None
    assert parse_date(value, allow_serial=True) is None


def test_day_comes_first_always() -> None:
    assert parse_date("8/12/2023") == date(2023, 12, 8)
    assert parse_date("01.02.2024") == date(2024, 2, 1)


@pytest.mark.parametrize(("serial", "expected"), [
    (45164, TARGET), (45164.0, TARGET), (45164.99, TARGET), (np.int64(45164), TARGET),
    (np.float64(45164.5), TARGET), (1, date(1900, 1, 1)), (59, date(1900, 2, 28)), (61, date(1900, 3, 1)),
    (73415, date(2100, 12, 31)),
])
def test_excel_serials_when_allowed(serial: object, expected: date) -> None:
    assert parse_date(serial, allow_serial=True) == expected


def test_excel_serials_refused_by_default() -> None:
    with pytest.raises(DateError) as info:
        parse_date(45164)
    assert info.value.code == "bare_number"
    assert "45164" in str(info.value)


@pytest.mark.parametrize(("serial", "code"), [
    (60, "not_real"), (0, "serial_range"), (-3, "serial_range"), (0.5, "serial_range"),
    (float("inf"), "serial_range"), (10**400, "serial_range"), (3_000_000, "serial_range"),
    (73416, "year_range"),
])
def test_bad_excel_serials(serial: object, code: str) -> None:
    with pytest.raises(DateError) as info:
        parse_date(serial, allow_serial=True)
    assert info.value.code == code


def test_date_error_messages_match_the_examples() -> None:
    with pytest.raises(DateError) as info:
        parse_date("31/2/2023")
    assert str(info.value) == 'không đọc được ngày "31/2/2023": ngày không có thật'
    with pytest.raises(DateError) as info:
        parse_date("2023/26/08")
    assert str(info.value) == (
        'không đọc được ngày "2023/26/08": cần dạng 26/8/2023, 2023-08-26 hoặc "ngày 26 tháng 8 năm 2023"'
    )


@pytest.mark.parametrize(("value", "code", "part"), [
    ("31/2/2023", "not_real", "ngày không có thật"),
    ("29/2/2023", "not_real", "ngày không có thật"),
    ("0/1/2023", "not_real", "ngày không có thật"),
    ("ngày 31 tháng 4 năm 2023", "not_real", "ngày không có thật"),
    ("2023-02-30", "not_real", "ngày không có thật"),
    ("8/26/2023", "no_such_month", "không có tháng 26"),
    ("26/13/2023", "no_such_month", "không có tháng 13"),
    ("26/8/23", "two_digit_year", "4 chữ số"),
    ("26-08-23", "two_digit_year", "4 chữ số"),
    ("ngày 26 tháng 8 năm 23", "two_digit_year", "4 chữ số"),
    ("26/8/2203", "year_range", "năm 2203"),
    ("26/8/0203", "year_range", "năm 203"),
    ("2023/26/08", "shape", "cần dạng"),
    ("2023/08/26", "shape", "cần dạng"),
    ("26/8-2023", "shape", "cần dạng"),
    ("26 8 2023", "shape", "cần dạng"),
    ("hôm qua", "shape", "cần dạng"),
    ("Aug 26, 2023", "shape", "cần dạng"),
    ("tháng 8 năm 2023", "shape", "cần dạng"),
    ("45164", "bare_number", "định dạng ô là ngày"),
    ("45164,5", "bare_number", "định dạng ô là ngày"),
])
def test_date_errors(value: str, code: str, part: str) -> None:
    with pytest.raises(DateError) as info:
        parse_date(value)
    error = info.value
    assert error.code == code
    assert part in str(error)
    assert f'"{clean(value)}"' in str(error)
    assert str(error).startswith("không đọc được ngày")


@pytest.mark.parametrize("value", [True, [26, 8, 2023], object(), b"26/8/2023"])
def test_parse_date_refuses_other_types(value: object) -> None:
    with pytest.raises(DateError) as info:
        parse_date(value, allow_serial=True)
    assert info.value.code == "wrong_type"


def test_date_objects_out_of_range() -> None:
    with pytest.raises(DateError, match="năm 1800"):
        parse_date(date(1800, 1, 1))


def test_long_values_are_shortened_in_messages() -> None:
    with pytest.raises(DateError) as info:
        parse_date("x" * 500)
    assert len(str(info.value)) < 200
    assert info.value.value == "x" * 500


def test_date_error_is_a_value_error() -> None:
    assert issubclass(DateError, ValueError)


def test_format_date_and_to_int() -> None:
    assert format_date(TARGET) == "26/08/2023"
    assert format_date(date(1900, 1, 1)) == "01/01/1900"
    assert to_int(TARGET) == 20230826
    assert to_int(datetime(2023, 8, 26, 23, 59)) == 20230826


@PROPERTY
@given(dates_1900_2100)
def test_date_round_trips(d: date) -> None:
    assert parse_date(format_date(d)) == d
    assert parse_date(d.isoformat()) == d
    assert parse_date(f"ngày {d.day} tháng {d.month} năm {d.year}") == d
    assert parse_date(f"{d.day}.{d.month}.{d.year}") == d
    assert str(to_int(d)) == d.strftime("%Y%m%d")


@PROPERTY
@given(dates_1900_2100, dates_1900_2100)
def test_to_int_keeps_order(a: date, b: date) -> None:
    assert (a < b) == (to_int(a) < to_int(b))


@PROPERTY
@given(st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 12, 31)))
def test_excel_serial_round_trip(d: date) -> None:
    serial = (d - date(1899, 12, 30)).days
    assert parse_date(serial, allow_serial=True) == d
    assert parse_date(serial + 0.25, allow_serial=True) == d


@PROPERTY
@given(st.one_of(st.text(), date_like_text))
def test_parse_date_raises_only_date_error(text: str) -> None:
    try:
        result = parse_date(text)
    except DateError as error:
        assert str(error).startswith("không đọc được ngày")
    else:
        assert result is None or date(1900, 1, 1) <= result <= date(2100, 12, 31)


@PROPERTY
@given(st.one_of(st.integers(), st.floats(allow_nan=True, allow_infinity=True)))
def test_parse_date_on_any_number_raises_only_date_error(number: float) -> None:
    for allow in (False, True):
        with contextlib.suppress(DateError):
            parse_date(number, allow_serial=allow)


# --------------------------------------------------------------------------------------------
# references
# --------------------------------------------------------------------------------------------

DECREE_30_CODES = [
    "NQ", "QĐ", "CT", "QC", "QyĐ", "TC", "TB", "HD", "CTr", "KH", "PA", "ĐA", "DA", "BC", "BB", "TTr", "HĐ",
    "CĐ", "BGN", "BTT", "GUQ", "GM", "GGT", "GNP", "PG", "PC", "PB",
]


def test_document_kinds_follow_decree_30() -> None:
    assert list(DOCUMENT_KINDS)[: len(DECREE_30_CODES)] == DECREE_30_CODES
    assert {"CV", "TT", "TTLT", "NĐ"} <= set(DOCUMENT_KINDS)
    assert DOCUMENT_KINDS["QĐ"] == "Quyết định"
    assert DOCUMENT_KINDS["CV"] == "Công văn"
    assert DOCUMENT_KINDS["NĐ"] == "Nghị định"
    for code, name in DOCUMENT_KINDS.items():
        assert unicodedata.is_normalized("NFC", code)
        assert unicodedata.is_normalized("NFC", name)


@pytest.mark.parametrize(("text", "number", "year", "kind", "issuer", "division"), [
    ("62/KH-SNN-TCCB", "62", None, "KH", "SNN", "TCCB"),
    ("386/BC-UBND", "386", None, "BC", "UBND", None),
    ("1029/QĐ-UBND", "1029", None, "QĐ", "UBND", None),
    ("142/TB-UBND", "142", None, "TB", "UBND", None),
    ("3823/UBND-NCPC", "3823", None, "CV", "UBND", "NCPC"),
    ("245/UBND-NCPC", "245", None, "CV", "UBND", "NCPC"),
    ("30/2022/TT-BNNPTNT", "30", 2022, "TT", "BNNPTNT", None),
    ("30/2020/NĐ-CP", "30", 2020, "NĐ", "CP", None),
    ("2555/QĐ-UBND", "2555", None, "QĐ", "UBND", None),
    ("164/KH-UBND", "164", None, "KH", "UBND", None),
    ("01/2023/NQ-HĐND", "01", 2023, "NQ", "HĐND", None),
    ("02/2023/TTLT-BNV-BTC", "02", 2023, "TTLT", "BNV-BTC", None),
    ("25/2018/QH14", "25", 2018, None, "QH14", None),
    ("977/QĐ-TTg", "977", None, "QĐ", "TTg", None),
    ("12/TTr-SNN", "12", None, "TTr", "SNN", None),
    ("7/CTr-UBND", "7", None, "CTr", "UBND", None),
    ("5/QyĐ-SNN", "5", None, "QyĐ", "SNN", None),
    ("9/ĐA-UBND", "9", None, "ĐA", "UBND", None),
    ("9/DA-UBND", "9", None, "DA", "UBND", None),
    ("4/HĐ-SNN", "4", None, "HĐ", "SNN", None),
    ("4/HD-SNN", "4", None, "HD", "SNN", None),
    ("3823/UBND", "3823", None, "CV", "UBND", None),
    ("15/KH-SNN-VP-TCCB", "15", None, "KH", "SNN", "VP-TCCB"),
])
def test_parse_reference_examples(text: str, number: str, year: int | None, kind: str | None,
                                  issuer: str | None, division: str | None) -> None:
    ref = parse_reference(text)
    assert ref == Reference(text, number, year, kind, issuer, division)
    assert ref.canonical == text


@pytest.mark.parametrize(("text", "canonical"), [
    (" 62 / KH - SNN - TCCB ", "62/KH-SNN-TCCB"),
    ("Số: 62/KH-SNN-TCCB", "62/KH-SNN-TCCB"),
    ("số 62/KH-SNN-TCCB", "62/KH-SNN-TCCB"),
    ("SỐ:62/KH-SNN-TCCB", "62/KH-SNN-TCCB"),
    ("So 62/KH-SNN-TCCB", "62/KH-SNN-TCCB"),
    ("Số, ký hiệu: 62/KH-SNN-TCCB", "62/KH-SNN-TCCB"),
    ("386 BC-UBND", "386/BC-UBND"),
    ("386  /BC-UBND", "386/BC-UBND"),
    ("1029/qđ-ubnd", "1029/QĐ-UBND"),
    ("1029/QD-UBND", "1029/QĐ-UBND"),
    ("1029/qd-UBND", "1029/QĐ-UBND"),
    ("30/2020/ND-CP", "30/2020/NĐ-CP"),
    ("30/2022/tt-bnnptnt", "30/2022/TT-BNNPTNT"),
    ("5/QYĐ-SNN", "5/QyĐ-SNN"),
    ("5/qyd-snn", "5/QyĐ-SNN"),
    ("7/CTR-UBND", "7/CTr-UBND"),
    ("62/KH–SNN—TCCB", "62/KH-SNN-TCCB"),
    ("62/KH\u2212SNN\u2011TCCB", "62/KH-SNN-TCCB"),
    ("62／KH-SNN-TCCB", "62/KH-SNN-TCCB"),
    ("3823/ubnd-ncpc", "3823/UBND-NCPC"),
    ("3823 / UBND – NCPC", "3823/UBND-NCPC"),
    ("62/KH-SNN-TCCB\u00a0", "62/KH-SNN-TCCB"),
    (unicodedata.normalize("NFD", "1029/QĐ-UBND"), "1029/QĐ-UBND"),
    (unicodedata.normalize("NFD", "Số: 01/2023/NQ-HĐND"), "01/2023/NQ-HĐND"),
])
def test_parse_reference_tolerates_how_people_type(text: str, canonical: str) -> None:
    ref = parse_reference(text)
    assert ref.canonical == canonical
    assert ref == replace(parse_reference(canonical), raw=clean(text))


def test_reference_is_frozen_and_keeps_raw() -> None:
    ref = parse_reference("  Số:  62 / KH-SNN-TCCB ")
    assert ref.raw == "Số: 62 / KH-SNN-TCCB"
    with pytest.raises(AttributeError):
        ref.number = "63"  # type: ignore[misc]


@pytest.mark.parametrize(("text", "code"), [
    ("", "empty"), ("   ", "empty"), (None, "empty"),
    ("KH-SNN-TCCB", "missing_number"), ("/KH-SNN-TCCB", "missing_number"),
    ("62/1800/TT-BTC", "year_range"),
    ("abc", "shape"), ("62", "shape"), ("62/", "shape"), ("62/KH-", "shape"), ("62//KH-SNN", "shape"),
    ("62/2023-KH", "shape"), ("62/KH SNN", "shape"), ("Kế hoạch số 62/KH-SNN-TCCB ngày 26/8/2023", "shape"),
    ("62/KH_SNN", "shape"), ("62a/KH-SNN", "shape"),
])
def test_reference_errors(text: str, code: str) -> None:
    with pytest.raises(ReferenceFormatError) as info:
        parse_reference(text)  # type: ignore[arg-type]
    error = info.value
    assert error.code == code
    assert str(error).startswith(f'không đọc được số, ký hiệu "{clean(text)}"')
    if code in ("shape", "missing_number"):
        assert "cần dạng 62/KH-SNN-TCCB" in str(error)
        assert error.reason in str(error)


def test_reference_format_error_is_a_value_error() -> None:
    assert issubclass(ReferenceFormatError, ValueError)


reference_parts = st.tuples(
    st.from_regex(r"[1-9][0-9]{0,4}", fullmatch=True),
    st.sampled_from([k for k in DOCUMENT_KINDS if k != "CV"]),
    st.from_regex(r"[A-ZĐ][A-ZĐ&]{0,7}", fullmatch=True),
    st.one_of(st.none(), st.from_regex(r"[A-Z]{2,6}", fullmatch=True)),
)


@PROPERTY
@given(reference_parts, st.sampled_from(["{n}/{k}-{rest}", " Số: {n} / {k} – {rest} ", "{n} {k}-{rest}"]))
def test_reference_round_trip(parts: tuple[str, str, str, str | None], shape: str) -> None:
    number, kind, issuer, division = parts
    rest = issuer if division is None else f"{issuer}-{division}"
    ref = parse_reference(shape.format(n=number, k=kind, rest=rest))
    assert (ref.number, ref.year, ref.kind) == (number, None, kind)
    assert (ref.issuer, ref.division) == (issuer, division)
    assert parse_reference(ref.canonical) == replace(ref, raw=ref.canonical)


@PROPERTY
@given(st.one_of(st.text(), reference_like_text))
def test_parse_reference_raises_only_its_own_error(text: str) -> None:
    try:
        ref = parse_reference(text)
    except ReferenceFormatError as error:
        assert str(error).startswith("không đọc được số, ký hiệu")
    else:
        assert ref.number.isdigit()
        assert ref.kind is None or ref.kind in DOCUMENT_KINDS


@pytest.mark.parametrize(("text", "code"), [
    ("Kế hoạch", "KH"), ("kế hoạch", "KH"), ("KẾ HOẠCH", "KH"), ("ke hoach", "KH"), ("báo cáo", "BC"),
    ("bao cao", "BC"), ("Báo cáo", "BC"), ("Quyết định", "QĐ"), ("quyet dinh", "QĐ"), ("Công văn", "CV"),
    ("cong van", "CV"), ("Thông báo", "TB"), ("Tờ trình", "TTr"), ("Quy định", "QyĐ"), ("Hợp đồng", "HĐ"),
    ("Hướng dẫn", "HD"), ("Đề án", "ĐA"), ("Dự án", "DA"), ("Thông tư liên tịch", "TTLT"),
    ("Giấy uỷ quyền", "GUQ"), ("Bản thoả thuận", "BTT"), (" Kế   hoạch. ", "KH"),
    (unicodedata.normalize("NFD", "Kế hoạch"), "KH"),
    ("kh", "KH"), ("KH", "KH"), ("QD", "QĐ"), ("qđ", "QĐ"), ("cv", "CV"), ("ttr", "TTr"), ("QYĐ", "QyĐ"),
    ("ND", "NĐ"), ("HD", "HD"), ("HĐ", "HĐ"), ("DA", "DA"), ("đa", "ĐA"),
])
def test_kind_from_name(text: str, code: str) -> None:
    assert kind_from_name(text) == code


@pytest.mark.parametrize("text", ["", "  ", "Văn bản", "Kế hoạch số 62", "XYZ", "Quyết"])
def test_kind_from_name_unknown(text: str) -> None:
    assert kind_from_name(text) is None


def test_kind_from_name_knows_every_kind() -> None:
    for code, name in DOCUMENT_KINDS.items():
        assert kind_from_name(name) == code
        assert kind_from_name(name.upper()) == code
        assert kind_from_name(fold(name)) == code
        assert kind_from_name(code) == code
        assert kind_from_name(code.lower()) == code
    assert kind_from_name(float("nan")) is None  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# clean, fold
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("  Kế   hoạch \n\t số 62 ", "Kế hoạch số 62"),
    ("Kế\u00a0hoạch\u202fsố\u2007 62", "Kế hoạch số 62"),
    ("\ufeffKế hoạch\u200b", "Kế hoạch"),
    (unicodedata.normalize("NFD", "Ủy ban nhân dân"), "Ủy ban nhân dân"),
    (None, ""), (float("nan"), ""), (np.float64("nan"), ""), (pd.NA, ""), (pd.NaT, ""),
    (62, "62"), (2.5, "2.5"), ("", ""),
])
def test_clean(value: object, expected: str) -> None:
    assert clean(value) == expected


@PROPERTY
@given(st.text())
def test_clean_is_idempotent(text: str) -> None:
    once = clean(text)
    assert clean(once) == once
    assert once == once.strip()
    assert "  " not in once
    assert unicodedata.is_normalized("NFC", once)


@pytest.mark.parametrize(("value", "expected"), [
    ("Kế hoạch", "ke hoach"), ("ĐỀ ÁN", "de an"), ("Đường", "duong"), ("  Ủy   ban ", "uy ban"),
    (unicodedata.normalize("NFD", "Quyết định"), "quyet dinh"), ("QĐ-UBND", "qd-ubnd"), ("Straße", "strasse"),
])
def test_fold(value: str, expected: str) -> None:
    assert fold(value) == expected


@PROPERTY
@given(vietnamese_phrases)
def test_fold_is_ascii_for_vietnamese(phrase: str) -> None:
    folded = fold(phrase)
    assert folded.isascii()
    assert fold(phrase.upper()) == folded == fold(unicodedata.normalize("NFD", phrase))


# --------------------------------------------------------------------------------------------
# decode_bytes
# --------------------------------------------------------------------------------------------

def test_decode_utf8_with_and_without_bom() -> None:
    text = "Loại,Số ký hiệu\nKế hoạch,62/KH-SNN-TCCB\n"
    assert decode_bytes(text.encode()) == (text, "utf-8")
    assert decode_bytes(b"\xef\xbb\xbf" + text.encode()) == (text, "utf-8-sig")
    assert decode_bytes(unicodedata.normalize("NFD", text).encode()) == (text, "utf-8")
    assert decode_bytes(b"") == ("", "utf-8")


def test_decode_windows_1258_gives_nfc() -> None:
    text = "Loại,Số ký hiệu\nKế hoạch,62/KH-SNN-TCCB\nỦy ban nhân dân tỉnh Hà Giang – đơn vị\n"
    data = cp1258_bytes(text)
    assert decode_bytes(data) == (text, "cp1258")


@pytest.mark.parametrize("text", ["Thủ phòng", "Thủ trưởng các phòng", "hoà", "Kế hoạch"])
def test_windows_1258_tone_bytes_are_not_taken_for_tcvn3(text: str) -> None:
    # read as Latin-1, "Thủ phòng" in Windows-1258 is "ThuÒ phoÌng", which TCVN3 reads as "Thuề phoèng"
    assert decode_bytes(cp1258_bytes(text)) == (text, "cp1258")


def test_windows_1258_is_not_taken_for_mixed_utf8() -> None:
    # a tone byte before a curly quote or an ellipsis makes a valid UTF-8 pair: "Sở…" is b"S\xf5\xd2\x85"
    text = "“Đẩy mạnh CCHC” – Sở… “hoà” “Thủ” “Việt”\n"
    assert decode_bytes(cp1258_bytes(text)) == (text, "cp1258")


def test_decode_refuses_utf16() -> None:
    for data in ("Kế hoạch".encode("utf-16"), b"\xfe\xff" + "Kế hoạch".encode("utf-16-be")):
        with pytest.raises(TextEncodingError, match="UTF-16"):
            decode_bytes(data)


def test_decode_refuses_undecodable_bytes_with_their_line() -> None:
    with pytest.raises(TextEncodingError) as info:
        decode_bytes(b"a,b\nc,d\n\x81\x8d\n")
    assert "0x81" in str(info.value)
    assert "dòng 3" in str(info.value)
    assert info.value.legacy_font is None


def test_decode_refuses_utf8_mixed_with_another_encoding() -> None:
    data = "Kế hoạch số 62, Báo cáo, Quyết định\n".encode() + cp1258_bytes("Tờ trình\n")
    with pytest.raises(TextEncodingError, match="trộn lẫn") as info:
        decode_bytes(data)
    assert "dòng 2" in str(info.value)
    with pytest.raises(TextEncodingError, match="trộn lẫn"):
        decode_bytes(b"\xef\xbb\xbfabc\n\xff")


@pytest.mark.parametrize("font", ["TCVN3", "VNI"])
def test_decode_reports_legacy_fonts(font: str) -> None:
    data = encode_legacy(SEED, font).encode("latin-1")
    with pytest.raises(TextEncodingError, match=font) as info:
        decode_bytes(data)
    assert info.value.legacy_font == font
    converted = convert_legacy(data.decode("latin-1"), font)
    assert converted == SEED if font == "VNI" else converted.lower() == SEED.lower()  # TCVN3: no capitals


@PROPERTY
@given(st.text(), st.booleans())
def test_decode_round_trips_utf8(text: str, bom: bool) -> None:
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    assert decode_bytes(data) == (unicodedata.normalize("NFC", text), "utf-8-sig" if bom else "utf-8")


@PROPERTY
@given(vietnamese_phrases)
def test_decode_round_trips_windows_1258(phrase: str) -> None:
    data = cp1258_bytes(phrase)
    expected = "cp1258" if not data.isascii() else "utf-8"
    assert decode_bytes(data) == (phrase, expected)


@PROPERTY
@given(st.binary(max_size=200))
def test_decode_raises_only_text_encoding_error(data: bytes) -> None:
    try:
        text, encoding = decode_bytes(data)
    except TextEncodingError as error:
        assert str(error)
    else:
        assert encoding in ("utf-8", "utf-8-sig", "cp1258")
        assert unicodedata.is_normalized("NFC", text)


# --------------------------------------------------------------------------------------------
# legacy fonts
# --------------------------------------------------------------------------------------------

def test_there_are_134_vietnamese_letters() -> None:
    assert len(VIETNAMESE_LETTERS) == len(set(VIETNAMESE_LETTERS)) == 134


def test_vni_round_trips_all_134_letters() -> None:
    encoded = {letter: encode_legacy(letter, "VNI") for letter in VIETNAMESE_LETTERS}
    assert len(set(encoded.values())) == 134  # no two letters share a code
    for letter, code in encoded.items():
        assert code != letter or letter in "ìíÌÍ"  # VNI keeps these four as Latin-1 has them
        assert all(ord(c) < 256 for c in code)
        assert convert_legacy(code, "VNI") == letter
    line = " ".join(VIETNAMESE_LETTERS)
    assert convert_legacy(encode_legacy(line, "VNI"), "VNI") == line
    glued = "".join(VIETNAMESE_LETTERS)  # letters next to each other must not be misread
    assert convert_legacy(encode_legacy(glued, "VNI"), "VNI") == glued


def test_tcvn3_round_trips_all_134_letters() -> None:
    """TCVN3 has one byte per lowercase letter and only seven capitals (Ă Â Ê Ô Ơ Ư Đ): capitals
    with a tone were typed with the lowercase byte in a ".VnTimeH" font, so they come back lowercase."""
    exact = [c for c in VIETNAMESE_LETTERS if c.islower() or c in TCVN3_CAPITALS]
    assert len(exact) == 74
    codes = {letter: encode_legacy(letter, "TCVN3") for letter in exact}
    assert len(set(codes.values())) == 74
    for letter, code in codes.items():
        assert len(code) == 1 and 0xA1 <= ord(code) <= 0xFE, letter
        assert convert_legacy(code, "TCVN3") == letter
    for letter in VIETNAMESE_LETTERS:
        assert convert_legacy(encode_legacy(letter, "TCVN3"), "TCVN3") == (
            letter if letter in exact else letter.lower()
        )
    glued = "".join(exact)
    assert convert_legacy(encode_legacy(glued, "TCVN3"), "TCVN3") == glued


@pytest.mark.parametrize(("font", "legacy", "unicode"), [
    ("TCVN3", "Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
    ("TCVN3", "§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc"),
    ("TCVN3", "Nhµ n\xadíc, Thñ t\xadíng, Th«ng t\xad", "Nhà nước, Thủ tướng, Thông tư"),
    ("TCVN3", "KÕ ho¹ch sè 62/KH-SNN-TCCB", "Kế hoạch số 62/KH-SNN-TCCB"),
    ("VNI", "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
    ("VNI", "Ñoäc laäp - Töï do - Haïnh phuùc", "Độc lập - Tự do - Hạnh phúc"),
    ("VNI", "ñöôïc, ngöôøi, Ñaø Naüng, khuyeán khích", "được, người, Đà Nẵng, khuyến khích"),
    ("VNI", "COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
])
def test_convert_known_legacy_text(font: str, legacy: str, unicode: str) -> None:
    assert convert_legacy(legacy, font) == unicode
    assert convert_legacy(legacy, font.lower()) == unicode
    assert encode_legacy(unicode, font) == legacy


def test_convert_legacy_unknown_font() -> None:
    with pytest.raises(ValueError, match="VISCII"):
        convert_legacy("abc", "VISCII")


@PROPERTY
@given(vietnamese_phrases)
def test_legacy_round_trip_of_real_text(phrase: str) -> None:
    assert convert_legacy(encode_legacy(phrase, "VNI"), "VNI") == phrase
    lower = phrase.lower()
    assert convert_legacy(encode_legacy(lower, "TCVN3"), "TCVN3") == lower


@pytest.mark.parametrize(("text", "font"), [
    ("B¸o c¸o", "TCVN3"), ("KÕ ho¹ch", "TCVN3"), ("QuyÕt ®Þnh", "TCVN3"), ("C«ng v¨n", "TCVN3"),
    ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "TCVN3"), ("§éc lËp - Tù do - H¹nh phóc", "TCVN3"),
    ("Baùo caùo", "VNI"), ("Keá hoaïch", "VNI"), ("Quyeát ñònh", "VNI"), ("Coâng vaên", "VNI"),
    ("Vieät Nam", "VNI"), ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "VNI"),
])
def test_detect_legacy_font(text: str, font: str) -> None:
    assert detect_legacy_font(text) == font


@pytest.mark.parametrize("font", ["TCVN3", "VNI"])
def test_detect_legacy_font_on_the_seed(font: str) -> None:
    assert detect_legacy_font(encode_legacy(SEED, font)) == font
    lines = [line for line in SEED.splitlines() if len(line.split()) >= 5]
    assert all(detect_legacy_font(encode_legacy(line, font)) == font for line in lines)


@pytest.mark.parametrize("text", [
    SEED, SEED.upper(), SEED.lower(), unicodedata.normalize("NFD", SEED), ENGLISH,
    "Báo cáo tài chính", "BÁO CÁO", "Tài chính", "Công văn", "Giám đốc", "", "   ", "UBND, TCCB, 2023",
    "Größere Städte müssen über die Zukunft ihrer Bürger nachdenken; schöne Grüße aus München.",
    "Le garçon a mangé une crème brûlée à côté de l'hôtel; il était très élégant, naïf et déçu.",
    "El niño comió una manzana en la mañana. ¿Dónde está el señor? Año nuevo, vida nueva.",
    "A informação está disponível em São Paulo. Não há razão para preocupação.",
])
def test_detect_legacy_font_leaves_real_text_alone(text: str) -> None:
    assert detect_legacy_font(text) is None


def test_detect_legacy_font_on_english_paragraph_by_paragraph() -> None:
    for piece in [*ENGLISH.splitlines(), *ENGLISH.split()]:
        assert detect_legacy_font(piece) is None, piece


@PROPERTY
@given(vietnamese_phrases, st.sampled_from([str, str.upper, str.lower, str.title, str.capitalize]))
def test_detect_legacy_font_never_flags_real_vietnamese(phrase: str, case: object) -> None:
    text = case(phrase)  # type: ignore[operator]
    assert detect_legacy_font(text) is None
    assert detect_legacy_font(unicodedata.normalize("NFD", text)) is None


@PROPERTY
@given(st.text())
def test_detect_legacy_font_never_raises(text: str) -> None:
    assert detect_legacy_font(text) in (None, "TCVN3", "VNI")


def test_seed_words_are_all_covered() -> None:
    """Sanity check of the fixture: the phrases above really carry Vietnamese-only letters too."""
    assert any(re.search("[ăđơưạ-ỹ]", w) for w in SEED_WORDS)
    assert len(SEED_WORDS) > 150

"""Clean, compare and decode the Vietnamese text found in evidence registers.

Registers come from many hands: Excel cells with non-breaking spaces, NFD text pasted from
macOS, CSV files saved as UTF-8, UTF-8 with BOM or Windows-1258, and cells still typed in the
legacy 8-bit fonts (TCVN3 ``.VnTime``, ``VNI-Times``) that Excel shows as mojibake such as
``B¸o c¸o`` or ``Baùo caùo``. This module turns all of that into clean NFC Unicode, and says
in Vietnamese what it could not read.

The TCVN3 and VNI tables below are the standard, fixed layouts of those fonts, kept as data:
PyPI has no small, maintained converter for them (``vniencoder`` is the VNI *typing* method,
"a1" → "á"; ``viparse`` is a whole document loader whose VNI table lacks ẳ/Ẳ).
"""

from __future__ import annotations

import math
import re
import sys
import unicodedata

__all__ = [
    "LEGACY_FONTS",
    "MESSAGES",
    "TextEncodingError",
    "clean",
    "convert_legacy",
    "decode_bytes",
    "detect_legacy_font",
    "encode_legacy",
    "fold",
    "is_missing",
]

MESSAGES: dict[str, str] = {
    "undecodable": (
        "bảng mã của tệp không phải UTF-8 hay Windows-1258 (byte 0x{byte:02X} ở dòng {line}); "
        "hãy lưu lại tệp dạng “CSV UTF-8”"
    ),
    "utf16": (
        "tệp được lưu dạng {encoding} (“Unicode Text” của Excel), "
        "chỉ đọc được UTF-8 hoặc Windows-1258; hãy lưu lại tệp dạng “CSV UTF-8”"
    ),
    "mixed": (
        "tệp trộn lẫn UTF-8 với một bảng mã khác (byte lỗi 0x{byte:02X} ở dòng {line}); "
        "hãy sửa dòng đó rồi lưu lại tệp dạng “CSV UTF-8”"
    ),
    "legacy": (
        "văn bản được gõ bằng phông {font} ({example}), chưa phải Unicode; "
        "hãy chuyển sang Unicode (ví dụ bằng công cụ chuyển mã của Unikey) rồi lưu lại tệp dạng “CSV UTF-8”"
    ),
    "unknown_font": "không biết phông cũ {font!r}; chỉ hỗ trợ: {known}",
}

LEGACY_FONTS: dict[str, str] = {
    "TCVN3": "bảng mã TCVN3/ABC, phông .VnTime",
    "VNI": "bảng mã VNI, phông VNI-Times",
}


class TextEncodingError(ValueError):
    """File bytes that are not UTF-8 (with or without BOM) nor Windows-1258.

    ``legacy_font`` is "TCVN3" or "VNI" when the bytes look like text typed in a legacy font;
    the caller may then choose to ``convert_legacy(data.decode("latin-1"), font)``.
    """

    def __init__(self, message: str, *, legacy_font: str | None = None) -> None:
        super().__init__(message)
        self.legacy_font = legacy_font


# --------------------------------------------------------------------------------------------
# clean / fold
# --------------------------------------------------------------------------------------------

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\ufeff\u2060"))  # ZWSP, BOM, word joiner: Excel pastes
_VIET_D = str.maketrans({"đ": "d", "Đ": "d"})


def is_missing(value: object) -> bool:
    """True for None, NaN (float, numpy) and pandas' NA/NaT: the empty cells of a table."""
    if value is None:
        return True
    if isinstance(value, str):
        return False
    if isinstance(value, float):
        return math.isnan(value)
    pandas = sys.modules.get("pandas")  # a pandas missing value can only exist if pandas is loaded
    if pandas is not None:
        try:
            return bool(pandas.api.types.is_scalar(value) and pandas.isna(value))
        except (TypeError, ValueError):
            return False
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(value, numpy.generic):
        try:
            return bool(numpy.isnan(value)) if numpy.issubdtype(value.dtype, numpy.inexact) else bool(
                numpy.isnat(value)
            )
        except TypeError:
            return False
    return False


def clean(s: object) -> str:
    """str(s), NFC, non-breaking and zero-width spaces handled, whitespace runs collapsed, stripped.

    None and NaN give "". Idempotent: ``clean(clean(x)) == clean(x)``.
    """
    if is_missing(s):
        return ""
    if isinstance(s, str):
        text = s
    else:
        try:
            text = str(s)
        except ValueError:  # an int of more than 4300 digits
            text = f"<{type(s).__name__}>"
    text = text.translate(_ZERO_WIDTH)
    text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())  # str.split() also splits on NBSP, narrow NBSP, figure space…


def fold(s: str) -> str:
    """Casefolded, diacritic-free form (đ → d) for tolerant comparisons and "did you mean".

    ``fold("Kế hoạch") == "ke hoach"``.
    """
    decomposed = unicodedata.normalize("NFD", clean(s))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.translate(_VIET_D).casefold()


# --------------------------------------------------------------------------------------------
# legacy fonts: TCVN3 (ABC) and VNI, as they surface when their bytes are read as Latin-1/cp1252
# --------------------------------------------------------------------------------------------

_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # ngang, huyền, sắc, hỏi, ngã, nặng
_TONE_MARKS = frozenset(_TONES[1:])


def _letter(base: str, tone: int) -> str:
    return unicodedata.normalize("NFC", base + _TONES[tone])


# TCVN3 (TCVN 5712:1993 VN3, the ABC fonts .VnTime/.VnArial): one byte per lowercase letter, in
# tone order ngang, huyền, sắc, hỏi, ngã, nặng. Only seven uppercase letters (Ă Â Ê Ô Ơ Ư Đ,
# bytes A1–A7) exist: capitals with a tone were typed with the same bytes in a ".VnTimeH" font.
_TCVN3_ROWS: dict[str, str] = {
    "a": "aµ¸¶·¹",
    "ă": "¨»¾¼½Æ",
    "â": "©ÇÊÈÉË",
    "e": "eÌÐÎÏÑ",
    "ê": "ªÒÕÓÔÖ",
    "i": "i×ÝØÜÞ",
    "o": "oßãáâä",
    "ô": "«åèæçé",
    "ơ": "¬êíëìî",
    "u": "uïóñòô",
    "ư": "\xadõøö÷ù",
    "y": "yúýûüþ",
}
_TCVN3_EXTRA: dict[str, str] = {
    "đ": "®", "Ă": "¡", "Â": "¢", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦", "Đ": "§",
}

# VNI (VNI-Windows, fonts VNI-Times…): a base ASCII letter followed by a mark character, except
# for ơ ư đ and the toned i/ỵ, which are single characters. Capitals use the capital marks.
_VNI_ROWS: dict[str, tuple[str, ...]] = {
    "a": ("a", "aø", "aù", "aû", "aõ", "aï"),
    "ă": ("aê", "aè", "aé", "aú", "aü", "aë"),
    "â": ("aâ", "aà", "aá", "aå", "aã", "aä"),
    "e": ("e", "eø", "eù", "eû", "eõ", "eï"),
    "ê": ("eâ", "eà", "eá", "eå", "eã", "eä"),
    "i": ("i", "ì", "í", "æ", "ó", "ò"),
    "o": ("o", "oø", "où", "oû", "oõ", "oï"),
    "ô": ("oâ", "oà", "oá", "oå", "oã", "oä"),
    "ơ": ("ô", "ôø", "ôù", "ôû", "ôõ", "ôï"),
    "u": ("u", "uø", "uù", "uû", "uõ", "uï"),
    "ư": ("ö", "öø", "öù", "öû", "öõ", "öï"),
    "y": ("y", "yø", "yù", "yû", "yõ", "î"),
}
_VNI_EXTRA: dict[str, str] = {"đ": "ñ"}


def _build_tables() -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    """For each font: (Unicode letter → legacy sequence, legacy sequence → Unicode letter)."""
    tcvn3_fwd: dict[str, str] = {}
    for base, codes in _TCVN3_ROWS.items():
        for tone, code in enumerate(codes):
            letter = _letter(base, tone)
            tcvn3_fwd[letter] = code
            if letter.upper() not in _TCVN3_EXTRA:  # no capital of its own: the .VnTimeH convention
                tcvn3_fwd[letter.upper()] = code if not code.isascii() else code.upper()
    tcvn3_fwd.update(_TCVN3_EXTRA)

    vni_fwd: dict[str, str] = {}
    for base, seqs in _VNI_ROWS.items():
        for tone, seq in enumerate(seqs):
            letter = _letter(base, tone)
            vni_fwd[letter] = seq
            vni_fwd[letter.upper()] = seq.upper()
    for letter, seq in _VNI_EXTRA.items():
        vni_fwd[letter] = seq
        vni_fwd[letter.upper()] = seq.upper()

    tables = {}
    for font, fwd in (("TCVN3", tcvn3_fwd), ("VNI", vni_fwd)):
        back: dict[str, str] = {}
        for letter, seq in fwd.items():
            if not seq.isascii() and (seq not in back or letter.islower()):
                back[seq] = letter  # TCVN3 capitals share the lowercase byte: decode to lowercase
        tables[font] = ({k: v for k, v in fwd.items() if k != v}, {k: v for k, v in back.items() if k != v})
    return tables


_TABLES = _build_tables()


def _font_key(font: str) -> str:
    key = font.strip().upper()
    key = {"ABC": "TCVN3", "TCVN": "TCVN3", "VNI-WINDOWS": "VNI", "VNI-WIN": "VNI"}.get(key, key)
    if key not in _TABLES:
        raise ValueError(MESSAGES["unknown_font"].format(font=font, known=", ".join(LEGACY_FONTS)))
    return key


def _convert(text: str, back: dict[str, str]) -> str:
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        pair = text[i : i + 2]
        if len(pair) == 2 and pair in back:  # longest match first: VNI "aù" before "a"
            out.append(back[pair])
            i += 2
        else:
            out.append(back.get(text[i], text[i]))
            i += 1
    return unicodedata.normalize("NFC", "".join(out))


def convert_legacy(s: str, font: str) -> str:
    """Text typed in a legacy font (read as Latin-1/cp1252) → NFC Unicode. ``font``: "TCVN3" or "VNI".

    TCVN3 has no capital toned letters (they were typed in ".VnTimeH" fonts with the lowercase
    bytes), so those come back lowercase. Characters that are not part of the font pass unchanged.
    """
    return _convert(s, _TABLES[_font_key(font)][1])


def encode_legacy(s: str, font: str) -> str:
    """The inverse of :func:`convert_legacy` (Unicode → legacy font), for tests and fixtures."""
    fwd = _TABLES[_font_key(font)][0]
    return "".join(fwd.get(ch, ch) for ch in unicodedata.normalize("NFC", s))


# A Vietnamese syllable (lowercase, tone removed): onset + rime. Used to tell legacy-font text
# from real text: a legacy word is not a syllable as it stands but becomes one once converted.
_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
_OPEN_RIMES = (
    "iêu|yêu|uôi|ươi|ươu|oai|oay|oao|oeo|uây|uyu|uya|ai|ao|au|ay|âu|ây|eo|êu|ia|iu|oi|ôi|ơi|ua|ui|ưa|ưi|"
    "ưu|oa|oe|uê|uy|uơ|ya|a|e|ê|i|y|o|ô|ơ|u|ư"
)
_CLOSED_NUCLEI = "uyê|iê|yê|uô|ươ|oa|oă|oe|uâ|uê|uy|oo|a|ă|â|e|ê|i|o|ô|ơ|u|ư"
_SYLLABLE = re.compile(
    rf"(?P<onset>{_ONSET})(?:(?P<open>{_OPEN_RIMES})|(?:{_CLOSED_NUCLEI})(?P<coda>ch|c|m|ng|nh|n|p|t))"
)
_GLIDES = frozenset("iyuo")


def is_syllable(word: str) -> bool:
    toneless: list[str] = []
    tone, tone_at = "", -1
    for ch in unicodedata.normalize("NFC", word.lower()):
        parts = unicodedata.normalize("NFD", ch)
        marks = [m for m in parts if m in _TONE_MARKS]
        if marks:
            if tone or len(marks) > 1:
                return False
            tone, tone_at = marks[0], len(toneless)
            parts = "".join(m for m in parts if m not in _TONE_MARKS)
        toneless.append(unicodedata.normalize("NFC", parts))
    bare = "".join(toneless)
    if len(bare) != len(toneless):
        return False
    match = _SYLLABLE.fullmatch(bare)
    if match is None:
        return False
    if match["coda"] in ("c", "ch", "p", "t") and tone not in ("", "\u0301", "\u0323"):
        return False
    rime = match["open"]  # in "ai", "ao", "ươi"… the tone never sits on the closing glide
    return not (
        rime and tone and len(rime) > 1 and rime != "uy" and tone_at == len(bare) - 1 and bare[-1] in _GLIDES
    )


_VIETNAMESE_ONLY = re.compile("[ĂăĐđƠơƯư\u1ea0-\u1ef9\u0300-\u036f]")
_VIETNAMESE_LATIN1 = frozenset("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")  # what a Vietnamese keyboard types there
_WORD = re.compile("[A-Za-z\u00a1-\u00ff]+")


def _has_vowel(word: str) -> bool:
    return any(unicodedata.normalize("NFD", c)[0] in "aeiouy" for c in word.lower())


def _foreign_inside(word: str) -> bool:
    """A character no Vietnamese keyboard types, between two ASCII letters: "B¸o", "Vieät"."""
    return any(
        c not in _VIETNAMESE_LATIN1 and c != "·" and word[i - 1].isascii() and word[i + 1].isascii()
        for i, c in enumerate(word[1:-1], start=1)
        if not c.isascii()
    )


def _looks_like_symbol_use(word: str) -> bool:
    """Only a leading symbol ("µm", "©Acme") or middle dots ("x·y") are non-ASCII: units, maths."""
    rest = {c for c in word[1:] if not c.isascii()}
    return not rest or rest == {"·"}


def _score(words: set[str], back: dict[str, str]) -> tuple[int, int, bool]:
    """(hits, misses, any hit with a foreign character inside) over the distinct non-ASCII words."""
    hits = misses = 0
    inside = False
    for word in words:
        if len(word) < 2 or word.isascii() or not any(c.isascii() for c in word):
            continue
        converted = _convert(word, back)
        if not _has_vowel(converted) or _looks_like_symbol_use(word):
            continue  # "Q§" (QĐ), "µm", "x·y": these say nothing either way
        if not is_syllable(converted):
            misses += 1
        elif not is_syllable(word):
            hits += 1
            inside = inside or _foreign_inside(word)
    return hits, misses, inside


def detect_legacy_font(s: str) -> str | None:
    """"TCVN3" or "VNI" when ``s`` was typed in that legacy font and read as Latin-1/cp1252, else None.

    Text that holds any letter only Unicode Vietnamese has (ă, ơ, ư, đ, ạ…) is Unicode. Otherwise
    each distinct word with a non-ASCII character votes: a hit when it is not a Vietnamese syllable
    as it stands but becomes one converted, a miss when the conversion is no syllable either. Real
    Vietnamese words are syllables as they stand, so they never vote for a font. It takes two hits
    (one is not enough: "10 µm" reads as TCVN3 "10 àm"), or one hit with a character no Vietnamese
    keyboard types between two letters ("Vieät"), and hits must outnumber misses two to one.
    Short cells are often too short to tell: detect on a whole column or file where possible.
    """
    text = clean(s)
    if _VIETNAMESE_ONLY.search(text):
        return None
    words = set(_WORD.findall(text))  # case kept: TCVN3 "Ö" (ệ) and "ö" (ử) differ
    best: tuple[int, str] | None = None
    for font, (_, back) in _TABLES.items():
        hits, misses, inside = _score(words, back)
        convincing = (hits >= 2 and hits > 2 * misses) or (hits == 1 and misses == 0 and inside)
        if convincing and (best is None or hits > best[0]):
            best = (hits, font)
    return None if best is None else best[1]


# --------------------------------------------------------------------------------------------
# bytes → text
# --------------------------------------------------------------------------------------------

_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_UTF16_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def decode_bytes(data: bytes) -> tuple[str, str]:
    """File bytes → (NFC text, encoding): "utf-8-sig", "utf-8" or "cp1258", tried in that order.

    No other encoding is guessed. Raises :class:`TextEncodingError` (Vietnamese message) for
    UTF-16/32 files, files mixing UTF-8 with another encoding, text typed in a legacy font
    (TCVN3/VNI), and bytes Windows-1258 cannot decode.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return unicodedata.normalize("NFC", data[3:].decode("utf-8")), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise _undecodable("mixed", data, exc.start + 3) from None
    for bom, name in _UTF16_BOMS:
        if data.startswith(bom):
            raise TextEncodingError(MESSAGES["utf16"].format(encoding=name))
    try:
        return unicodedata.normalize("NFC", data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    invalid = data.decode("utf-8", errors="replace").count("\ufffd") - data.count("\ufffd".encode())
    if len(_UTF8_MULTIBYTE.findall(data)) > invalid:  # mostly UTF-8, with a few bytes of something else
        raise _undecodable("mixed", data, first_bad)
    try:
        text: str | None = unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError as exc:
        text, bad = None, exc.start
    latin1 = data.decode("latin-1")
    font = detect_legacy_font(latin1)
    # Windows-1258 tone bytes read as Latin-1 can pass for TCVN3 ("ThuÒ" for "Thủ"): the reading
    # that gives more Vietnamese syllables wins.
    if font is not None and (text is None or _syllables(convert_legacy(latin1, font)) > _syllables(text)):
        raise TextEncodingError(
            MESSAGES["legacy"].format(font=font, example=LEGACY_FONTS[font]), legacy_font=font
        )
    if text is None:
        raise _undecodable("undecodable", data, bad)
    return text, "cp1258"


def _syllables(text: str) -> int:
    """How many words with a non-ASCII letter are Vietnamese syllables."""
    return sum(1 for word in re.findall(r"[^\W\d_]+", text) if not word.isascii() and is_syllable(word))


def _undecodable(code: str, data: bytes, position: int) -> TextEncodingError:
    return TextEncodingError(MESSAGES[code].format(byte=data[position], line=_line_of(data, position)))


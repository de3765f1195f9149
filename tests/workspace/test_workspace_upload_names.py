"""Whatever name a browser sends and whatever bytes come with it: the stored name stays inside its folder,
and only content that is what it claims passes."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workspace.errors import Invalid
from workspace.uploads import content_type, safe_name, shown_name


@given(st.text(max_size=300))
def test_a_safe_name_is_one_plain_file_name(name: str) -> None:
    safe = safe_name(name, ".pdf")
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]{0,59}\.pdf|tep\.pdf", safe)


@given(st.text(max_size=400))
def test_a_shown_name_has_no_folder_and_no_control_character(name: str) -> None:
    shown = shown_name(name)
    assert shown and len(shown) <= 255
    assert "/" not in shown and "\\" not in shown
    assert not any(ord(ch) < 32 or ord(ch) == 127 for ch in shown)


@given(st.binary(max_size=2000))
def test_bytes_that_are_not_a_pdf_or_a_docx_are_refused(data: bytes) -> None:
    if data.startswith((b"%PDF-", b"PK\x03\x04")):
        return
    with pytest.raises(Invalid):
        content_type("x.pdf", data, (".pdf", ".docx"))


def test_vietnamese_names_keep_their_letters_without_marks() -> None:
    assert safe_name("Báo cáo THPL năm 2023 (bản ký).PDF", ".pdf") == "bao-cao-thpl-nam-2023-ban-ky.pdf"
    assert shown_name("C:\\Users\\a\\Báo cáo.docx") == "Báo cáo.docx"

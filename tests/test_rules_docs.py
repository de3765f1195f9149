"""The Vietnamese docs of every scheme are in the repository and never older than the rules; the authoring
guide's worked example is the criterion that is really in the 2024 set."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from engine.authoring.rules_docs import load, render_all, render_scheme
from engine.scheme import Criterion
from engine.scheme_loader import load_scheme
from tests.conftest import ROOT, RULES

DOCS = ROOT / "docs" / "rules"
SCHEME_DIRS = sorted(p for p in RULES.iterdir() if (p / "scheme.yaml").is_file())


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return render_all(SCHEME_DIRS)


def test_docs_in_the_repository_are_up_to_date(pages: dict[str, str]) -> None:
    """Fails when a rule or a case changed without `cchc rules docs`."""
    assert sorted(p.name for p in DOCS.glob("*.md")) == sorted(pages)
    stale = [name for name, text in pages.items() if (DOCS / name).read_text(encoding="utf-8") != text]
    assert stale == [], f"chạy `cchc rules docs`: {stale}"


def test_every_scheme_has_its_page(pages: dict[str, str]) -> None:
    for folder in SCHEME_DIRS:
        assert f"{load_scheme(folder).id}.md" in pages


def test_a_page_says_version_decision_and_every_criterion(pages: dict[str, str]) -> None:
    page = pages["ha-giang-2024-so.md"]
    scheme = load_scheme(RULES / "ha-giang-2024-so")
    assert "| Phiên bản | 2024.1 |" in page
    assert "| Quyết định | Chưa có quyết định ban hành bộ Chỉ số CCHC năm 2024 trong tay." in page
    for c in scheme.criteria():
        assert f"### {c.id}. {c.title}" in page
    assert "[ha-giang-2023-so-vs-ha-giang-2024-so.md](ha-giang-2023-so-vs-ha-giang-2024-so.md)" in page
    assert "Tổng: 21 tiêu chí, 100 điểm; 21 tiêu chí (100 điểm) dựa trên giả định chưa đối chiếu" in page


def test_a_criterion_in_words(pages: dict[str, str]) -> None:
    page = pages["ha-giang-2023-so.md"]
    section = page.split("### 3.2.")[1].split("### 3.3.")[0]
    # owners by name, the source and that it is not verified, scoring in words, evidence in words, the cases
    assert "Chi cục Phát triển nông thôn (`chi-cuc-ptnt`)" in section
    assert "**chưa đối chiếu văn bản gốc** †. Giả định: Giả định 3 phần bằng nhau" in section
    assert "3.2.a Hồ sơ giải quyết đúng hạn (2 điểm): theo mức của tỷ lệ `ho-so-dung-han`: từ 100% được 2; từ 95% " \
           "được 1; từ 0% được 0" in section
    assert "tỷ lệ [Trạng thái: Trước hạn hoặc Đúng hạn] trên [Trạng thái: Trước hạn hoặc Đúng hạn hoặc Quá hạn] " \
           "đạt 100%" in section
    assert "không có trường hợp nào phải tính thì đạt" in section
    assert "| `nhu-nam-2023` |" in section and "| 0,01 | đạt một phần |" in section
    due = pages["ha-giang-2024-so.md"].split("### 1.1.")[1].split("### 1.2.")[0]
    assert "Báo cáo (BC), nhãn `giao-duc-chinh-tri`, kỳ 2024; gửi hoặc ban hành chậm nhất ngày 09/11/2024" in due


def test_the_diff_page_is_shown_in_the_docs(pages: dict[str, str]) -> None:
    diff = pages["ha-giang-2023-so-vs-ha-giang-2024-so.md"]
    assert "| Phiên bản | 2023.1 | 2024.1 |" in diff
    assert "- **1.4** Các phòng, đơn vị gửi kế hoạch khắc phục" in diff
    assert "- **1.5** Các phòng, đơn vị báo cáo Ban Giám đốc Sở tiến độ khắc phục" in diff
    assert "| khac | điểm tối đa | 57,5 | 56,5 |" in diff


def test_a_scheme_without_cases_says_so(tmp_path: Path) -> None:
    import shutil

    target = tmp_path / "bo"
    shutil.copytree(RULES / "ha-giang-2023-so", target)
    (target / "cases" / "7.2.yaml").unlink()
    page = render_scheme(load(target))
    assert "Chưa có ca kiểm thử (cần `rules/bo/cases/7.2.yaml`)." in page


def _guide_example() -> dict:
    guide = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    example = guide.split("## Ví dụ làm thật")[1]
    block = re.search(r"```yaml\n(.+?)```", example, flags=re.S)
    assert block is not None
    [criterion] = yaml.safe_load(block.group(1))
    return criterion


def test_the_guides_worked_example_is_the_criterion_in_the_repository() -> None:
    scheme = load_scheme(RULES / "ha-giang-2024-so")
    kept = scheme.criterion("1.5")
    assert kept is not None
    assert Criterion.model_validate(_guide_example()) == kept
    assert (RULES / "ha-giang-2024-so" / "cases" / "1.5.yaml").is_file()


def test_the_guide_names_only_commands_that_exist() -> None:
    guide = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    commands = set(re.findall(r"cchc rules (\w+)", guide))
    assert commands == {"check", "test", "docs", "diff"}

"""The HTML report: one file that opens offline, shows the result's own figures, and shows evidence text as text.

The browser tests drive Debian's chromium through Playwright with every network request blocked; they
skip (saying why) only when chromium or Playwright is not on the machine. `.ci/run` installs both.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.reports import html_report, svg_charts
from engine.reports.inputs import HistoryPoint, ReportInputs
from engine.results import Assessment
from evidence.formatting import day, points
from tests.conftest import CASES, SEED

CHROMIUM = Path("/usr/bin/chromium")
INJECTED = '<script>window.pwned=1</script><img src="https://example.invalid/x.png" onerror="window.pwned=2">'
Q3 = CASES / "ha-giang-sonnptnt-2024-q3"


def _assess(folder: Path) -> Assessment:
    from engine.assess import Assessor
    from engine.pipeline import prepare

    scheme, evidence = prepare(folder)
    return Assessor(scheme).assess(evidence)


def _edit_register(src: Path, dst: Path, requirement: str, **columns: str) -> Path:
    """A copy of a case whose register row for `requirement` gets the given columns (the originals stay)."""
    shutil.copytree(src, dst)
    register = dst / "documents.csv"
    with register.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    [row] = [r for r in rows[1:] if r[header.index("Yêu cầu")] == requirement]
    for name, value in columns.items():
        row[header.index(name)] = value
    with register.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return dst


@pytest.fixture(scope="module")
def seed_result() -> Assessment:
    return _assess(SEED)


@pytest.fixture(scope="module")
def q3_result() -> Assessment:
    return _assess(Q3)


@pytest.fixture(scope="module")
def hostile_case(tmp_path_factory) -> Path:
    """The seed case with a `<script>` in the Trích yếu of a register row that meets a requirement, so it is quoted."""
    return _edit_register(SEED, tmp_path_factory.mktemp("hostile") / "case", "bao-cao-papi",
                          **{"Số, ký hiệu": "01/BC-SNN", "Ngày ban hành": "01/11/2023",
                             "Trích yếu": INJECTED + " Báo cáo PAPI"})


class _Parsed(HTMLParser):
    """Tags, attributes and text of a page, as a browser's tokenizer sees them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self._in_style = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        (self.styles if self._in_style else self.text).append(data)


# --- without a browser -------------------------------------------------------------------------------------------

def test_the_file_refers_to_nothing_outside_itself(seed_result, q3_result) -> None:
    for result in (seed_result, q3_result):
        page = _Parsed(html_report.render(ReportInputs(result)))
        assert not {"script", "link", "img", "iframe", "object", "embed", "base", "video", "audio"} & set(page.tags)
        refs = [(tag, name, value) for tag, name, value in page.attributes
                if name in {"src", "href", "xlink:href", "action", "formaction", "data", "poster", "srcset"}]
        assert refs and all(name == "href" and value.startswith("#") for _, name, value in refs), refs
        assert not [a for a in page.attributes if "http://" in a[2] or "https://" in a[2]]
        assert not [a for a in page.attributes if a[1].startswith("on")]  # no event handlers either
        css = "".join(page.styles)
        assert "url(" not in css and "@import" not in css and "@font-face" not in css


def test_every_in_page_link_has_its_target(seed_result) -> None:
    page = _Parsed(html_report.render(ReportInputs(seed_result)))
    ids = {value for _, name, value in page.attributes if name == "id"}
    links = {value[1:] for _, name, value in page.attributes if name == "href"}
    assert links <= ids, links - ids


def test_the_same_result_gives_the_same_bytes(seed_result, tmp_path) -> None:
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    html_report.write(ReportInputs(seed_result), first)
    html_report.write(ReportInputs(seed_result), second)
    assert first.read_bytes() == second.read_bytes()


def test_the_figures_are_the_results_in_vietnamese_format(seed_result) -> None:
    text = " ".join(_Parsed(html_report.render(ReportInputs(seed_result))).text)
    assert "75,66" in text and "Khá" in text and "giảm 7,37 điểm (83,03 điểm, Tốt)" in text
    assert f"Đã mất (hạn đã qua) {points(seed_result.lost)} điểm" in " ".join(text.split())
    assert "75.66" not in text
    for note in seed_result.assumptions:  # every unverified assumption is listed
        assert note in text


def test_a_script_in_a_registers_trich_yeu_is_text(hostile_case) -> None:
    result = _assess(hostile_case)
    assert any(INJECTED in line for c in result.criteria for line in c.trace)  # it does reach the report
    html = html_report.render(ReportInputs(result))
    page = _Parsed(html)
    assert "script" not in page.tags and "img" not in page.tags
    assert any(INJECTED in chunk for chunk in page.text)
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html


def test_cchc_report_writes_the_html_report(tmp_path) -> None:
    from engine.cli import main

    out = tmp_path / "bao-cao.html"
    assert main(["report", str(SEED), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_one_units_report_has_only_its_section(q3_result) -> None:
    mine = q3_result.for_unit("thanh-tra")
    html = html_report.render(ReportInputs(mine))
    page = _Parsed(html)
    assert [v for t, n, v in page.attributes if t == "section" and n == "class"] == ["unit"]
    assert "Đơn vị: Thanh tra Sở" in " ".join(" ".join(page.text).split())
    assert 'id="bieu-do-con-lay-duoc"' not in html and 'id="bieu-do-da-mat"' not in html  # others' figures
    section = " ".join(_Parsed(html.split('<section class="unit"', 1)[1].split("</section>", 1)[0]).text)
    assert f"Sở được thêm {points(q3_result.stake_by_unit()['thanh-tra'])} điểm" in " ".join(section.split())


def test_history_draws_one_column_per_saved_run(seed_result) -> None:
    history = tuple(
        HistoryPoint(as_of=date(2023, month, 28), total=Decimal(total), max=Decimal(100), reachable=Decimal(reach),
                     index_percent=Decimal(total), classification="Khá", opened_by_unit={"tccb": 2},
                     closed_by_unit={"tccb": 1})
        for month, total, reach in ((9, "70.5", "88"), (10, "73.25", "84"), (11, "75.66", "75.66")))
    html = html_report.render(ReportInputs(seed_result, history=history))
    chart = html.split('id="bieu-do-dien-bien"', 1)[1].split("</figure>", 1)[0]
    assert chart.count('class="bar"') == 3
    for h in history:
        assert f'data-label="{day(h.as_of)}" data-value="{points(h.total)}"' in chart
    assert 'id="bieu-do-dien-bien"' not in html_report.render(ReportInputs(seed_result))


def test_a_scenario_shows_its_projection_beside_the_current_result(q3_result, tmp_path) -> None:
    planned = _edit_register(Q3, tmp_path / "q3", "bao-cao-thpl",
                             **{"Số, ký hiệu": "40/BC-SNN", "Ngày ban hành": "25/09/2024"})
    scenario = _assess(planned)
    assert scenario.total == q3_result.total + 1  # the report of the THPL work (2.2) is worth 1 point
    html = html_report.render(ReportInputs(q3_result, scenario=scenario, scenario_name="ke-hoach-quy-4.yaml"))
    card = " ".join(" ".join(_Parsed(html.split('id="kich-ban"', 1)[1].split("</div>", 1)[0]).text).split())
    assert "«ke-hoach-quy-4.yaml»" in card
    assert f"{points(scenario.total)} / {points(scenario.max)} điểm" in card
    assert f"Xếp loại {scenario.classification}" in card and "tăng 1 điểm" in card


def test_the_councils_points_show_with_their_difference(seed_result) -> None:
    seed_result = replace(seed_result, criteria=tuple(replace(c, official=None) for c in seed_result.criteria))
    criteria = tuple(replace(c, official=c.points - Decimal("0.25")) if c.id == "1.2" else c
                     for c in seed_result.criteria)
    html = html_report.render(ReportInputs(replace(seed_result, criteria=criteria)))
    row = html.split('id="tc-1.2"', 1)[1].split("</tr>", 1)[0]
    assert f'<td class="num">{points(criteria[1].official)}</td><td class="num">0,25</td>' in row
    header = '<th scope="col" class="num">Hội đồng</th><th scope="col" class="num">Chênh lệch</th>'
    assert header in html and header not in html_report.render(ReportInputs(seed_result))
    total = html.split('<tr class="total">', 1)[1].split("</tr>", 1)[0]
    assert '<td></td><td class="num">0,25</td>' in total  # the sum of the differences


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60))
def test_any_text_from_evidence_stays_text(seed_result, text: str) -> None:
    """Whatever a case's files say — title, a unit's name, a quoted Trích yếu — the page's markup is unchanged."""
    def page_with(words: str) -> _Parsed:
        first = seed_result.criteria[0]
        criteria = (replace(first, trace=(*first.trace, words)), *seed_result.criteria[1:])
        units = {**seed_result.units, "chi-cuc-ptnt": words}
        return _Parsed(html_report.render(ReportInputs(replace(seed_result, case_title=words, criteria=criteria,
                                                               units=units))))

    plain, hostile = page_with("x"), page_with(text)
    assert hostile.tags == plain.tags
    assert [(t, n) for t, n, _ in hostile.attributes] == [(t, n) for t, n, _ in plain.attributes]
    assert text in hostile.text


@given(rows=st.lists(st.tuples(st.decimals(min_value=-5, max_value=200, places=2),
                               st.decimals(min_value=0, max_value=100, places=2)), max_size=12))
def test_bars_stay_inside_their_track(rows: list[tuple[Decimal, Decimal]]) -> None:
    chart = svg_charts.horizontal("c", "t", "d", [(str(i), v, full, "") for i, (v, full) in enumerate(rows)])
    assert len(chart.bars) == len(rows)
    assert all(0 <= b.width <= svg_charts.TRACK for b in chart.bars)
    columns = svg_charts.columns("c", "t", "d", [(str(i), v, full, Decimal(100), "") for i, (v, full) in
                                                 enumerate(rows)])
    assert all(0 <= b.height <= svg_charts.PLOT and b.y >= svg_charts.BASE - svg_charts.PLOT for b in columns.bars)


# --- in a real browser -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"không có chromium ở {CHROMIUM} (cài: apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("chưa cài Playwright (pip install '.[test]')")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield launched
        launched.close()


class _Visit:
    """A page opened from its file with every other request refused, and what went wrong on it."""

    def __init__(self, browser, path: Path, width: int = 1200) -> None:
        self.url = path.resolve().as_uri()
        self.page = browser.new_page(viewport={"width": width, "height": 1600})
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(self.url)

    def _route(self, route) -> None:
        if route.request.url == self.url:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def bars(self, chart_id: str) -> list[tuple[str, str]]:
        found = self.page.eval_on_selector_all(
            f"#{chart_id} rect.bar", "rs => rs.map(r => [r.dataset.label, r.dataset.value])")
        return [tuple(bar) for bar in found]

    def table(self, chart_id: str) -> list[list[str]]:
        return self.page.eval_on_selector_all(
            f"#{chart_id} table tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))")


def test_the_seed_report_renders_offline_with_its_charts(browser, seed_result, tmp_path) -> None:
    out = tmp_path / "bao-cao.html"
    html_report.write(ReportInputs(seed_result), out)
    visit = _Visit(browser, out)
    try:
        assert visit.blocked == [] and visit.errors == []
        assert visit.page.inner_text("h1") == seed_result.case_title
        assert visit.page.inner_text("#tong-diem").split() == ["75,66", "/", "100", "điểm"]
        fields = [f for f in seed_result.fields if f.max]
        assert visit.bars("bieu-do-linh-vuc") == [(f"{f.id}. {f.title}", f"{points(f.points)} / {points(f.max)}")
                                                  for f in fields]
        assert len(fields) == 8
        lost = seed_result.lost_by_unit()
        assert visit.bars("bieu-do-da-mat") == [(seed_result.units[u], points(v)) for u, v in lost.items()]
        assert visit.table("bieu-do-da-mat") == [[seed_result.units[u], points(v)] for u, v in lost.items()]
        assert visit.page.locator("#bieu-do-con-lay-duoc").count() == 0  # at 26/12/2023 nothing is winnable
        for svg in visit.page.locator("svg").all():  # every chart has its text alternatives
            assert svg.get_attribute("role") == "img"
            label, title = svg.get_attribute("aria-label"), svg.locator(":scope > title").text_content()
            assert label.startswith(f"{title}: ")
            for bar, value in svg.evaluate("s => [...s.querySelectorAll('rect.bar')].map(r => "
                                           "[r.dataset.label, r.dataset.value])"):
                assert f"{bar} {value}" in label
        units = visit.page.locator("section.unit").count()
        assert units == len(seed_result.units)
        assert visit.page.locator("#don-vi a").count() == units
        shot = visit.page.screenshot(full_page=False)
        assert shot[:8] == b"\x89PNG\r\n\x1a\n" and len(shot) > 10_000
    finally:
        visit.page.close()


def test_units_with_points_still_winnable_are_ranked(browser, q3_result, tmp_path) -> None:
    out = tmp_path / "q3.html"
    html_report.write(ReportInputs(q3_result), out)
    visit = _Visit(browser, out)
    try:
        assert visit.blocked == [] and visit.errors == []
        stakes = q3_result.stake_by_unit()
        assert stakes and visit.bars("bieu-do-con-lay-duoc") == [(q3_result.units[u], points(v))
                                                                 for u, v in stakes.items()]
        widths = visit.page.eval_on_selector_all("#bieu-do-con-lay-duoc rect.bar",
                                                 "rs => rs.map(r => r.getBBox().width)")
        assert widths == sorted(widths, reverse=True) and widths[0] > 0
    finally:
        visit.page.close()


def test_an_injected_script_shows_as_text_and_never_runs(browser, hostile_case, tmp_path) -> None:
    out = tmp_path / "hostile.html"
    html_report.write(ReportInputs(_assess(hostile_case)), out)
    visit = _Visit(browser, out)
    try:
        assert visit.page.evaluate("typeof window.pwned") == "undefined"
        assert visit.blocked == [] and visit.errors == []  # the <img> in it asked for nothing either
        assert INJECTED in visit.page.inner_text("#tc-1\\.1")
    finally:
        visit.page.close()


def test_it_prints_to_a4(browser, seed_result, tmp_path) -> None:
    from pypdf import PdfReader

    out = tmp_path / "bao-cao.html"
    html_report.write(ReportInputs(seed_result), out)
    visit = _Visit(browser, out)
    try:
        pdf = tmp_path / "bao-cao.pdf"
        visit.page.pdf(path=str(pdf), format="A4")
    finally:
        visit.page.close()
    pages = PdfReader(pdf).pages
    box = pages[0].mediabox
    assert abs(float(box.width) - 595.28) < 1.5 and abs(float(box.height) - 841.89) < 1.5  # A4: 210 × 297 mm
    assert len(pages) > len(seed_result.units)  # each unit's section starts a page
    first = pages[0].extract_text()
    assert "Tóm tắt" in first and "Mục lục" not in first and "Từng tiêu chí" not in first  # no nav on paper
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "trang")],
                       check=True)
        assert (tmp_path / "trang-01.png").stat().st_size > 5_000

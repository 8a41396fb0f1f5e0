"""The offline interactive map: escaping, no network resource, and a headless Chromium run."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

import divide
from divide._errors import InputError
from divide.indicators.columns import column_title
from divide.indicators.schema import INDICATOR_NAMES
from divide.present.webmap import interactive_map, json_for_script, search_key
from divide.provenance import LABEL

EVIL = "<script>alert('x')</script> & Đoàn Kết"


@pytest.fixture(scope="module")
def table(subset, index_of):
    """Hà Nội + Lai Châu with the real index (pillars, ranks, tiers), made-up interval, tiers, type and names."""
    t = subset.join(index_of(subset))
    t["priority_tier"] = (np.arange(len(t)) % 5 + 1).astype(float)
    t.loc[t["divide_index"].isna(), "priority_tier"] = np.nan
    t["type"] = np.where(t["urban_rural"] == "urban", "urban core", "remote upland")
    t["rank_p05"] = t["rank_national"] - 3
    t["rank_p95"] = t["rank_national"] + 4
    t.loc[t.index[0], "divide_index"] = np.nan
    t.loc[t.index[5], "commune_name"] = EVIL
    t.attrs["modeled"] = True
    return t


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.refs += [v or "" for k, v in attrs if k in ("src", "href", "xlink:href", "action", "data")]


@pytest.fixture(scope="module")
def page(table, tmp_path_factory):
    return interactive_map(table, tmp_path_factory.mktemp("web") / "map.html", lang="vi")


def test_names_are_escaped(page):
    text = page.read_text(encoding="utf-8")
    assert "<script>alert" not in text
    assert text.count("<script") == 2  # the JSON block and the code, nothing from the data
    assert "aria-label=\"&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Đoàn Kết\"" in text
    block = re.search(r'<script type="application/json" id="data">(.*?)</script>', text, re.S).group(1)
    assert "\\u003cscript\\u003ealert('x')\\u003c/script\\u003e \\u0026 Đoàn Kết" in block
    data = json.loads(block)
    assert data["rows"][5][data["fields"].index("name")] == EVIL
    assert json_for_script("</script>") == '"\\u003c/script\\u003e"'


def test_data_block_keeps_types(page, table):
    text = page.read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/json" id="data">(.*?)</script>', text, re.S).group(1))
    fields = data["fields"]
    assert fields[:3] == ["code", "name", "province"]
    column = {f: [r[j] for r in data["rows"]] for j, f in enumerate(fields)}
    assert column["code"] == [str(c) for c in table.index]  # codes stay text ("00004")
    assert all(isinstance(v, int) and not isinstance(v, bool) for v in column["rank_national"])
    assert all(isinstance(v, bool) for v in column["is_island"])
    assert column["divide_index"][0] is None and column["divide_index"][1] == round(table["divide_index"].iloc[1], 2)
    assert data["keys"][list(table["commune_name"]).index("Sìn Hồ")] == "sin ho"
    assert data["provinces"] == [["Hà Nội", "ha noi"], ["Lai Châu", "lai chau"]]
    assert data["labels"]["priority_tier"]["1"] == "Nhóm 1 (ưu tiên trước)"
    assert data["modeled"] == LABEL


def test_offline_single_file(page, table):
    text = page.read_text(encoding="utf-8")
    refs = _Refs()
    refs.feed(text)
    assert not [r for r in refs.refs if re.match(r"^(https?:)?//", r.strip())]
    assert "link" not in refs.tags and "iframe" not in refs.tags
    assert "@import" not in text and "url(http" not in text
    assert "https://" not in text and "http://" not in text
    assert text.count('class="c"') == len(table)
    assert LABEL in text and "Quần đảo" not in text  # no archipelago in Hà Nội + Lai Châu
    assert page.stat().st_size < 1_000_000


def test_only_present_columns_are_offered(table, tmp_path):
    out = interactive_map(table[["commune_name", "province_name", "province_code", "divide_index", "geometry"]],
                          tmp_path / "m.html", lang="en", modeled=False)
    text = out.read_text(encoding="utf-8")
    def options(select):
        block = re.search(f'<select id="{select}">(.*?)</select>', text, re.S).group(1)
        return re.findall(r"<option [^>]*>([^<]*)</option>", block)

    assert options("layer") == ["Digital divide index"]
    assert options("province") == ["— all —", "Hà Nội", "Lai Châu"]
    assert LABEL not in text
    with pytest.raises(InputError, match="no column to map"):
        interactive_map(table[["commune_name", "geometry"]], tmp_path / "n.html", layers=("x",))


def test_national_file_size_and_archipelagos(communes, tmp_path):
    t = communes.join(divide.model_indicators(communes))
    out = interactive_map(t, tmp_path / "vn.html", layers=("fiber_households_pct", "urban_rural"))
    text = out.read_text(encoding="utf-8")
    assert text.count('class="c"') == 3321
    assert ">Quần đảo Hoàng Sa</text>" in text and ">Quần đảo Trường Sa</text>" in text
    assert out.stat().st_size < 2_500_000


def _driver(tmp_path: Path, downloads: Path):
    chromium, chromedriver = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
    if not (chromium.exists() and chromedriver.exists() and shutil.which("chromium")):
        if os.environ.get("DIVIDE_REQUIRE_BROWSER") == "1":
            pytest.fail("chromium and chromedriver are required (DIVIDE_REQUIRE_BROWSER=1) but missing")
        pytest.skip("chromium/chromedriver not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(chromium)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,900"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(chromedriver)), options=options)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    return driver


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    base = tmp_path_factory.mktemp("chromium")
    downloads = base / "downloads"
    downloads.mkdir()
    driver = _driver(base, downloads)
    driver.downloads = downloads
    try:
        yield driver
    finally:
        driver.quit()


def _open(driver, page, n):
    driver.get(page.as_uri())
    assert driver.find_element("tag name", "body").get_attribute("data-ready") == str(n)
    driver.get_log("browser")  # start each test with an empty console


def _no_console_errors(driver):
    errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR", "WARNING")]
    assert errors == []


def _settled(driver):
    """Wait for the zoom animation to end; the viewBox as four numbers."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 5).until(lambda d: d.execute_script("return window.divideMap.idle()"))
    return [float(v) for v in driver.execute_script("return document.getElementById('map').getAttribute('viewBox')")
            .split()]


def _active(driver):
    return driver.execute_script("var a = document.activeElement; "
                                 "return (a.id || '') + '|' + (a.getAttribute('class') || '')")


def test_in_headless_chromium(browser, page, table):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver = browser
    _open(driver, page, len(table))
    assert driver.execute_script("return document.querySelectorAll('svg path.c').length") == len(table)
    fills = driver.execute_script(
        "return Array.from(document.querySelectorAll('path.c')).map(p => p.style.fill)")
    assert fills[0].startswith("url(")  # no data: hatched
    assert len(set(fills)) == 6  # five classes + no data
    legend = driver.find_element(By.ID, "legend").text
    assert "Chỉ số khoảng cách số" in legend and "Không có dữ liệu (1)" in legend
    # hover the commune with the hostile name: its name shows as text
    target = driver.find_elements(By.CSS_SELECTOR, "path.c")[5]
    ActionChains(driver).move_to_element(target).perform()
    tip = driver.find_element(By.ID, "tip")
    assert tip.is_displayed()
    assert tip.text.splitlines()[0] == EVIL
    assert "Thứ hạng toàn quốc" in tip.text and "khoảng 90%" in tip.text
    assert driver.execute_script("return document.querySelectorAll('#tip script').length") == 0
    # switch layer: priority tiers, categories
    Select(driver.find_element(By.ID, "layer")).select_by_visible_text("Nhóm ưu tiên")
    assert "Nhóm 1 (ưu tiên trước)" in driver.find_element(By.ID, "legend").text
    _no_console_errors(driver)


def test_search_folds_like_python(browser, page, table):
    driver = browser
    _open(driver, page, len(table))
    names = [str(n) for n in table["commune_name"]]
    assert driver.execute_script("return arguments[0].map(window.divideMap.fold)", names) == \
        [search_key(n) for n in names]
    fold = driver.execute_script("return ['Đà Lạt', 'đà lạt', 'da lat', 'ĐÀ LẠT'].map(window.divideMap.fold)")
    assert fold == ["da lat"] * 4
    sin_ho = names.index("Sìn Hồ")
    for query in ("sin ho", "Sìn Hồ", "SIN HO", "xã sìn hồ", "xa sin ho", "  sìn   hồ "):
        assert driver.execute_script("return window.divideMap.search(arguments[0])[0]", query) == sin_ho, query
    assert driver.execute_script("return window.divideMap.search('zzqx')") == []
    # a province name narrows the search: "ba dinh ha noi" finds Ba Đình (Hà Nội)
    first = driver.execute_script("return window.divideMap.search('ba dinh ha noi')[0]")
    assert names[first] == "Ba Đình"
    _no_console_errors(driver)


def test_keyboard_search_zooms_and_opens_the_panel(browser, page, table):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    _open(driver, page, len(table))
    full = _settled(driver)
    for _ in range(10):  # Tab from the top of the page reaches the search box
        ActionChains(driver).send_keys(Keys.TAB).perform()
        if _active(driver).startswith("search|"):
            break
    assert _active(driver).startswith("search|")
    ActionChains(driver).send_keys("sin ho").perform()
    results = driver.find_element(By.ID, "results")
    WebDriverWait(driver, 5).until(lambda d: results.is_displayed())
    items = results.find_elements(By.CSS_SELECTOR, "li[role=option]")
    assert items and items[0].text.startswith("Sìn Hồ") and "Lai Châu" in items[0].text
    assert driver.find_element(By.ID, "search").get_attribute("aria-expanded") == "true"
    ActionChains(driver).send_keys(Keys.ARROW_DOWN).perform()
    assert "active" in items[0].get_attribute("class")
    assert driver.find_element(By.ID, "search").get_attribute("aria-activedescendant") == items[0].get_attribute("id")
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    view = _settled(driver)
    i = list(table["commune_name"]).index("Sìn Hồ")
    b = driver.execute_script("var b = document.querySelector('path.c[data-i=\"' + arguments[0] + '\"]').getBBox();"
                              "return [b.x, b.y, b.width, b.height]", i)
    assert view != full and view[2] < full[2] / 4
    assert abs(view[0] + view[2] / 2 - (b[0] + b[2] / 2)) < 1 and abs(view[1] + view[3] / 2 - (b[1] + b[3] / 2)) < 1
    assert view[2] >= b[2] and view[3] >= b[3]  # the whole commune is in view
    assert driver.find_element(By.ID, "sel-mark").get_attribute("d") == \
        driver.find_elements(By.CSS_SELECTOR, "path.c")[i].get_attribute("d")  # highlighted
    panel = driver.find_element(By.ID, "panel")
    assert panel.is_displayed()
    assert driver.find_element(By.ID, "panel-name").text == "Sìn Hồ"
    text = panel.text
    row = table.iloc[i]
    assert f"Mã {table.index[i]} · Lai Châu" in text
    for column in INDICATOR_NAMES:
        assert column_title(column, "vi", short=True) in text, column
    assert f"{row['fiber_households_pct']:.2f}".rstrip("0").rstrip(".").replace(".", ",") in text
    assert f"Khoảng thứ hạng (p05–p95) {int(row['rank_p05']):,}–{int(row['rank_p95']):,}".replace(",", ".") in text
    assert "Nhóm ưu tiên" in text and "Thứ hạng trong tỉnh" in text and "Nguồn" in text
    assert "WorldPop" in text and LABEL in text  # the source lines and the modeled mark
    assert _active(driver).startswith("close|")
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    assert not panel.is_displayed()
    assert _active(driver).startswith("search|")  # focus goes back where it came from
    _no_console_errors(driver)


def _point_in(driver, i):
    """A screen point inside commune ``i`` where it is the topmost element, relative to the map's centre."""
    return driver.execute_script("""
        var p = document.querySelector('path.c[data-i="' + arguments[0] + '"]'), svg = document.getElementById('map');
        var b = p.getBBox(), m = p.getScreenCTM(), r = svg.getBoundingClientRect();
        for (var a = 1; a < 20; a++) { for (var c = 1; c < 20; c++) {
          var pt = new DOMPoint(b.x + b.width * a / 20, b.y + b.height * c / 20);
          if (!p.isPointInFill(pt)) { continue; }
          var s = pt.matrixTransform(m);
          if (document.elementFromPoint(s.x, s.y) === p) {
            return [Math.round(s.x - r.left - r.width / 2), Math.round(s.y - r.top - r.height / 2)]; }
        } }
        return null;""", i)


def test_province_click_and_download(browser, page, table):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select, WebDriverWait

    driver = browser
    _open(driver, page, len(table))
    full = _settled(driver)
    everything = driver.execute_script("return window.divideMap.viewCsv()")
    assert everything.count("\r\n") == len(table) + 1  # the whole map: every commune
    Select(driver.find_element(By.ID, "province")).select_by_visible_text("Lai Châu")
    view = _settled(driver)
    assert view != full
    lai_chau = [i for i, p in enumerate(table["province_name"]) if p == "Lai Châu"]
    inside = driver.execute_script("return window.divideMap.inView()")
    assert set(lai_chau) <= set(inside) and len(inside) < len(table)

    # "download this view": the header and the communes on screen, found here from the screen rectangles
    csv_text = driver.execute_script("return window.divideMap.viewCsv()")
    assert csv_text.startswith("\ufeffcode,name,province,fiber_households_pct,")
    lines = csv_text[1:].split("\r\n")
    assert lines[-1] == ""
    parsed = list(csv.reader(io.StringIO(csv_text[1:], newline="")))
    header, body = parsed[0], parsed[1:]
    assert len({len(r) for r in body}) == 1 and len(body[0]) == len(header)
    codes = {r[0] for r in body}
    on_screen = driver.execute_script("""
        var r = document.getElementById('map').getBoundingClientRect(), sure = [], edge = [];
        document.querySelectorAll('path.c').forEach(function (p) {
          var b = p.getBoundingClientRect();
          var out = b.right < r.left - 2 || b.left > r.right + 2 || b.bottom < r.top - 2 || b.top > r.bottom + 2;
          var inn = b.right > r.left + 2 && b.left < r.right - 2 && b.bottom > r.top + 2 && b.top < r.bottom - 2;
          if (inn) { sure.push(+p.getAttribute('data-i')); } else if (!out) { edge.push(+p.getAttribute('data-i')); }
        });
        return [sure, edge];""")
    sure = {str(table.index[i]) for i in on_screen[0]}
    edge = {str(table.index[i]) for i in on_screen[1]}
    assert sure <= codes <= sure | edge
    assert {str(table.index[i]) for i in lai_chau} <= codes
    row = body[[r[0] for r in body].index(str(table.index[lai_chau[0]]))]
    assert row[1] == table["commune_name"].iloc[lai_chau[0]] and row[2] == "Lai Châu"
    assert float(row[header.index("divide_index")]) == pytest.approx(table["divide_index"].iloc[lai_chau[0]], abs=0.01)
    driver.find_element(By.ID, "download").click()
    WebDriverWait(driver, 10).until(lambda d: list(d.downloads.glob("*.csv")))
    saved = next(driver.downloads.glob("*.csv"))
    assert saved.name == "xa_trong_vung_xem.csv"
    assert saved.read_bytes() == csv_text.encode("utf-8") and saved.read_bytes()[:3] == b"\xef\xbb\xbf"

    # click a commune: the panel shows its code
    i = lai_chau[3]
    offset = _point_in(driver, i)
    assert offset is not None
    ActionChains(driver).move_to_element_with_offset(driver.find_element(By.ID, "map"), *offset).click().perform()
    panel = driver.find_element(By.ID, "panel")
    assert panel.is_displayed() and str(table.index[i]) in panel.text
    assert driver.find_element(By.ID, "panel-name").text == table["commune_name"].iloc[i]
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    assert not panel.is_displayed()

    # keyboard only: Tab reaches a commune, Enter opens its panel, Escape closes it, arrows move on
    driver.execute_script("document.activeElement.blur(); document.getElementById('download').focus()")
    ActionChains(driver).send_keys(Keys.TAB).perform()
    assert _active(driver) == "|c"
    code = driver.execute_script("return +document.activeElement.getAttribute('data-i')")
    assert driver.find_element(By.ID, "focus-mark").get_attribute("d")  # a visible focus mark
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    assert panel.is_displayed() and str(table.index[code]) in panel.text
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    assert not panel.is_displayed() and _active(driver) == "|c"
    ActionChains(driver).send_keys(Keys.ARROW_RIGHT).perform()
    moved = driver.execute_script("return +document.activeElement.getAttribute('data-i')")
    assert _active(driver) == "|c" and moved != code
    assert driver.execute_script("return document.querySelectorAll('path.c[tabindex=\"0\"]').length") == 1
    # reset: the full view again
    driver.find_element(By.ID, "reset").click()
    assert _settled(driver) == full
    labels = driver.execute_script("return Array.from(document.querySelectorAll("
                                   "'#controls button, #controls select, #search')).map(e => "
                                   "e.getAttribute('aria-label') || (e.labels && e.labels.length ? e.labels[0].textContent : e.textContent))")
    assert all(label and label.strip() for label in labels)
    _no_console_errors(driver)


# ------------------------------------------------------------------ reported villages (observed register)

@pytest.fixture(scope="module")
def register():
    """The real register, with a hostile quote and a URL that must not become a link."""
    reg = divide.reported_villages().copy()
    reg.loc["r0002", "quote"] = EVIL
    reg.loc["r0003", "url"] = "javascript:alert(1)"
    return reg


@pytest.fixture(scope="module")
def reported_table(communes):
    """Tuyên Quang (most reports) and Lai Châu, labelled modeled like the atlas's table."""
    t = communes[communes["province_code"].isin(["08", "12"])].copy()
    t.attrs["modeled"] = True
    return t


@pytest.fixture(scope="module")
def reported_page(reported_table, register, tmp_path_factory):
    return interactive_map(reported_table, tmp_path_factory.mktemp("rv") / "rv.html", layers=("population", "urban_rural"),
                           lang="en", reported=register)


def _expected_reports(register, table):
    codes = register["commune_code"]
    return register[codes.notna() & codes.isin(table.index)].sort_index()


def _data_block(page):
    text = page.read_text(encoding="utf-8")
    return text, json.loads(re.search(r'<script type="application/json" id="data">(.*?)</script>', text, re.S).group(1))


def test_reported_markers_in_the_page(reported_page, reported_table, register, page):
    text, data = _data_block(reported_page)
    expected = _expected_reports(register, reported_table)
    assert 50 < len(expected) < len(register)  # other provinces' reports and unmatched ones are left out
    assert text.count('class="rv"') == len(expected) == len(data["reported"]["rows"])
    rows = data["reported"]["rows"]
    assert [r["id"] for r in rows] == expected.index.tolist()
    codes = [str(reported_table.index[r["i"]]) for r in rows]
    assert codes == expected["commune_code"].tolist()  # each marker on its own commune
    assert rows[0]["date"] == expected["as_of"].iloc[0] and rows[0]["village"] == expected["village"].iloc[0]
    # several reports of one commune: distinct offsets from the same representative point
    same = [r for r in rows if r["i"] == rows[1]["i"]]
    assert len(same) > 2 and len({(r["x"], r["y"]) for r in same}) == 1 and len({(r["dx"], r["dy"]) for r in same}) == len(same)
    assert "<script>alert" not in text and text.count("<script") == 2
    assert "reported (placed at the commune)" in text and 'id="reported-toggle" checked' in text
    # the page without a register is untouched: no marker, no script or style for them
    plain = page.read_text(encoding="utf-8")
    assert "rv-" not in plain and "reported" not in plain and "circle" not in plain
    with pytest.raises(InputError, match="lacks"):
        interactive_map(reported_table, reported_page.parent / "x.html", reported=register.drop(columns="url"))


def test_reported_in_headless_chromium(browser, reported_page, reported_table, register):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    driver = browser
    _open(driver, reported_page, len(reported_table))
    expected = _expected_reports(register, reported_table)
    marks = driver.find_elements(By.CSS_SELECTOR, "circle.rv")
    assert len(marks) == len(expected) == driver.execute_script("return window.divideReported.count")
    assert all(m.is_displayed() for m in marks[:5])
    radius = float(marks[0].get_attribute("r"))
    assert radius > 0
    legend = driver.find_element(By.ID, "legend").text
    assert f"reported (placed at the commune) ({len(expected)})" in legend and "no or weak signal" in legend
    # hover a marker: its village, "reported" and its date, publisher and quote; never "modeled"
    k = expected.index.get_loc("r0002")
    ActionChains(driver).move_to_element(marks[k]).perform()
    tip = driver.find_element(By.ID, "tip")
    assert tip.is_displayed()
    lines = tip.text.splitlines()
    assert lines[0] == expected.loc["r0002", "village"] and lines[1] == f"reported · {expected.loc['r0002', 'as_of']}"
    assert expected.loc["r0002", "publisher"] in tip.text and EVIL in tip.text
    assert LABEL not in tip.text and "modeled" not in tip.text.lower()
    assert driver.execute_script("return document.querySelectorAll('#tip script').length") == 0
    # focus another one with the keyboard: same tooltip; Enter opens its commune's panel with the reports
    driver.execute_script("arguments[0].focus()", marks[0])
    assert tip.is_displayed() and tip.text.splitlines()[0] == expected["village"].iloc[0]
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    panel = driver.find_element(By.ID, "panel")
    assert panel.is_displayed()
    code = expected["commune_code"].iloc[0]
    assert driver.find_element(By.ID, "panel-name").text == reported_table.loc[code, "commune_name"]
    section = driver.find_element(By.CSS_SELECTOR, "#panel .rv-panel")
    here = expected[expected["commune_code"] == code]
    assert f"Reported in public pages (observed) ({len(here)})" in section.text and "Not modeled" in section.text
    links = section.find_elements(By.TAG_NAME, "a")
    assert {a.get_attribute("href") for a in links} == set(here["url"])
    assert all(a.text == a.get_attribute("href") for a in links)
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    # the javascript: URL is text, not a link
    bad = expected.loc["r0003", "commune_code"]
    driver.execute_script("window.divideMap.openPanel(arguments[0])", reported_table.index.get_loc(bad))
    section = driver.find_element(By.CSS_SELECTOR, "#panel .rv-panel")
    assert "javascript:alert(1)" in section.text
    assert all(not a.get_attribute("href").startswith("javascript") for a in section.find_elements(By.TAG_NAME, "a"))
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    # markers keep their size on screen when zooming in; the legend survives a layer switch
    width = marks[0].rect["width"]
    driver.find_element(By.ID, "zoom-in").click()
    assert float(marks[0].get_attribute("r")) < radius and abs(marks[0].rect["width"] - width) < 1
    Select(driver.find_element(By.ID, "layer")).select_by_index(1)
    assert "reported (placed at the commune)" in driver.find_element(By.ID, "legend").text
    # the switch hides them, and shows them again
    driver.find_element(By.ID, "reported-toggle").click()
    assert not any(m.is_displayed() for m in marks)
    assert "reported (placed at the commune)" not in driver.find_element(By.ID, "legend").text
    driver.find_element(By.ID, "reported-toggle").click()
    driver.find_element(By.ID, "reset").click()
    _settled(driver)
    assert marks[0].is_displayed() and abs(float(marks[0].get_attribute("r")) - radius) < 1e-6
    _no_console_errors(driver)

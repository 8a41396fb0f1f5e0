"""The offline interactive map: escaping, no network resource, and a headless Chromium run."""

from __future__ import annotations

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
from divide.present.webmap import interactive_map, json_for_script
from divide.provenance import LABEL

EVIL = "<script>alert('x')</script> & Đoàn Kết"


@pytest.fixture(scope="module")
def table(subset):
    t = subset.join(divide.model_indicators(subset))
    t["divide_index"] = (100 - t["fiber_households_pct"]).round(2)
    t["infrastructure_gap"] = t["divide_index"] * 0.8
    t["priority_tier"] = (np.arange(len(t)) % 5 + 1).astype(float)
    t.loc[t["divide_index"].isna(), "priority_tier"] = np.nan
    t["type"] = np.where(t["urban_rural"] == "urban", "urban core", "remote upland")
    t["rank_national"] = t["divide_index"].rank(ascending=False)
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
    assert json.loads(block)["rows"][5]["name"] == EVIL
    assert json_for_script("</script>") == '"\\u003c/script\\u003e"'


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
    options = re.findall(r"<option [^>]*>([^<]*)</option>", text)
    assert options == ["Digital divide index"]
    assert LABEL not in text
    with pytest.raises(InputError, match="no column to map"):
        interactive_map(table[["commune_name", "geometry"]], tmp_path / "n.html", layers=("x",))


def test_national_file_size_and_archipelagos(communes, tmp_path):
    t = communes.join(divide.model_indicators(communes))
    out = interactive_map(t, tmp_path / "vn.html", layers=("fiber_households_pct", "urban_rural"))
    text = out.read_text(encoding="utf-8")
    assert text.count('class="c"') == 3321
    assert ">Quần đảo Hoàng Sa</text>" in text and ">Quần đảo Trường Sa</text>" in text
    assert out.stat().st_size < 4_000_000


def _driver(tmp_path):
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
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(str(chromedriver)), options=options)


def test_in_headless_chromium(page, table, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver = _driver(tmp_path)
    try:
        driver.get(page.as_uri())
        assert driver.execute_script("return document.querySelectorAll('svg path.c').length") == len(table)
        assert driver.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == str(len(table))
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
        errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
        assert errors == []
    finally:
        driver.quit()

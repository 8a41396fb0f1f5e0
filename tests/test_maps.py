"""Static maps: classes, shared breaks, languages, the modeled mark, formats, archipelagos, province maps."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import divide
from divide._errors import InputError
from divide.present import maps
from divide.provenance import LABEL


@pytest.fixture(scope="module")
def lai_chau():
    lc = divide.load_communes("Lai Châu")
    table = lc.join(divide.model_indicators(lc))
    table["divide_index"] = 100 - table["fiber_households_pct"]
    table["priority_tier"] = (np.arange(len(table)) % 5 + 1).astype(float)
    table.attrs["modeled"] = True
    return table


@pytest.fixture(scope="module")
def lai_chau_analysed():
    """The pipeline's commune table of Lai Châu (the real analysis, once)."""
    return divide.analyse(province="Lai Châu", uncertainty_reps=20).communes


@pytest.fixture(scope="module")
def national(communes):
    table = communes.join(divide.model_indicators(communes))
    table.attrs["modeled"] = True
    return table


def _texts(fig):
    out = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts]
    return out


def _legend_labels(fig):
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    return [t.get_text() for leg in legends for t in leg.get_texts()]


def test_class_breaks_known_answers():
    assert maps.class_breaks(range(1, 11), "quantiles", k=2).tolist() == [5.5, 10.0]
    assert maps.class_breaks([0, 10, np.nan, 100], "equal_interval", k=4).tolist() == [25.0, 50.0, 75.0, 100.0]
    assert maps.class_breaks([1, 2, 3, 50, 51, 52], "natural_breaks", k=2).tolist() == [3.0, 52.0]
    assert maps.class_breaks([1, 2, 3], "user", breaks=[2, 10]).tolist() == [2.0, 10.0]
    # fewer distinct values than classes: the distinct values
    assert maps.class_breaks([1, 1, 2, 2], "quantiles", k=5).tolist() == [1.0, 2.0]
    with pytest.raises(InputError, match="increase"):
        maps.class_breaks([1, 2], "user", breaks=[3, 2])
    with pytest.raises(InputError, match="unknown classification"):
        maps.class_breaks([1, 2], "jenks")


def test_natural_breaks_sampled_is_seeded_and_restores_numpy_state():
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.normal(10, 1, 700), rng.normal(50, 2, 700), rng.normal(90, 1, 600)])
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    a = maps.class_breaks(values, "natural_breaks", k=3)
    assert np.array_equal(np.random.get_state()[1], before)
    b = maps.class_breaks(values, "natural_breaks", k=3)
    assert a.tolist() == b.tolist()
    # three well separated groups: each upper bound is near the top of a group, below the next group
    assert 11 < a[0] < 40 and 52 < a[1] < 85 and a[2] == values.max()


@pytest.mark.parametrize("scheme", ["quantiles", "equal_interval", "natural_breaks"])
def test_each_scheme_gives_k_classes_and_no_data(lai_chau, scheme):
    table = lai_chau.copy()
    table.loc[table.index[:2], "fiber_households_pct"] = np.nan
    fig = maps.choropleth(table, "fiber_households_pct", scheme=scheme, k=4)
    labels = _legend_labels(fig)
    classes = [t for t in labels if " – " in t]
    assert len(classes) == 4
    assert sum(int(t.rsplit("(", 1)[1].rstrip(")")) for t in classes) == len(table) - 2
    assert "No data (2)" in labels
    bins = maps.class_breaks(table["fiber_households_pct"], scheme, 4)
    assert classes[-1].split(" – ")[1].startswith(f"{bins[-1]:.1f}")


def test_shared_breaks_across_maps(lai_chau):
    breaks = [30, 50, 70, 100]
    a = lai_chau.iloc[:19]
    b = lai_chau.iloc[19:]
    la = [t.split(" (")[0] for t in _legend_labels(maps.choropleth(a, "fiber_households_pct", breaks=breaks))]
    lb = [t.split(" (")[0] for t in _legend_labels(maps.choropleth(b, "fiber_households_pct", breaks=breaks))]
    assert la[:4] == lb[:4] == ["≤ 30", "30 – 50", "50 – 70", "70 – 100"]
    counts = [int(t.rsplit("(", 1)[1].rstrip(")")) for t in _legend_labels(maps.choropleth(
        lai_chau, "fiber_households_pct", breaks=breaks))[:4]]
    v = lai_chau["fiber_households_pct"]
    assert counts == [int((v <= 30).sum()), int(((v > 30) & (v <= 50)).sum()), int(((v > 50) & (v <= 70)).sum()),
                      int((v > 70).sum())]


def test_titles_and_numbers_in_both_languages(lai_chau):
    en = maps.choropleth(lai_chau, "fiber_households_pct", breaks=[30.5, 100])
    vi = maps.choropleth(lai_chau, "fiber_households_pct", breaks=[30.5, 100], lang="vi")
    assert en.texts[0].get_text() == "Households passed by fibre (FTTH)"
    assert vi.texts[0].get_text() == "Tỷ lệ hộ gia đình được phủ cáp quang (FTTH)"
    assert vi.texts[1].get_text() == "Lai Châu: 38 xã, phường, đặc khu, địa giới 2025"
    assert _legend_labels(vi)[0].startswith("≤ 30,5") and _legend_labels(en)[0].startswith("≤ 30.5")
    assert any(t.startswith("Nguồn: Ranh giới") for t in _texts(vi))
    assert any(t.startswith("Sources: Boundaries") and "WorldPop" in t.replace("\n", " ") for t in _texts(en))
    with pytest.raises(InputError):
        maps.choropleth(lai_chau, "fiber_households_pct", lang="fr")


def test_modeled_mark_present_or_absent(lai_chau):
    marks = lambda fig: [t.get_text() for t in fig.texts if t.get_gid() == "modeled-mark"]  # noqa: E731
    assert marks(maps.choropleth(lai_chau, "fiber_households_pct")) == [LABEL]
    observed = lai_chau.drop(columns="source")
    observed.attrs = {}
    assert marks(maps.choropleth(observed, "fiber_households_pct")) == []
    # auto-detected from a source column
    by_column = lai_chau.copy()
    by_column.attrs = {}
    assert marks(maps.choropleth(by_column, "population")) == [LABEL]
    assert marks(maps.choropleth(by_column, "population", modeled=False)) == []


def test_three_formats_written_at_print_quality(lai_chau, tmp_path):
    import matplotlib.image as mpimg

    outs = [tmp_path / "m.png", tmp_path / "m.svg", tmp_path / "m.pdf"]
    fig = maps.choropleth(lai_chau, "divide_index", out=outs, paper="A4", orientation="portrait")
    assert outs[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in outs[1].read_bytes()[:2000]
    assert outs[2].read_bytes()[:5] == b"%PDF-"
    h, w = mpimg.imread(outs[0]).shape[:2]
    assert (w, h) == (round(8.27 * 300), round(11.69 * 300))
    assert tuple(fig.get_size_inches()) == pytest.approx((8.27, 11.69))
    a3 = maps.choropleth(lai_chau, "divide_index", paper="A3")  # landscape chosen from the shape of Lai Châu
    assert tuple(a3.get_size_inches()) == pytest.approx((16.54, 11.69))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.pdf", "m.png", "m.svg"]  # no temporary left
    with pytest.raises(InputError, match="cannot write a map"):
        maps.choropleth(lai_chau, "divide_index", out=tmp_path / "m.docx")


def test_vietnamese_glyphs_render_without_missing_glyph_warnings(lai_chau, tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        maps.choropleth(lai_chau, "fiber_households_pct", lang="vi", labels=True, out=tmp_path / "m.png", dpi=60)
    assert not [w for w in caught if "missing from" in str(w.message)]


def test_national_map_shows_both_archipelagos(national):
    fig = maps.choropleth(national, "fiber_households_pct", lang="vi")
    ax = fig.axes[0]
    labels = {t.get_gid(): t for t in ax.texts if (t.get_gid() or "").startswith("archipelago-")}
    assert sorted(t.get_text().split("\n")[0] for t in labels.values()) == ["Quần đảo Hoàng Sa", "Quần đảo Trường Sa"]
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    geoms = national.loc[national["commune_name"].isin(["Hoàng Sa", "Trường Sa"])].geometry.to_crs(
        divide.settings.PROJECTED_CRS)
    for g in geoms:  # each archipelago lies wholly inside the map frame
        bx0, by0, bx1, by1 = g.bounds
        assert x0 <= bx0 and bx1 <= x1 and y0 <= by0 and by1 <= y1
        assert bx0 > 1_000_000 * 0.3  # east of the mainland coast, at its true position
    assert "Không có dữ liệu (2)" in _legend_labels(fig)  # the two archipelagos have no residents


def test_province_map_with_labels_villages_and_categories(lai_chau, tmp_path):
    villages = divide.model_villages(divide.load_communes("Lai Châu"))
    fig = maps.map_priority(lai_chau, villages=villages, lang="vi", out=tmp_path / "p.png", dpi=60)
    texts = _texts(fig)
    assert all(name in texts for name in lai_chau["commune_name"])
    tier1 = lai_chau.index[lai_chau["priority_tier"] == 1]
    n_villages = int(villages["commune_code"].isin(tier1).sum())
    labels = _legend_labels(fig)
    assert labels[:2] == [f"Nhóm 1 (ưu tiên trước) ({len(tier1)})", "Nhóm 2 (8)"]
    assert f"Thôn, bản thuộc nhóm ưu tiên 1 ({n_villages})" in labels
    legend = fig.legends[0]
    faces = [h.get_facecolor() for h in legend.legend_handles[:5]]
    luminance = [0.2126 * r + 0.7152 * g + 0.0722 * b for r, g, b, _ in faces]
    assert luminance == sorted(luminance)  # tier 1 darkest


def test_lisa_labels_and_missing_categories(lai_chau):
    table = lai_chau.copy()
    table["divide_index_lisa"] = (["HH", "LL", "not significant", "no data"] * 10)[: len(table)]
    fig = maps.map_categories(table, "divide_index_lisa")
    labels = _legend_labels(fig)
    assert labels[:3] == ["High–High (hot spot) (10)", "Low–Low (cold spot) (10)", "Not significant (9)"]
    assert "No data (9)" in labels


def test_bad_column_is_a_clear_error(lai_chau):
    with pytest.raises(InputError, match="no column 'nope'"):
        maps.choropleth(lai_chau, "nope")


def test_urban_rural_gap_chart(tmp_path):
    gaps = pd.DataFrame({
        "measure": ["fiber_households_pct", "smartphone_adults_pct"] * 2,
        "scope": ["VN", "VN", "12", "12"],
        "scope_name": ["Việt Nam", "Việt Nam", "Lai Châu", "Lai Châu"],
        "urban_mean": [90.0, 85.0, 80.0, 70.0], "rural_mean": [70.0, 60.0, 50.0, 40.0],
        "difference": [20.0, 25.0, 30.0, 30.0],
    })
    fig = maps.plot_urban_rural_gap(gaps, tmp_path / "gap.png", lang="vi", modeled=True)
    assert [ax.get_title() for ax in fig.axes] == ["Việt Nam", "Lai Châu"]
    assert "chênh lệch +20,0" in [t.get_text() for t in fig.axes[0].texts]
    assert LABEL in [t.get_text() for t in fig.texts]
    assert (tmp_path / "gap.png").stat().st_size > 10_000
    national_only = maps.plot_urban_rural_gap(gaps[gaps["scope"] == "VN"], lang="en")
    assert [ax.get_title() for ax in national_only.axes] == ["Viet Nam"]
    assert LABEL not in [t.get_text() for t in national_only.texts]


def test_map_urban_rural_still_works(tmp_path):
    lc = divide.load_communes("Lai Châu")
    out = maps.map_urban_rural(lc, divide.load_provinces().loc[["12"]], tmp_path / "ur.png", dpi=40)
    assert out.stat().st_size > 5_000


def test_cli_map(tmp_path, capsys, monkeypatch, lai_chau_analysed):
    from divide.cli import options as cli_options
    from divide.cli.app import main

    # the pipeline's table of Lai Châu, computed once (the door's own call is tested below, on the real run)
    calls = []

    def analysis_table(indicators, province):
        calls.append((indicators, province))
        return lai_chau_analysed

    monkeypatch.setattr(cli_options, "analysis_table", analysis_table)

    assert main(["map", "--province", "Lai Chau", "--lang", "vi", "--out", str(tmp_path / "m.svg")]) == 0
    assert calls == [(None, "Lai Chau")]
    assert (tmp_path / "m.svg").stat().st_size > 10_000
    assert main(["map", "--province", "12", "--out", str(tmp_path / "m.html")]) == 0
    assert 'class="c"' in (tmp_path / "m.html").read_text(encoding="utf-8")
    assert main(["map", "--province", "12", "--column", "nope", "--out", str(tmp_path / "x.png")]) == 2
    assert "no column 'nope'" in capsys.readouterr().err


def test_cli_map_with_user_breaks_on_the_real_analysis(tmp_path, capsys):
    """`divide map` draws the pipeline's divide index of Lai Châu in the classes the user gives."""
    from divide.cli.app import main

    out = tmp_path / "lc.png"
    assert main(["map", "--province", "Lai Châu", "--breaks", "20,40,60,80,100", "--out", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "column divide_index" in capsys.readouterr().out
    assert main(["map", "--province", "12", "--breaks", "40,20", "--out", str(tmp_path / "x.png")]) == 2
    assert "not increasing" in capsys.readouterr().err and not (tmp_path / "x.png").exists()

"""The statistical figures of the notebooks (divide.present.figures) on the small packaged data."""

from __future__ import annotations

import pandas as pd
import pytest

import divide
from divide import InputError, datasets
from divide.indicators.columns import column_title
from divide.present.figures import (
    plot_correlations,
    plot_distributions,
    plot_rank_intervals,
    plot_rank_shift,
    plot_sensitivity,
)
from divide.provenance import LABEL

SHARES = ["fiber_households_pct", "mobile_4g_pop_pct", "online_services_pct", "smartphone_adults_pct"]


@pytest.fixture(scope="module")
def communes():
    return datasets.communes()


@pytest.fixture(scope="module")
def modeled(communes):
    return divide.model_indicators(communes)


@pytest.fixture(scope="module")
def user(modeled):
    """The same values as a user's table: no source column, no modeled attrs."""
    table = modeled.drop(columns="source").copy()
    table.attrs = {}
    return table


@pytest.fixture(scope="module")
def uncertainty(modeled, communes):
    return divide.index_uncertainty(modeled, n=60, seed=7, communes=communes)


def marks(fig):
    return [t.get_text() for t in fig.texts if t.get_gid() == "modeled-mark"]


def test_distributions_one_panel_per_indicator_with_classes(modeled, user, communes, tmp_path):
    fig = plot_distributions(modeled, SHARES, communes=communes, out=tmp_path / "d.png", dpi=40)
    assert [ax.get_title().replace("\n", " ") for ax in fig.axes] == [column_title(c, short=True) for c in SHARES]
    present = set(communes["urban_rural"])  # Hà Nội and Lai Châu: urban and rural, no special zone
    assert [t.get_text().replace("\n", " ") for t in fig.axes[0].get_xticklabels()] == \
        [{"rural": "Rural (xã)", "urban": "Urban (phường)"}[c] for c in ("urban", "rural") if c in present]
    assert marks(fig) == [LABEL]
    assert (tmp_path / "d.png").stat().st_size > 1000
    assert marks(plot_distributions(user, SHARES[:2], communes=communes, kind="box")) == []


def test_distributions_default_columns_kde_and_errors(modeled, communes):
    fig = plot_distributions(modeled.join(communes[["urban_rural"]]), kind="kde", lang="vi")
    shares = [c for c in modeled.columns if c.endswith("_pct")]
    assert len(fig.axes) == len(shares) == 6  # the counts of villages are left out by default
    assert {t.get_text() for t in fig.legends[0].get_texts()} == {"Thành thị (phường)", "Nông thôn (xã)"}
    with pytest.raises(InputError, match="kind"):
        plot_distributions(modeled, SHARES, communes=communes, kind="pie")
    with pytest.raises(InputError, match="urban_rural"):
        plot_distributions(modeled, SHARES)  # no class column and no communes to take it from
    with pytest.raises(InputError, match="no column"):
        plot_distributions(modeled, ["no_such_column"], communes=communes)


def test_correlations_annotates_the_lower_triangle_with_spearman(modeled, user):
    fig = plot_correlations(modeled, SHARES)
    ax = fig.axes[0]
    assert len(ax.get_xticklabels()) == len(ax.get_yticklabels()) == len(SHARES)
    n = len(SHARES)
    values = [float(t.get_text()) for t in ax.texts]
    assert len(values) == n * (n + 1) // 2
    rho = modeled[SHARES].corr("spearman")
    assert values.count(1.0) >= n  # the diagonal
    assert round(float(rho.iloc[1, 0]), 2) in values and round(float(rho.iloc[3, 2]), 2) in values
    assert marks(fig) == [LABEL]
    assert marks(plot_correlations(user, SHARES, method="pearson")) == []
    with pytest.raises(InputError, match="two columns"):
        plot_correlations(modeled, SHARES[:1])


def test_rank_intervals_caterpillar_of_the_top_communes(uncertainty, communes):
    fig = plot_rank_intervals(uncertainty, n=15, communes=communes)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 15
    top = uncertainty.ranks.sort_values(["rank_median", "rank_p05"]).head(15)
    names = communes.loc[top.index, "commune_name"]
    if communes.loc[top.index, "province_name"].nunique() > 1:  # the province is named when there are several
        names = names + " (" + communes.loc[top.index, "province_name"] + ")"
    assert labels == names.tolist()  # widest divide first, at the top
    everyone = plot_rank_intervals(uncertainty, n=len(communes), communes=communes).axes[0].get_yticklabels()
    assert sum(t.get_text().endswith("(Hà Nội)") for t in everyone) == 126  # Hà Nội has 126 communes, each named with its province
    bars = ax.collections[0].get_segments()
    assert len(bars) == 15
    assert [(s[0][0], s[1][0]) for s in bars[:3]] == list(zip(top["rank_p05"][:3], top["rank_p95"][:3]))
    assert marks(fig) == [LABEL]
    plain = uncertainty.ranks.copy()
    plain.attrs = {}
    assert marks(plot_rank_intervals(plain, n=5)) == []
    assert [t.get_text() for t in plot_rank_intervals(plain, n=5).axes[0].get_yticklabels()] == top.index[:5].tolist()


def test_sensitivity_two_bars_per_choice(uncertainty):
    fig = plot_sensitivity(uncertainty, lang="vi")
    ax = fig.axes[0]
    s = uncertainty.sensitivity
    assert len(ax.patches) == 2 * len(s)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Trọng số (±25 %)", "Chuẩn hóa", "Phương pháp gộp",
                                                             "Bỏ một chỉ tiêu"]
    widths = [p.get_width() for p in ax.patches]
    assert widths == pytest.approx(s["S_i"].tolist() + s["S_Ti"].tolist())
    assert marks(fig) == [LABEL]
    assert marks(plot_sensitivity(s[["S_i", "S_Ti"]])) == [LABEL]  # the table keeps the label
    bare = pd.DataFrame(s[["S_i", "S_Ti"]].to_dict())
    assert marks(plot_sensitivity(bare)) == []
    with pytest.raises(InputError, match="S_i"):
        plot_sensitivity(pd.DataFrame({"x": [1]}))


def test_rank_shift_scatter_and_statistics(modeled, communes):
    from divide.analysis.index import preset

    a = divide.compute_index(modeled, communes=communes)
    b = divide.compute_index(modeled, preset("default").copy(normalisation="rank"), communes=communes)
    lc = communes.index[communes["province_code"] == "12"]
    fig = plot_rank_shift(a, b, labels=("goalposts", "rank"), highlight=lc)
    ax = fig.axes[0]
    ranked = a.scores["rank_national"].notna() & b.scores["rank_national"].notna()
    assert len(ax.collections[0].get_offsets()) == int(ranked.sum())
    assert len(ax.collections[1].get_offsets()) == len(lc)
    rho = a.scores["rank_national"].astype(float).corr(b.scores["rank_national"].astype(float), method="spearman")
    stats = next(t.get_text() for t in ax.texts if t.get_gid() == "rank-shift-stats")
    assert f"{rho:.3f}" in stats
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("goalposts", "rank")
    assert marks(fig) == [LABEL]
    plain = pd.Series([1, 2, 3], index=list("abc"))
    assert marks(plot_rank_shift(plain, plain)) == []
    assert "1.000" in next(t.get_text() for t in plot_rank_shift(plain, plain).axes[0].texts)

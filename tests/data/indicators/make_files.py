"""Make the small indicator files used by tests/test_schema_io.py and tests/test_validate.py.

Run from the repository root (after ``python -m divide.build``)::

    python tests/data/indicators/make_files.py

Every value is made up (seeded, deterministic) on the real commune codes and
names of Hà Nội (01) and Lai Châu (12); nothing here is observed data. The
files cover each format and encoding that :func:`divide.read_indicators`
reads, and one deliberately broken file per validator problem class. See
README.md in this folder for the list.
"""

from __future__ import annotations

import json
import shutil
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

import divide  # noqa: E402
from divide.indicators.schema import INDICATOR_NAMES, INDICATORS  # noqa: E402

SEED = 20250701
FIXED_TIME = "2025-07-01T00:00:00.000Z"
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Encode NFC Vietnamese as Windows-1258 the way Windows does: base letter + combining tone mark."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in _TONES))
        out += base.encode("cp1258")
        out += "".join(p for p in parts if p in _TONES).encode("cp1258")
    return bytes(out)


def _freeze_zip(path: Path) -> None:
    """Give every member of an .xlsx a fixed time stamp, so that two runs write identical bytes."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as z:
        members = [(info.filename, z.read(info.filename)) for info in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            if name == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2025-07-01T00:00:00Z", data)
            z.writestr(zipfile.ZipInfo(name, date_time=(2025, 7, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)


def base_table() -> pd.DataFrame:
    """The clean table: the 164 communes of Hà Nội + Lai Châu, all nine indicators, vintage 2024."""
    c = divide.load_communes()
    c = c[c["province_code"].isin(["01", "12"])].sort_index()
    rng = np.random.default_rng(SEED)
    n = len(c)
    urban = (c["commune_type"] == "phuong").to_numpy().astype(float)
    remote = (c["province_code"] == "12").to_numpy().astype(float)

    def pct(base, u, r, sd):
        return np.clip(base + u * urban - r * remote + rng.normal(0, sd, n), 1, 100).round(1)

    total = rng.integers(6, 24, n)
    t = pd.DataFrame(
        {
            "commune_code": c.index.to_numpy(),
            "commune_name": c["commune_name"].to_numpy(),
            "province_name": c["province_name"].to_numpy(),
            "fiber_households_pct": pct(70, 20, 15, 9),
            "fiber_villages_pct": pct(80, 12, 20, 8),
            "mobile_4g_pop_pct": pct(96, 3, 6, 2),
            "villages_total": total,
            "villages_no_signal": rng.binomial(total, 0.06 + 0.08 * remote),
            "villages_no_power": rng.binomial(total, 0.05 + 0.07 * remote),
            "online_services_pct": pct(22, 10, 8, 6),
            "smartphone_adults_pct": pct(75, 12, 15, 8),
            "digital_payment_adults_pct": pct(80, 10, 18, 7),
            "vintage": "2024",
        }
    )
    return t


def write_csv(df: pd.DataFrame, path: Path, encoding: str = "utf-8", sep: str = ",") -> None:
    text = df.to_csv(index=False, sep=sep, lineterminator="\n")
    if encoding == "cp1258":
        path.write_bytes(to_cp1258(text))
    else:
        path.write_bytes(text.encode(encoding))


VI_HEADERS = {
    "commune_code": "Mã xã",
    "commune_name": "Tên xã",
    "province_name": "Tỉnh",
    "fiber_households_pct": "Tỷ lệ hộ có cáp quang (%)",
    "fiber_villages_pct": "Tỷ lệ thôn, bản có cáp quang (%)",
    "mobile_4g_pop_pct": "Tỷ lệ dân số được phủ sóng 4G (%)",
    "villages_total": "Số thôn",
    "villages_no_signal": "Số thôn lõm sóng",
    "villages_no_power": "Số thôn chưa có điện lưới",
    "online_services_pct": "Tỷ lệ người dân sử dụng dịch vụ công trực tuyến (%)",
    "smartphone_adults_pct": "Tỷ lệ người trưởng thành có điện thoại thông minh (%)",
    "digital_payment_adults_pct": "Tỷ lệ người trưởng thành có tài khoản thanh toán (%)",
    "vintage": "Năm",
}
SHORT = {c.name: c.short for c in INDICATORS} | {"commune_code": "ma_xa", "commune_name": "ten_xa", "vintage": "nam"}


def make_good(t: pd.DataFrame, out: Path) -> None:
    lc = t[t["commune_code"].isin(divide.load_communes("Lai Châu").index)].reset_index(drop=True)

    # CSV, UTF-8, English canonical headers.
    write_csv(t, out / "subset_utf8.csv")

    # CSV, UTF-8 with BOM, Vietnamese headers, ';' and decimal commas (Excel in a Vietnamese locale).
    vi = t.rename(columns=VI_HEADERS)
    text = vi.to_csv(index=False, sep=";", decimal=",", lineterminator="\n")
    (out / "subset_utf8_bom.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))

    # CSV, Windows-1258, Vietnamese headers, names instead of codes (Lai Châu only).
    cp = lc.drop(columns="commune_code").rename(columns=VI_HEADERS)
    cp["Tên xã"] = ["Xã " + n for n in cp["Tên xã"]]
    cp["Tỉnh"] = "Tỉnh Lai Châu"
    write_csv(cp, out / "laichau_names_cp1258.csv", encoding="cp1258")

    # XLSX: an instructions sheet first; data sheet with a title row, codes typed as numbers.
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Hướng dẫn"
    ws.append(["Bảng số liệu hạ tầng số cấp xã — số liệu minh họa (tạo bởi make_files.py)"])
    data = wb.create_sheet("Số liệu")
    data.append(["BÁO CÁO HẠ TẦNG SỐ CẤP XÃ, TỈNH LAI CHÂU"])
    data.append([])
    data.append([VI_HEADERS[c] for c in lc.columns])
    for row in lc.itertuples(index=False):
        values = list(row)
        values[0] = int(values[0])  # the code as a number, as a spreadsheet leaves it
        values = [v.item() if hasattr(v, "item") else v for v in values]
        data.append(values)
    data.append(["Tổng cộng", None, None, None, None, None, int(lc["villages_total"].sum())])
    wb.save(out / "laichau_numeric_codes.xlsx")
    _freeze_zip(out / "laichau_numeric_codes.xlsx")

    # Geo layers from the real boundaries (simplified to keep the files small).
    import pyogrio

    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": FIXED_TIME})
    geo = divide.load_communes("Lai Châu")[["geometry"]]
    g = geo.join(lc.set_index("commune_code")).reset_index()
    g["geometry"] = g.geometry.simplify(0.01)
    gpkg = out / "laichau.gpkg"
    gpkg.unlink(missing_ok=True)
    notes = g[["commune_name"]].rename(columns={"commune_name": "ghi_chu"}).assign(geometry=g.geometry)
    import geopandas as gpd

    pyogrio.write_dataframe(gpd.GeoDataFrame(notes, crs=geo.crs).iloc[:3], gpkg, layer="ghi_chu")
    pyogrio.write_dataframe(g.drop(columns="vintage"), gpkg, layer="chi_tieu_xa", append=True,
                            layer_metadata={"vintage": "2024-06"})

    points = g.copy()
    points["geometry"] = g.geometry.representative_point()
    short = points.drop(columns=["province_name"]).rename(columns=SHORT)
    for name in ("shp_cp1258_cpg", "shp_cp1258_nocpg"):
        folder = out / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        pyogrio.write_dataframe(short, folder / "laichau.shp", encoding="cp1258",
                                layer_options={"DBF_DATE_LAST_UPDATE": "2025-07-01"})
    (out / "shp_cp1258_nocpg" / "laichau.cpg").unlink()

    gj = points.copy()
    gj["commune_code"] = gj["commune_code"].astype(int)  # a number, as many tools write it
    gj["geometry"] = gj.geometry.set_precision(1e-5)
    (out / "laichau.geojson").unlink(missing_ok=True)
    pyogrio.write_dataframe(gj, out / "laichau.geojson", driver="GeoJSON")

    pq = t.drop(columns="vintage").copy()
    pq.attrs["vintage"] = {c: ("2023" if c.startswith("fiber") else "2024-12") for c in INDICATOR_NAMES}
    pq.to_parquet(out / "subset.parquet", index=False)

    # Village layer: 24 villages in Lai Châu, points given as lon/lat.
    rng = np.random.default_rng(SEED + 1)
    cent = geo.geometry.representative_point()
    rows = []
    for k, code in enumerate(lc["commune_code"].iloc[:8]):
        for j in range(3):
            p = cent.loc[code]
            rows.append(
                {
                    "Mã thôn": f"{code}-{j + 1:02d}",
                    "Mã xã": int(code),
                    "Tên thôn": f"Bản {['Nậm', 'Pá', 'Huổi'][j]} {k + 1}",
                    "Có sóng": ["có", "không", "có"][(k + j) % 3],
                    "Có điện": "có" if (k + j) % 4 else "chưa",
                    "Có cáp quang": ["x", "", "x"][j],
                    "Dân số": int(rng.integers(120, 900)),
                    "Kinh độ": round(p.x + 0.003 * j, 5),
                    "Vĩ độ": round(p.y + 0.002 * j, 5),
                }
            )
    write_csv(pd.DataFrame(rows), out / "villages_laichau.csv")


def make_broken(t: pd.DataFrame, out: Path) -> None:
    def w(df, name):
        write_csv(df, out / name)

    b = t.copy()
    b.loc[3, "fiber_households_pct"] = 104.5
    b.loc[7, "fiber_households_pct"] = -3.0
    w(b, "broken_range.csv")

    b = t.copy()
    b.loc[10, "villages_no_signal"] = b.loc[10, "villages_total"] + 4
    w(b, "broken_exceeds_total.csv")

    b = t.copy()
    b["smartphone_adults_pct"] = (b["smartphone_adults_pct"] / 100).round(3)
    w(b, "broken_fractions.csv")

    b = t.copy().astype({"online_services_pct": object})
    b.loc[5, "online_services_pct"] = "cao"
    b.loc[6, "online_services_pct"] = "n.a."
    w(b, "broken_types.csv")

    b = t.copy().astype({"villages_total": float})
    b.loc[12, "villages_total"] = 12.5
    w(b, "broken_not_integer.csv")

    b = t.copy()
    b.loc[0, "commune_code"] = "99999"
    b.loc[1, "commune_code"] = "ABCDE"
    w(b, "broken_unknown_codes.csv")

    # Pre-2025: a code that vanished (00001 Phúc Xá) and one reused in 2025 but given with its old name.
    b = t.copy()
    b.loc[0, ["commune_code", "commune_name"]] = ["00001", "Phường Phúc Xá"]
    b.loc[1, ["commune_code", "commune_name"]] = ["00004", "Phường Trúc Bạch"]
    w(b, "broken_pre2025.csv")

    b = t.copy()
    lai = b.index[b["province_name"] == "Lai Châu"]
    b = b.drop(index=lai[:5])
    b.loc[b.index[:3], "digital_payment_adults_pct"] = np.nan
    w(b, "broken_missing.csv")

    b = t.copy()
    dup_same = b.iloc[[20]]
    dup_diff = b.iloc[[21]].copy()
    dup_diff["fiber_households_pct"] = dup_diff["fiber_households_pct"] + 10
    b = pd.concat([b, dup_same, dup_diff], ignore_index=True)
    w(b, "broken_duplicates.csv")

    b = t.copy()
    b.loc[30, "villages_total"] = 400
    w(b, "broken_outlier.csv")

    b = t.copy()
    rng = np.random.default_rng(SEED + 2)
    b["online_services_pct"] = (b["smartphone_adults_pct"] * 0.4 + rng.normal(0, 0.5, len(b))).round(1)
    w(b, "broken_near_duplicate.csv")

    b = t.copy()
    b["vintage"] = "2019"
    w(b, "broken_stale.csv")

    b = t.copy()
    b["mobile_4g_pop_pct_year"] = 2030
    w(b, "broken_future_vintage.csv")

    # Names without provinces: some ambiguous nationally, one unknown.
    lc = t[t["province_name"] == "Lai Châu"].head(6)
    b = lc[["commune_name", "fiber_households_pct"]].copy()
    b.loc[len(b) + 100] = ["Tân Phong", 50.0]  # Tân Phong exists in several provinces
    b.loc[len(b) + 100] = ["Xã Không Có Thật", 40.0]
    w(b, "broken_names.csv")

    # Not a table: unreadable input.
    (out / "broken_not_xlsx.xlsx").write_bytes(b"this is not a workbook\n")
    pd.DataFrame({"a": [1, 2], "b": [3, 4]}).to_csv(out / "broken_no_key.csv", index=False)


def main() -> None:
    out = HERE
    t = base_table()
    make_good(t, out)
    make_broken(t, out)
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.suffix != ".py"
                   and p.name != "README.md")
    print(json.dumps(files, indent=1))


if __name__ == "__main__":
    main()

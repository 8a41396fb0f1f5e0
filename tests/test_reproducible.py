"""Same inputs and seed, same bytes (issue 14, item 13): every file of a province atlas but the manifest's run time."""

from __future__ import annotations

import json

from divide.cli.app import main


def test_two_province_atlases_are_byte_identical(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        assert main(["-q", "atlas", "--province", "Lai Châu", "--reps", "50", "--out", str(out)]) == 0
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    assert {"communes.gpkg", "priority_map.pdf", "tier1_communes.xlsx", "communes.csv", "brief.md"} <= set(names)
    different = [n for n in names if n != "manifest.json" and (a / n).read_bytes() != (b / n).read_bytes()]
    assert different == []
    ma, mb = (json.loads((d / "manifest.json").read_text(encoding="utf-8")) for d in (a, b))
    for m in (ma, mb):
        m.pop("created", None)
        m.pop("seconds", None)
        m.pop("timings", None)
        m.pop("notes", None)  # step timings of this run
        for entry in m.get("outputs", []):
            entry["path"] = entry["path"].rsplit("/", 1)[-1]
    assert ma == mb  # only the run time differs

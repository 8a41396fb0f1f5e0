"""Issue 14 through the command line: outputs never overwrite inputs, paths and numbers are checked up front.

Each case runs `divide …` as a user would and checks the exit code, that no traceback is shown, that the
message names the option or file, that nothing is written, and that the inputs are unchanged.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from cli_helpers import digest, files_below, run_divide

from divide import datasets


@pytest.fixture
def user_file(tmp_path) -> Path:
    path = tmp_path / "mine" / "table.csv"
    path.parent.mkdir()
    shutil.copy(datasets.path("indicators_hanoi_laichau.csv"), path)
    return path


def _spellings(path: Path, tmp_path: Path) -> dict[str, str]:
    link = tmp_path / "link.csv"
    link.symlink_to(path)
    return {
        "same": str(path),
        "dotdot": str(path.parent / ".." / path.parent.name / path.name),
        "relative": os.path.relpath(path, tmp_path),
        "symlink": str(link),
    }


@pytest.mark.parametrize("spelling", ["same", "dotdot", "relative", "symlink"])
@pytest.mark.parametrize("command", [
    ["crosswalk", "{in}", "--code-column", "commune_code", "--extensive", "villages_total", "--out", "{out}"],
    ["index", "{in}", "--out", "{out}"],
    ["export", "--indicators", "{in}", "--province", "12", "--out", "{out}"],
    ["map", "--indicators", "{in}", "--province", "12", "--out", "{out}"],
    ["validate", "{in}", "--out", "{out}"],
])
def test_no_command_writes_over_its_input(user_file, tmp_path, command, spelling):
    out = _spellings(user_file, tmp_path)[spelling]
    before = digest(user_file)
    listing = files_below(tmp_path)
    args = [a.replace("{in}", str(user_file)).replace("{out}", out) for a in command]
    result = run_divide(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "--out" in result.stderr and "input" in result.stderr
    assert digest(user_file) == before
    assert files_below(tmp_path) == listing


def test_atlas_refuses_an_output_folder_that_holds_an_input_of_the_same_name(tmp_path):
    mine = tmp_path / "communes.csv"
    shutil.copy(datasets.path("indicators_hanoi_laichau.csv"), mine)
    result = run_divide("atlas", "--indicators", str(mine), "--out", str(tmp_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "communes.csv" in result.stderr and "input" in result.stderr
    assert files_below(tmp_path) == ["communes.csv"]


def test_atlas_out_is_an_existing_file(tmp_path):
    target = tmp_path / "report"
    target.write_text("keep me")
    result = run_divide("atlas", "--out", str(target))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "--out" in result.stderr and "existing file, not a folder" in result.stderr
    assert target.read_text() == "keep me" and files_below(tmp_path) == ["report"]


def test_export_out_is_an_existing_folder_leaves_nothing_behind(tmp_path):
    folder = tmp_path / "layers.csv"
    folder.mkdir()
    result = run_divide("export", "--province", "12", "--out", str(folder))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "--out" in result.stderr and "existing folder" in result.stderr
    assert files_below(tmp_path) == ["layers.csv"]


@pytest.mark.parametrize("argv, message", [
    (["atlas", "--reps", "-5"], "argument --reps: must be at least 1 (got -5)"),
    (["atlas", "--reps", "1.5"], "argument --reps: '1.5' is not a whole number"),
    (["atlas", "--seed", "abc"], "argument --seed: 'abc' is not a number"),
    (["regions", "--min-population", "-1"], "argument --min-population: must be at least 1 (got -1)"),
    (["regions", "--min-population", "300.000,5"], "argument --min-population"),
    (["map", "--k", "1", "--out", "x.png"], "argument --k: must be at least 2 (got 1)"),
    (["index", "f.csv", "--out", "o.csv", "--uncertainty", "-3"], "argument --uncertainty: must be at least 0"),
])
def test_numeric_options_are_range_checked_when_parsed(tmp_path, argv, message):
    result = run_divide(*argv, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert files_below(tmp_path) == []


def test_thousands_separators_in_a_population_floor_are_read_as_people_write_them():
    import argparse

    from divide.cli.regions import add_parser

    parser = argparse.ArgumentParser(prog="divide")
    add_parser(parser.add_subparsers(dest="command"))
    for text in ("300.000", "300,000", "300 000", "300000"):
        assert parser.parse_args(["regions", "--min-population", text]).min_population == 300_000


def test_quiet_silences_everything_but_errors(tmp_path):
    result = run_divide("-q", "atlas", "--province", "Lai Châu", "--reps", "50", "--out", str(tmp_path / "atlas"))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    assert (tmp_path / "atlas" / "brief.md").exists()
    failed = run_divide("-q", "atlas", "--reps", "0", "--out", str(tmp_path / "x"))
    assert failed.returncode == 2 and "--reps" in failed.stderr


def test_progress_lines_without_a_terminal(tmp_path):
    result = run_divide("template", "--province", "12", "--out", str(tmp_path / "t.xlsx"))
    assert result.returncode == 0 and "wrote" in result.stdout


def test_progress_bar_follows_the_atlas_steps():
    import io

    from divide.atlas import progress_bar

    buf = io.StringIO()
    report = progress_bar(buf)
    report("loading")  # before the first step: a plain line
    report("[1/3] analysis")
    report("      computing the divide index")
    report("[3/3] writing the manifest")
    text = buf.getvalue()
    assert text.startswith("… loading")
    assert "analysis" in text and "computing the divide index" in text and "writing the manifest" in text
    assert "2/3" in text  # the bar stands at step 2 of 3 while the third step runs

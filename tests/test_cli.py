"""The command line: exit codes, outputs, and raw data left untouched."""

import csv
import hashlib
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest

from profmon.cli import main

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "raw"


@pytest.fixture
def data_dir(tmp_path):
    """A copy of the committed 2021 and 2022 sample."""
    shutil.copytree(SAMPLE, tmp_path / "raw")
    return tmp_path


def _fingerprint(folder: Path) -> dict:
    return {
        path.relative_to(folder): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_validate_sample_exits_0_and_reports_warnings(data_dir, capsys):
    assert main(["validate", "--data", str(data_dir), "--year", "2022"]) == 0
    out = capsys.readouterr().out
    assert "school_disappeared" in out
    assert "Ошибок: 0, предупреждений: 2" in out


def test_validate_exits_1_on_errors_and_writes_csv(data_dir, capsys, tmp_path):
    path = data_dir / "raw" / "2022" / "bad.csv"
    path.write_text("school_id;municipality\nX1;Москва\n", encoding="utf-8")
    report = tmp_path / "findings.csv"
    code = main(
        ["validate", "--data", str(data_dir), "--year", "2022", "--csv", str(report)]
    )
    assert code == 1
    rows = list(csv.DictReader(io.StringIO(report.read_text(encoding="utf-8-sig"))))
    assert {
        "file",
        "sheet",
        "row",
        "column",
        "value",
        "severity",
        "code",
        "message",
    } <= set(rows[0])
    assert any(
        r["code"] == "unknown_municipality" and r["file"] == "bad.csv" for r in rows
    )


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["validate"],
        ["validate", "--year", "двадцать"],
        ["indicators", "--year", "2022", "--by", "district"],
        ["report", "--year", "2022", "--municipality", "Рыбинск", "--all"],
    ],
)
def test_usage_errors_exit_2_in_russian(argv, capsys):
    assert main(argv) == 2
    assert "ошибка" in capsys.readouterr().err


def test_missing_year_folder_is_an_error_not_a_traceback(tmp_path, capsys):
    assert main(["build", "--data", str(tmp_path), "--year", "2022"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Ошибка" in err


@pytest.mark.parametrize("by", ["region", "cluster", "municipality", "school"])
def test_indicators_csv_columns(data_dir, capsys, by):
    code = main(
        [
            "indicators",
            "--data",
            str(data_dir),
            "--year",
            "2022",
            "--by",
            by,
            "--format",
            "csv",
        ]
    )
    assert code == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    expected = [
        "indicator",
        "group",
        "numerator",
        "denominator",
        "value",
        "target",
        "met",
    ]
    assert set(expected) <= set(table.columns)
    if by == "school":
        assert {"municipality", "cluster"} <= set(table.columns)
        assert table["group"].nunique() == 330
    if by == "cluster":
        assert sorted(table["group"].unique()) == ["КГ1", "КГ2", "КГ3", "КГ4"]
        row = table.loc[
            (table["indicator"] == "vocational.poo9_region") & (table["group"] == "КГ4")
        ].iloc[0]
        # value is in percent and unrounded: 64,8 % as published, more digits
        assert round(row["value"], 1) == 64.8 and row["value"] != 64.8
        assert row["value"] == pytest.approx(
            100 * row["numerator"] / row["denominator"]
        )


def test_indicators_table_format_is_russian(data_dir, capsys):
    assert main(["indicators", "--data", str(data_dir), "--year", "2022"]) == 0
    out = capsys.readouterr().out
    assert "45,9\u00a0%" in out  # poo9_region, region 2022


def test_build_writes_parquet_and_leaves_raw_untouched(data_dir, capsys):
    before = _fingerprint(data_dir / "raw")
    assert main(["build", "--data", str(data_dir), "--year", "2022"]) == 0
    assert _fingerprint(data_dir / "raw") == before
    folder = data_dir / "processed" / "2022"
    schools = pd.read_parquet(folder / "schools.parquet")
    indicators = pd.read_parquet(folder / "indicators.parquet")
    assert len(schools) == 330
    assert set(indicators["level"]) == {
        "region",
        "cluster",
        "municipality",
        "municipality_cluster",
        "school",
    }
    region = indicators.loc[indicators["level"] == "region"].set_index("indicator")
    assert region.loc["basic.bilet", "previous_value"] == pytest.approx(
        region.loc["basic.bilet", "value"] - region.loc["basic.bilet", "change"]
    )
    assert not list(folder.glob("*.tmp")) and not list(folder.glob(".*"))


def test_build_refuses_data_with_errors_and_writes_nothing(data_dir, capsys):
    path = data_dir / "raw" / "2022" / "broken.csv"
    path.write_text("school_id\nZ\n", encoding="utf-8")
    assert main(["build", "--data", str(data_dir), "--year", "2022"]) == 1
    assert not (data_dir / "processed" / "2022").exists()


def test_template_and_synth(tmp_path, capsys):
    template = tmp_path / "t.xlsx"
    assert main(["template", "--year", "2022", "--out", str(template)]) == 0
    assert template.stat().st_size > 0
    assert main(["synth", "--out", str(tmp_path / "d")]) == 0
    assert len(list((tmp_path / "d" / "raw" / "2022").glob("*.xlsx"))) == 20

"""Loading validated years and panels."""

from __future__ import annotations

import pytest
from submission_files import CANONICAL, school_row, write_csv, write_xlsx

from profmon.dataset import available_years, load_panel, load_year
from profmon.errors import DataError
from profmon.intake import PROVENANCE
from profmon.methodology import load_methodology


def submit(data_dir, year, rows, name="mo.xlsx", **options):
    writer = write_xlsx if name.endswith(".xlsx") else write_csv
    return writer(data_dir / "raw" / str(year) / name, rows, **options)


def test_available_years_are_four_digit_folders_sorted(intake_data_dir):
    for name in ("2022", "2021", "notes", "20221"):
        (intake_data_dir / "raw" / name).mkdir()
    (intake_data_dir / "raw" / "2020").write_text("a file, not a folder")
    assert available_years(intake_data_dir) == [2021, 2022]
    assert available_years(intake_data_dir / "nowhere") == []


def test_load_year_returns_the_validated_frame(intake_data_dir):
    submit(intake_data_dir, 2022, [school_row(1), school_row(2, school_type="лицей")])
    schools = load_year(intake_data_dir, 2022)
    assert list(schools.columns) == [*CANONICAL, "year", "cluster", *PROVENANCE]
    assert schools["year"].tolist() == [2022, 2022]
    assert schools["cluster"].astype(str).tolist() == ["КГ3", "КГ1"]


def test_load_year_with_errors_raises_with_findings(intake_data_dir):
    submit(
        intake_data_dir, 2022, [school_row(1, grade_1=-1), school_row(2, grade_2="x")]
    )
    with pytest.raises(DataError, match="ошибок — 2") as caught:
        load_year(intake_data_dir, 2022)
    assert "2022" in str(caught.value)
    assert "profmon validate" in str(caught.value)
    assert caught.value.findings["code"].tolist() == ["negative", "not_integer"]


def test_load_year_accepts_warnings(intake_data_dir):
    submit(intake_data_dir, 2022, [school_row(graduates_9=30)])
    assert len(load_year(intake_data_dir, 2022)) == 1


def test_missing_year_raises(intake_data_dir):
    with pytest.raises(DataError) as caught:
        load_year(intake_data_dir, 2030)
    assert caught.value.findings["code"].tolist() == ["no_files"]


def test_panel_concatenates_years_in_order(intake_data_dir):
    later = {"proektoria_1_11", "events_1_11", "vuz_profile_region_11"}
    later |= {"poo_ovz_11", "poo_region_11"}
    columns_2021 = [name for name in CANONICAL if name not in later]
    submit(intake_data_dir, 2022, [school_row(1), school_row(2)])
    submit(intake_data_dir, 2021, [school_row(1)], name="mo.csv", columns=columns_2021)

    panel = load_panel(intake_data_dir)

    assert panel["year"].tolist() == [2021, 2022, 2022]
    assert panel["school_id"].tolist() == ["YAR-001", "YAR-001", "YAR-002"]
    assert panel["proektoria_1_11"].isna().tolist() == [True, False, False]
    assert panel["cluster"].dtype.name == "category"
    assert panel.index.tolist() == [0, 1, 2]


def test_panel_of_chosen_years_uses_one_methodology(intake_data_dir):
    submit(intake_data_dir, 2021, [school_row(1)])
    submit(intake_data_dir, 2022, [school_row(1)])
    methodology = load_methodology(2022)
    panel = load_panel(intake_data_dir, years=[2022], methodology=methodology)
    assert panel["year"].tolist() == [2022]


def test_panel_stops_at_a_year_with_errors(intake_data_dir):
    submit(intake_data_dir, 2021, [school_row(1, grade_1="x")])
    submit(intake_data_dir, 2022, [school_row(1)])
    with pytest.raises(DataError, match="2021"):
        load_panel(intake_data_dir)


def test_empty_data_folder_raises(intake_data_dir):
    with pytest.raises(DataError, match="raw"):
        load_panel(intake_data_dir)

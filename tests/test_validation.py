"""Validation rules: each one with a bad file, checked to the finding."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from submission_files import (
    CANONICAL,
    RUSSIAN,
    digest,
    school_row,
    write_csv,
    write_xlsx,
)

from profmon.clusters import CLUSTERS
from profmon.fields import FIELDS
from profmon.findings import FINDING_COLUMNS, Reason
from profmon.intake import PROVENANCE
from profmon.methodology import load_methodology
from profmon.validation import PART_WHOLE, validate_year


def submit(data_dir, rows, *, year=2022, name="mo.csv", **options):
    folder = data_dir / "raw" / str(year)
    writer = write_xlsx if name.endswith(".xlsx") else write_csv
    writer(folder / name, rows, **options)
    return folder


def only(findings, code):
    chosen = findings[findings["code"] == code]
    assert len(chosen) == 1, findings.to_string()
    return chosen.iloc[0]


# --- a valid year -------------------------------------------------------------


def test_valid_year_gives_typed_schools_and_no_findings(intake_data_dir):
    rows = [
        school_row(1),
        school_row(2, school_type="Лицей", municipality="г. Рыбинск"),
        school_row(3, settlement=None, municipality="ярославский МР"),
    ]
    submit(intake_data_dir, rows, name="a.xlsx")

    result = validate_year(intake_data_dir, 2022)

    assert result.findings.empty
    assert not result.has_errors
    assert list(result.findings.columns) == FINDING_COLUMNS
    schools = result.schools
    assert list(schools.columns) == [*CANONICAL, "year", "cluster", *PROVENANCE]
    assert schools["municipality"].tolist() == ["Ярославль", "Рыбинск", "Ярославский"]
    assert schools["school_type"].tolist() == [
        "общеобразовательная",
        "лицей",
        "общеобразовательная",
    ]
    assert schools["settlement"].isna().tolist() == [False, False, True]
    assert schools["cluster"].astype(str).tolist() == ["КГ3", "КГ1", "КГ3"]
    assert list(schools["cluster"].cat.categories) == list(CLUSTERS)
    assert schools["year"].tolist() == [2022] * 3
    assert schools["source_row"].tolist() == [2, 3, 4]
    counts = [field.name for field in FIELDS if field.kind == "count"]
    required = load_methodology(2022).required_fields(2022)
    for name in counts:
        expected = "int64" if name in required else "Int64"
        assert str(schools[name].dtype) == expected, name
    assert schools["has_career_regulations"].dtype == bool
    assert schools["has_career_regulations"].tolist() == [True] * 3
    assert schools["grade_1"].tolist() == [30] * 3


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("да", True), ("НЕТ", False), ("Да ", True), ("1", True), ("0", False)],
)
def test_flag_spellings_accepted(intake_data_dir, cell, expected):
    submit(intake_data_dir, [school_row(has_career_room=cell)], sep=";")
    result = validate_year(intake_data_dir, 2022)
    assert result.findings.empty
    assert result.schools["has_career_room"].tolist() == [expected]


@pytest.mark.parametrize(
    ("column", "cell", "canonical"),
    [
        ("school_type", "УИОП", "УИОП"),
        ("school_type", "уиоп", "УИОП"),
        ("school_type", "ГИМНАЗИЯ", "гимназия"),
        ("settlement", "поселок", "посёлок"),
        ("settlement", "Село", "село"),
        ("municipality", "Гаврилов - Ямский район", "Гаврилов-Ямский"),
        ("municipality", "гоу", "ГОУ"),
    ],
)
def test_choice_spellings_normalised(intake_data_dir, column, cell, canonical):
    submit(intake_data_dir, [school_row(**{column: cell})])
    result = validate_year(intake_data_dir, 2022)
    assert result.findings.empty
    assert result.schools[column].tolist() == [canonical]


def test_decimal_comma_with_zero_fraction_is_a_count(intake_data_dir):
    submit(intake_data_dir, [school_row(grade_1="12,0", grade_2="1 030")], sep=";")
    result = validate_year(intake_data_dir, 2022)
    assert not result.has_errors
    assert result.schools.loc[0, ["grade_1", "grade_2"]].tolist() == [12, 1030]


def test_earlier_year_does_not_need_fields_measured_later(intake_data_dir):
    later = {"proektoria_1_11", "events_1_11", "vuz_profile_region_11"}
    later |= {"poo_ovz_11", "poo_region_11"}
    columns = [name for name in CANONICAL if name not in later]
    submit(intake_data_dir, [school_row()], year=2021, columns=columns)

    result = validate_year(intake_data_dir, 2021)

    assert result.findings.empty
    assert result.schools["proektoria_1_11"].isna().all()
    assert str(result.schools["proektoria_1_11"].dtype) == "Int64"


# --- errors in cells ----------------------------------------------------------


CELL_ERRORS = [
    ("grade_1", "12,5", "not_integer", "12,5"),
    ("grade_1", "двенадцать", "not_integer", "двенадцать"),
    ("bilet_6_11", "1000000000000", "not_integer", "1000000000000"),
    ("pupils_ovz", "-3", "negative", "-3"),
    ("has_career_room", "может быть", "bad_flag", "может быть"),
    ("has_career_room", "yes", "bad_flag", "yes"),
    ("municipality", "Москва", "unknown_municipality", "Москва"),
    ("school_type", "колледж", "unknown_school_type", "колледж"),
    ("settlement", "хутор", "unknown_settlement", "хутор"),
]


@pytest.mark.parametrize("name", ["mo.csv", "mo.xlsx"])
@pytest.mark.parametrize(("column", "cell", "code", "shown"), CELL_ERRORS)
def test_bad_cell_is_an_error_at_its_place(
    intake_data_dir, name, column, cell, code, shown
):
    rows = [school_row(1), school_row(2, **{column: cell}), school_row(3)]
    submit(intake_data_dir, rows, name=name, headers="russian")

    result = validate_year(intake_data_dir, 2022)

    finding = only(result.findings, code)
    assert len(result.findings) == 1, result.findings.to_string()
    assert finding["file"] == name
    assert finding["sheet"] == ("schools" if name.endswith(".xlsx") else "")
    assert finding["row"] == 3
    assert finding["column"] == column
    assert finding["value"] == shown
    assert finding["severity"] == "error"
    assert RUSSIAN[column] in finding["message"]
    assert result.has_errors
    assert result.schools["school_id"].tolist() == ["YAR-001", "YAR-003"]


def test_negative_count_in_csv_number_column(intake_data_dir):
    submit(intake_data_dir, [school_row(1), school_row(2, grade_5=-4)])
    finding = only(validate_year(intake_data_dir, 2022).findings, "negative")
    assert (finding["row"], finding["column"], finding["value"]) == (3, "grade_5", "-4")
    assert "не меньше 0" in finding["message"]


@pytest.mark.parametrize(
    "column", ["school_id", "school_name", "grade_7", "has_career_room"]
)
def test_empty_required_cell(intake_data_dir, column):
    submit(intake_data_dir, [school_row(1), school_row(2, **{column: None})])
    result = validate_year(intake_data_dir, 2022)
    finding = only(result.findings, "missing_value")
    assert (finding["row"], finding["column"]) == (3, column)
    assert RUSSIAN[column] in finding["message"]
    assert "Заполните" in finding["message"]


def test_empty_optional_settlement_is_fine(intake_data_dir):
    submit(intake_data_dir, [school_row(settlement=None)])
    assert validate_year(intake_data_dir, 2022).findings.empty


def test_missing_required_column_names_the_file(intake_data_dir):
    columns = [name for name in CANONICAL if name != "graduates_9"]
    folder = submit(intake_data_dir, [school_row(1)], columns=columns, name="b.csv")
    write_csv(folder / "a.csv", [school_row(2)])

    result = validate_year(intake_data_dir, 2022)

    finding = only(result.findings, "missing_column")
    assert (finding["file"], finding["column"]) == ("b.csv", "graduates_9")
    assert pd.isna(finding["row"])
    assert RUSSIAN["graduates_9"] in finding["message"]
    assert len(result.findings) == 1
    assert result.schools["source_file"].tolist() == ["a.csv"]


def test_missing_optional_column_is_fine(intake_data_dir):
    columns = [name for name in CANONICAL if name != "settlement"]
    submit(intake_data_dir, [school_row()], columns=columns)
    result = validate_year(intake_data_dir, 2022)
    assert result.findings.empty
    assert result.schools["settlement"].isna().all()


# --- parts and wholes ---------------------------------------------------------


PART_ERRORS = [
    # column, overrides, part shown, whole shown
    ("bilet_6_11", {"bilet_6_11": 145}, "145", "144"),
    ("proektoria_1_11", {"proektoria_1_11": 293}, "293", "292"),
    ("counselled_5_9", {"counselled_5_9": 135}, "135", "134"),
    ("trials_6_9", {"trials_6_9": 107}, "107", "106"),
    ("counselled_10_11", {"counselled_10_11": 39}, "39", "38"),
    ("gia_advanced_11", {"gia_advanced_11": 19}, "19", "18"),
    ("survey_satisfied_9_11", {"survey_satisfied_9_11": 36}, "36", "35"),
    ("poo_ovz_9", {"poo_ovz_9": 3}, "3", "2"),
    ("poo_ovz_11", {"poo_ovz_11": 2}, "2", "1"),
    ("poo_top_region_9", {"poo_top_region_9": 25}, "25", "24"),
    ("pupils_ovz", {"pupils_ovz": 293}, "293", "292"),
    ("pupils_disabled", {"pupils_disabled": 300}, "300", "292"),
    ("graduates_9_ovz", {"graduates_9_ovz": 25, "poo_ovz_9": 0}, "25", "24"),
    ("graduates_11_ovz", {"graduates_11_ovz": 19, "poo_ovz_11": 0}, "19", "18"),
    ("vuz_profile_region_11", {"vuz_profile_region_11": 11}, "11", "10"),
    ("survey_respondents_9_11", {"survey_respondents_9_11": 44}, "44", "43"),
]


@pytest.mark.parametrize(("column", "overrides", "part", "whole"), PART_ERRORS)
def test_part_above_its_whole_is_an_error(
    intake_data_dir, column, overrides, part, whole
):
    submit(intake_data_dir, [school_row(1), school_row(2, **overrides)], name="a.xlsx")

    result = validate_year(intake_data_dir, 2022)

    finding = only(result.findings, "part_exceeds_whole")
    assert finding["column"] == column
    assert finding["row"] == 3
    assert finding["value"] == part
    assert finding["severity"] == "error"
    assert f"= {part} больше" in finding["message"]
    assert f"= {whole}:" in finding["message"]
    assert RUSSIAN[column] in finding["message"]
    assert "исправьте" in finding["message"]
    assert result.schools["school_id"].tolist() == ["YAR-001"]


def test_every_indicator_pair_is_checked():
    methodology = load_methodology(2022)
    pairs = {(ind.numerator, ind.denominator) for ind in methodology.indicators}
    pairs = {pair for pair in pairs if "schools" not in pair[1]} | set(PART_WHOLE)
    columns = {" + ".join(part) for part, _ in pairs}
    tested = {column for column, *_ in PART_ERRORS}
    # the other numerators are wholes of later pairs or checked by warnings
    untested = columns - tested
    assert untested <= {
        "events_1_11",
        "excursions_6_9",
        "excursions_10_11",
        "vuz_profile_11",
        "vuz_labour_market_11",
        "poo_region_9",
        "poo_region_11",
        "poo_ovz_11",
    }
    assert {"poo_ovz_9", "poo_ovz_11"} <= tested


@pytest.mark.parametrize(
    "column",
    [
        "events_1_11",
        "excursions_6_9",
        "excursions_10_11",
        "vuz_profile_11",
        "vuz_labour_market_11",
        "poo_region_9",
        "poo_region_11",
        "poo_ovz_11",
    ],
)
def test_other_numerators_above_denominators(intake_data_dir, column):
    submit(intake_data_dir, [school_row(**{column: 500})])
    findings = validate_year(intake_data_dir, 2022).findings
    errors = findings[findings["code"] == "part_exceeds_whole"]
    assert column in errors["column"].tolist()


def test_part_whole_is_not_checked_in_years_before_the_indicator(intake_data_dir):
    # events_1_11 is measured from 2022; a 2021 file may still carry it
    submit(intake_data_dir, [school_row(events_1_11=500)], year=2021)
    assert validate_year(intake_data_dir, 2021).findings.empty
    submit(intake_data_dir, [school_row(events_1_11=500)], year=2022)
    findings = validate_year(intake_data_dir, 2022).findings
    assert findings["column"].tolist() == ["events_1_11"]


def test_bad_cell_does_not_cascade_into_part_whole(intake_data_dir):
    submit(intake_data_dir, [school_row(grade_6="x", bilet_6_11=500)])
    findings = validate_year(intake_data_dir, 2022).findings
    assert findings["code"].tolist() == ["not_integer"]


# --- duplicates ---------------------------------------------------------------


def test_duplicate_id_across_files_names_every_other_place(intake_data_dir):
    folder = submit(
        intake_data_dir,
        [school_row(1), school_row(2)],
        name="a.xlsx",
        headers="russian",
    )
    write_csv(folder / "b.csv", [school_row(3), school_row(1)], sep=";")

    result = validate_year(intake_data_dir, 2022)

    duplicates = result.findings[result.findings["code"] == "duplicate_school_id"]
    assert duplicates[["file", "row"]].values.tolist() == [["a.xlsx", 2], ["b.csv", 3]]
    assert set(duplicates["value"]) == {"YAR-001"}
    assert set(duplicates["severity"]) == {"error"}
    first, second = duplicates["message"]
    assert "b.csv, строка 3" in first
    assert "a.xlsx, лист schools, строка 2" in second
    assert result.schools["school_id"].tolist() == ["YAR-002", "YAR-003"]


def test_id_repeated_three_times_lists_two_others(intake_data_dir):
    rows = [school_row(1), school_row(1), school_row(1)]
    submit(intake_data_dir, rows)
    duplicates = validate_year(intake_data_dir, 2022).findings
    assert duplicates["row"].tolist() == [2, 3, 4]
    assert "mo.csv, строка 3; mo.csv, строка 4" in duplicates["message"].iloc[0]


# --- warnings -----------------------------------------------------------------


def test_graduates_above_grade_is_a_warning(intake_data_dir):
    submit(intake_data_dir, [school_row(graduates_9=26)])
    result = validate_year(intake_data_dir, 2022)
    finding = only(result.findings, "graduates_exceed_grade")
    assert (finding["column"], finding["value"], finding["row"]) == (
        "graduates_9",
        "26",
        2,
    )
    assert finding["severity"] == "warning"
    assert "= 25" in finding["message"]
    assert not result.has_errors
    assert len(result.schools) == 1


def test_admissions_above_graduates_is_a_warning(intake_data_dir):
    submit(intake_data_dir, [school_row(poo_region_11=9)])
    result = validate_year(intake_data_dir, 2022)
    finding = only(result.findings, "admissions_exceed_graduates")
    assert finding["severity"] == "warning"
    assert "(9)" in finding["message"]
    assert "не меньше 10" in finding["message"]
    assert "(18)" in finding["message"]
    assert len(result.findings) == 1


def test_admissions_equal_to_graduates_is_fine(intake_data_dir):
    submit(intake_data_dir, [school_row(poo_region_11=8)])
    assert validate_year(intake_data_dir, 2022).findings.empty


# --- the previous year --------------------------------------------------------


def test_school_missing_since_last_year_is_a_warning(intake_data_dir):
    submit(intake_data_dir, [school_row(1), school_row(2)], year=2021, name="old.csv")
    submit(intake_data_dir, [school_row(1)], year=2022)

    result = validate_year(intake_data_dir, 2022)

    finding = only(result.findings, "school_disappeared")
    assert finding["severity"] == "warning"
    assert finding["value"] == "YAR-002"
    assert "Средняя школа № 2" in finding["message"]
    assert "old.csv, строка 3" in finding["message"]
    assert len(result.findings) == 1


def with_pupils(total: int) -> dict:
    """Grades of the standard school (292 pupils) changed to sum to `total`."""
    grades = {
        f"grade_{grade}": school_row()[f"grade_{grade}"] for grade in range(1, 12)
    }
    surplus = 292 - total
    if surplus < 0:
        grades["grade_1"] -= surplus
    for name in grades:
        taken = min(surplus, grades[name]) if surplus > 0 else 0
        grades[name] -= taken
        surplus -= taken
    assert sum(grades.values()) == total
    return grades


@pytest.mark.parametrize(
    ("last", "warned"), [(584, False), (585, True), (195, False), (194, True)]
)
def test_pupils_changed_by_more_than_half(intake_data_dir, last, warned):
    # now 292 pupils: a change above half of `last` is |292 - last| > last / 2
    submit(intake_data_dir, [school_row(**with_pupils(last))], year=2021)
    submit(intake_data_dir, [school_row()], year=2022)

    findings = validate_year(intake_data_dir, 2022).findings

    changed = findings[findings["code"] == "pupils_changed"]
    assert len(changed) == int(warned)
    assert len(findings) == int(warned)
    if warned:
        assert changed["row"].tolist() == [2]
        assert changed["severity"].tolist() == ["warning"]
        assert changed["value"].tolist() == ["292"]
        assert f"было {last}" in changed["message"].iloc[0]


def test_previous_year_findings_are_not_reported_again(intake_data_dir):
    submit(intake_data_dir, [school_row(1, grade_1="x"), school_row(2)], year=2021)
    submit(intake_data_dir, [school_row(1), school_row(2)], year=2022)
    assert validate_year(intake_data_dir, 2022).findings.empty


def test_unreadable_previous_year_skips_comparison_with_one_warning(intake_data_dir):
    old = intake_data_dir / "raw" / "2021"
    old.mkdir(parents=True)
    (old / "broken.xlsx").write_bytes(b"not a workbook")
    submit(intake_data_dir, [school_row()], year=2022)

    findings = validate_year(intake_data_dir, 2022).findings

    finding = only(findings, "previous_year_unreadable")
    assert finding["severity"] == "warning"
    assert "broken.xlsx" in finding["message"]
    assert len(findings) == 1


def test_comparison_can_be_switched_off(intake_data_dir):
    submit(intake_data_dir, [school_row(1), school_row(2)], year=2021)
    submit(intake_data_dir, [school_row(1)], year=2022)
    assert validate_year(intake_data_dir, 2022, previous=False).findings.empty


# --- whole files and robustness -----------------------------------------------


def test_missing_year_folder_is_an_error(intake_data_dir):
    result = validate_year(intake_data_dir, 2030)
    assert result.has_errors
    assert result.findings["code"].tolist() == ["no_files"]
    assert result.schools.empty
    assert list(result.schools.columns) == [*CANONICAL, "year", "cluster", *PROVENANCE]


def test_rows_of_a_file_with_a_file_level_error_are_not_accepted(intake_data_dir):
    folder = submit(intake_data_dir, [school_row(1)], name="a.csv")
    write_csv(folder / "b.csv", [school_row(2)], columns=[*CANONICAL, "school_id"])
    result = validate_year(intake_data_dir, 2022)
    assert result.findings["code"].tolist() == ["duplicate_column"]
    assert result.schools["source_file"].tolist() == ["a.csv"]


GARBAGE = {
    "binary.xlsx": bytes(range(256)) * 20,
    "binary.csv": b"\x00\xff" * 500,
    "header_only.csv": ",".join(CANONICAL).encode(),
    "ragged.csv": b"school_id;grade_1\n1;2;3;4\n\n5\n;;;;;;\nx;y\n",
    "one_cell.csv": b"hello",
    "quotes.csv": b'school_id,grade_1\n"unterminated,5\n',
    "nan_words.csv": b"school_id,grade_1,has_career_room\nNA,nan,None\n",
}


@pytest.mark.parametrize("name", sorted(GARBAGE))
def test_garbage_gives_findings_not_exceptions(intake_data_dir, name):
    folder = intake_data_dir / "raw" / "2022"
    folder.mkdir(parents=True)
    (folder / name).write_bytes(GARBAGE[name])
    before = digest(folder)

    result = validate_year(intake_data_dir, 2022)

    assert result.has_errors
    assert result.schools.empty
    assert (result.findings["message"].str.len() > 20).all()
    assert digest(folder) == before


def test_validation_never_changes_raw_files(intake_data_dir):
    folder = submit(intake_data_dir, [school_row(1, grade_1="x")], name="a.xlsx")
    write_csv(folder / "b.csv", [school_row(1)], sep=";", encoding="cp1251")
    submit(intake_data_dir, [school_row(5)], year=2021)
    before = digest(intake_data_dir / "raw")

    validate_year(intake_data_dir, 2022)

    assert digest(intake_data_dir / "raw") == before


def test_every_reason_has_a_severity():
    from profmon.findings import SEVERITY

    assert set(SEVERITY) == set(Reason)


def test_many_rows_many_findings_all_reported(intake_data_dir):
    rng = np.random.default_rng(7)
    bad = sorted(rng.choice(np.arange(200), size=25, replace=False).tolist())
    rows = [
        school_row(number, grade_3=-1 if number in bad else 30) for number in range(200)
    ]
    submit(intake_data_dir, rows)
    findings = validate_year(intake_data_dir, 2022).findings
    assert findings["row"].tolist() == [number + 2 for number in bad]
    assert set(findings["code"]) == {"negative"}


# --- property: any consistent school reads back the same, in any dialect -----


COUNTS = [field.name for field in FIELDS if field.kind == "count"]
GRADES = [f"grade_{grade}" for grade in range(1, 12)]


@settings(max_examples=25, deadline=None)
@given(
    scale=st.integers(0, 400),
    bumps=st.lists(st.integers(0, 300), min_size=11, max_size=11),
    dialect=st.sampled_from(
        [
            ("a.csv", {"sep": ",", "encoding": "utf-8", "headers": "canonical"}),
            ("a.csv", {"sep": ";", "encoding": "cp1251", "headers": "russian"}),
            ("a.csv", {"sep": ";", "encoding": "utf-8-sig", "headers": "russian"}),
            ("a.xlsx", {"headers": "russian"}),
        ]
    ),
)
def test_scaled_consistent_school_reads_back_unchanged(scale, bumps, dialect):
    # Every check is a homogeneous inequality, so scaling the valid school
    # keeps it valid; grades only appear as wholes, so raising them does too.
    school = school_row()
    expected = {name: school[name] * scale for name in COUNTS}
    for name, bump in zip(GRADES, bumps, strict=True):
        expected[name] += bump
    name, options = dialect
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        submit(data_dir, [school_row(**expected)], name=name, **options)
        result = validate_year(data_dir, 2022)

    assert result.findings.empty, result.findings.to_string()
    assert result.schools.loc[0, COUNTS].astype(int).to_dict() == expected

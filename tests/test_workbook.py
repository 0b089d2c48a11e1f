import numpy as np
import openpyxl
import pandas as pd
import pytest

from profmon.fields import FIELDS, SCHOOL_TYPES, SETTLEMENTS
from profmon.methodology import load_methodology
from profmon.municipalities import MUNICIPALITIES
from profmon.workbook import VALIDATED_ROWS, write_submission

HEADERS_RU = [field.header_ru for field in FIELDS]
NAMES = [field.name for field in FIELDS]


def small_frame(rows=5, seed=7):
    rng = np.random.default_rng(seed)
    data = {}
    for field in FIELDS:
        if field.kind == "count":
            data[field.name] = rng.integers(0, 300, rows)
        elif field.kind == "flag":
            data[field.name] = rng.random(rows) < 0.5
        elif field.kind == "id":
            data[field.name] = [f"76{number:04d}" for number in range(rows)]
        elif field.kind == "text":
            data[field.name] = [f"СШ № {number}" for number in range(1, rows + 1)]
        elif field.kind == "municipality":
            data[field.name] = rng.choice(MUNICIPALITIES, rows)
        elif field.kind == "school_type":
            data[field.name] = rng.choice(SCHOOL_TYPES, rows)
        elif field.kind == "settlement":
            data[field.name] = rng.choice(SETTLEMENTS, rows).astype(object)
    frame = pd.DataFrame(data)
    frame.loc[1, "settlement"] = None
    return frame


def validations_by_column(sheet):
    found = {}
    for rule in sheet.data_validations.dataValidation:
        for cells in rule.sqref.ranges:
            assert cells.min_col == cells.max_col
            found[cells.min_col] = (rule, cells)
    return found


def list_values(workbook, formula):
    sheet_name, cells = formula.split("!")
    sheet = workbook[sheet_name.strip("'")]
    return tuple(row[0].value for row in sheet[cells.replace("$", "")])


@pytest.fixture
def written(tmp_path):
    frame = small_frame()
    path = write_submission(frame, tmp_path / "Рыбинск.xlsx", year=2022)
    return frame, path


def test_headers_are_the_contract_headers_in_order(written):
    _, path = written
    sheet = openpyxl.load_workbook(path)["schools"]
    assert [cell.value for cell in sheet[1]] == HEADERS_RU
    assert all(cell.font.bold and cell.alignment.wrap_text for cell in sheet[1])


def test_canonical_headers_on_request(tmp_path):
    path = write_submission(
        small_frame(), tmp_path / "x.xlsx", year=2022, russian_headers=False
    )
    sheet = openpyxl.load_workbook(path)["schools"]
    assert [cell.value for cell in sheet[1]] == NAMES


def test_layout_frozen_header_and_hidden_lists(written):
    _, path = written
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames[0] == "schools"
    assert workbook["schools"].freeze_panes == "C2"
    assert workbook["lists"].sheet_state == "hidden"
    widths = workbook["schools"].column_dimensions
    assert widths["B"].width > widths["F"].width  # name wider than a count


def test_every_rule_sits_on_the_right_column(written):
    _, path = written
    workbook = openpyxl.load_workbook(path)
    found = validations_by_column(workbook["schools"])
    expected_lists = {
        "municipality": MUNICIPALITIES,
        "school_type": SCHOOL_TYPES,
        "settlement": SETTLEMENTS,
        "flag": ("да", "нет"),
    }
    for position, field in enumerate(FIELDS, start=1):
        if field.kind == "text":
            assert position not in found, field.name
            continue
        rule, cells = found[position]
        assert (cells.min_row, cells.max_row) == (2, VALIDATED_ROWS), field.name
        assert rule.showErrorMessage and rule.error and rule.prompt
        assert len(rule.error) <= 255 and len(rule.prompt) <= 255
        assert len(rule.errorTitle) <= 32 and len(rule.promptTitle) <= 32
        if field.kind == "count":
            assert (rule.type, rule.operator, rule.formula1) == (
                "whole",
                "greaterThanOrEqual",
                "0",
            )
            assert "целое число" in rule.error
        elif field.kind == "id":
            assert rule.type == "custom"
            assert rule.formula1 == f"COUNTIF($A$2:$A${VALIDATED_ROWS},A2)=1"
        else:
            assert rule.type == "list", field.name
            assert list_values(workbook, rule.formula1) == expected_lists[field.kind]


def test_round_trip_through_pandas(written):
    frame, path = written
    back = pd.read_excel(path, sheet_name="schools", dtype={"Код ОО": str})
    back = back.rename(columns=dict(zip(HEADERS_RU, NAMES, strict=True)))
    assert list(back.columns) == NAMES
    assert len(back) == len(frame)

    for field in FIELDS:
        expected = frame[field.name]
        if field.kind == "flag":
            expected = expected.map({True: "да", False: "нет"})
        if field.kind == "count":
            assert back[field.name].dtype.kind == "i", field.name
        got = back[field.name].tolist()
        want = expected.tolist()
        if field.kind == "settlement":
            assert pd.isna(got[1]) and pd.isna(want[1])
            got, want = got[:1] + got[2:], want[:1] + want[2:]
        assert got == want, field.name


def test_counts_are_written_as_whole_numbers(tmp_path):
    frame = small_frame()
    frame["grade_1"] = frame["grade_1"].astype("float64")
    frame["grade_2"] = frame["grade_2"].astype("Int64")
    frame.loc[0, "grade_2"] = pd.NA
    path = write_submission(frame, tmp_path / "x.xlsx", year=2022)
    sheet = openpyxl.load_workbook(path)["schools"]
    column_1, column_2 = NAMES.index("grade_1") + 1, NAMES.index("grade_2") + 1
    grade_1 = [sheet.cell(row, column_1).value for row in range(2, 7)]
    assert all(type(value) is int for value in grade_1)
    assert grade_1 == frame["grade_1"].astype(int).tolist()
    assert sheet.cell(2, column_2).value is None


def test_fraction_in_a_count_is_refused(tmp_path):
    frame = small_frame()
    frame["grade_3"] = frame["grade_3"].astype("float64")
    frame.loc[2, "grade_3"] = 12.5
    with pytest.raises(ValueError, match=r"'grade_3', row 2: np.float64\(12.5\)"):
        write_submission(frame, tmp_path / "x.xlsx", year=2022)
    assert not (tmp_path / "x.xlsx").exists()


def test_bad_flag_is_refused_and_old_file_kept(tmp_path):
    path = write_submission(small_frame(), tmp_path / "x.xlsx", year=2022)
    before = path.read_bytes()
    frame = small_frame(seed=8)
    frame["has_career_room"] = frame["has_career_room"].astype(object)
    frame.loc[3, "has_career_room"] = "может быть"
    with pytest.raises(ValueError, match=r"'has_career_room', row 3: 'может быть'"):
        write_submission(frame, path, year=2022)
    assert path.read_bytes() == before


def test_flags_given_as_words_are_kept(tmp_path):
    frame = small_frame()
    frame["has_career_room"] = ["да", "нет", "да", None, "нет"]
    path = write_submission(frame, tmp_path / "x.xlsx", year=2022)
    back = pd.read_excel(path)
    column = back["Кабинет профориентации"]
    assert column.tolist()[:3] == ["да", "нет", "да"] and pd.isna(column[3])


def test_missing_required_field_is_refused(tmp_path):
    frame = small_frame().drop(columns=["grade_5", "bilet_6_11"])
    with pytest.raises(ValueError, match="required in 2022: grade_5, bilet_6_11"):
        write_submission(frame, tmp_path / "x.xlsx", year=2022)


def test_field_not_collected_that_year_may_be_left_out(tmp_path):
    methodology = load_methodology(2021)
    optional_2021 = [
        name for name in NAMES if name not in methodology.required_fields(2021)
    ]
    assert "proektoria_1_11" in optional_2021
    frame = small_frame().drop(columns=["proektoria_1_11", "settlement"])
    path = write_submission(frame, tmp_path / "x.xlsx", year=2021)
    sheet = openpyxl.load_workbook(path)["schools"]
    headers = [cell.value for cell in sheet[1]]
    kept = [field.header_ru for field in FIELDS if field.name in frame.columns]
    assert headers == kept


def test_other_year_in_frame_is_refused(tmp_path):
    frame = small_frame().assign(year=2021)
    with pytest.raises(ValueError, match=r"year\(s\) \[2021\], not 2022"):
        write_submission(frame, tmp_path / "x.xlsx", year=2022)


def test_columns_outside_the_contract_are_not_written(tmp_path):
    frame = small_frame().assign(year=2022, cluster="КГ2", source_row=range(5))
    path = write_submission(frame, tmp_path / "x.xlsx", year=2022)
    assert list(pd.read_excel(path).columns) == HEADERS_RU


def test_same_content_gives_same_bytes(tmp_path):
    first = write_submission(small_frame(), tmp_path / "a.xlsx", year=2022)
    second = write_submission(small_frame(), tmp_path / "b.xlsx", year=2022)
    other = write_submission(small_frame(seed=9), tmp_path / "c.xlsx", year=2022)
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()


def test_crash_while_saving_keeps_the_old_file(tmp_path, monkeypatch):
    path = write_submission(small_frame(), tmp_path / "x.xlsx", year=2022)
    before = path.read_bytes()

    def broken_save(self):
        self._archive.writestr("half.xml", b"<")
        raise OSError("disk full")

    monkeypatch.setattr("profmon.excel.ExcelWriter.save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        write_submission(small_frame(seed=3), path, year=2022)
    assert path.read_bytes() == before
    assert [item.name for item in tmp_path.iterdir()] == ["x.xlsx"]


def test_validation_reaches_past_a_long_table(tmp_path, monkeypatch):
    monkeypatch.setattr("profmon.workbook.VALIDATED_ROWS", 4)
    frame = small_frame(rows=6)
    path = write_submission(frame, tmp_path / "x.xlsx", year=2022)
    found = validations_by_column(openpyxl.load_workbook(path)["schools"])
    assert {cells.max_row for _, cells in found.values()} == {len(frame) + 1}


def consistent_frame(rows=6, seed=11):
    # Every part at most its whole, so the validation has nothing to object to.
    rng = np.random.default_rng(seed)
    frame = small_frame(rows, seed)
    for number in range(1, 12):
        frame[f"grade_{number}"] = rng.integers(20, 60, rows)
    parts = {name: 3 for name in NAMES if name.startswith(("pupils_", "graduates_"))}
    parts.update(graduates_9=frame["grade_9"] - 1, graduates_11=frame["grade_11"] - 1)
    parts.update({field.name: 4 for field in FIELDS if field.group == "participation"})
    parts.update({field.name: 2 for field in FIELDS if field.group == "admissions"})
    parts.update(vuz_profile_11=3, poo_region_9=3, survey_respondents_9_11=10)
    parts.update(survey_satisfied_9_11=rng.integers(0, 11, rows))
    return frame.assign(**parts)


def test_submission_passes_the_validation_unchanged(tmp_path):
    from profmon.validation import validate_year

    frame = consistent_frame()
    write_submission(frame, tmp_path / "raw" / "2022" / "Рыбинск.xlsx", year=2022)
    result = validate_year(tmp_path, 2022, previous=False)
    assert result.findings.empty, result.findings.to_string()

    schools = result.schools.sort_values("school_id").reset_index(drop=True)
    for field in FIELDS:
        got, want = schools[field.name].tolist(), frame[field.name].tolist()
        if field.kind == "settlement":
            assert pd.isna(got[1]) and pd.isna(want[1])
            got, want = got[:1] + got[2:], want[:1] + want[2:]
        assert got == want, field.name
    assert schools["source_sheet"].unique().tolist() == ["schools"]
    assert schools["source_row"].tolist() == list(range(2, 2 + len(frame)))

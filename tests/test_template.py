import openpyxl
import pytest

from profmon.fields import FIELDS
from profmon.methodology import load_methodology
from profmon.municipalities import MUNICIPALITIES
from profmon.template import GROUP_TITLES, GUIDE_SHEET, allowed_values, write_template
from profmon.workbook import VALIDATED_ROWS


@pytest.fixture(scope="module")
def template_2022(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "форма_2022.xlsx"
    write_template(path, 2022)
    return openpyxl.load_workbook(path)


def guide_rows(workbook):
    sheet = workbook[GUIDE_SHEET]
    header_row = next(
        row[0].row for row in sheet.iter_rows() if row[0].value == "Столбец"
    )
    header = [cell.value for cell in sheet[header_row]]
    rows = sheet.iter_rows(min_row=header_row + 1, values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_sheets_and_headers(template_2022):
    assert template_2022.sheetnames == ["schools", GUIDE_SHEET, "lists"]
    sheet = template_2022["schools"]
    assert [cell.value for cell in sheet[1]] == [field.header_ru for field in FIELDS]
    assert sheet.max_row == 1  # no data, and no styled empty rows either
    assert sheet.freeze_panes == "C2"
    assert template_2022["lists"].sheet_state == "hidden"


def test_validation_covers_every_ruled_column(template_2022):
    sheet = template_2022["schools"]
    ruled = {}
    for rule in sheet.data_validations.dataValidation:
        for cells in rule.sqref.ranges:
            ruled[cells.min_col] = (rule.type, cells.min_row, cells.max_row)
    kinds = {"count": "whole", "flag": "list", "municipality": "list"}
    for position, field in enumerate(FIELDS, start=1):
        if field.kind in kinds:
            assert ruled[position] == (kinds[field.kind], 2, VALIDATED_ROWS)


def test_municipality_list_is_on_the_hidden_sheet(template_2022):
    sheet = template_2022["schools"]
    column = [field.kind for field in FIELDS].index("municipality") + 1
    (rule,) = [
        rule
        for rule in sheet.data_validations.dataValidation
        if any(cells.min_col == column for cells in rule.sqref.ranges)
    ]
    reference = rule.formula1
    assert reference.startswith("'lists'!")
    cells = template_2022["lists"][reference.split("!")[1].replace("$", "")]
    assert tuple(row[0].value for row in cells) == MUNICIPALITIES


def test_guide_lists_every_field_in_order(template_2022):
    rows = guide_rows(template_2022)
    assert [row["Имя поля (CSV)"] for row in rows] == [field.name for field in FIELDS]
    for row, field in zip(rows, FIELDS, strict=True):
        assert row["Графа на листе «schools»"] == field.header_ru
        assert row["Что вносить"] == field.description_ru
        assert row["Раздел"] == GROUP_TITLES[field.group]
        assert row["Допустимые значения"] == allowed_values(field)
        column = template_2022["schools"][f"{row['Столбец']}1"]
        assert column.value == field.header_ru


@pytest.mark.parametrize("year", [2021, 2022])
def test_guide_marks_the_fields_the_year_requires(tmp_path, year):
    path = write_template(tmp_path / "form.xlsx", year)
    rows = guide_rows(openpyxl.load_workbook(path))
    marked = [row["Имя поля (CSV)"] for row in rows if row["Обязательное"] == "да"]
    assert marked == list(load_methodology(year).required_fields(year))
    by_name = {row["Имя поля (CSV)"]: row["Обязательное"] for row in rows}
    assert by_name["settlement"] == "нет"
    assert by_name["proektoria_1_11"] == ("да" if year >= 2022 else "нет")


def test_title_names_year_and_edition(template_2022):
    sheet = template_2022[GUIDE_SHEET]
    edition = load_methodology(2022).edition
    assert "2022 год" in sheet["A1"].value
    assert f"редакция {edition}" in sheet["A2"].value
    assert f"2–{VALIDATED_ROWS}" in sheet["A3"].value


def test_every_section_has_a_title():
    assert {field.group for field in FIELDS} <= set(GROUP_TITLES)


def test_allowed_values_follow_the_kind():
    by_name = {field.name: field for field in FIELDS}
    assert allowed_values(by_name["grade_1"]) == "целое число не меньше 0"
    assert allowed_values(by_name["has_career_room"]) == "да или нет"
    assert allowed_values(by_name["settlement"]) == "город; посёлок; село; или пусто"
    assert allowed_values(by_name["municipality"]).split("; ") == list(MUNICIPALITIES)

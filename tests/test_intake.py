"""Reading submissions: formats, encodings, headers, provenance, bad files."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from submission_files import (
    CANONICAL,
    RUSSIAN,
    digest,
    school_row,
    write_csv,
    write_xlsx,
)

from profmon.fields import FIELDS
from profmon.intake import PROVENANCE, read_file, read_year


def year_dir(data_dir, year=2022):
    folder = data_dir / "raw" / str(year)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def codes(findings) -> list[str]:
    return findings["code"].tolist()


# --- CSV variants -------------------------------------------------------------


@pytest.mark.parametrize(
    ("sep", "encoding", "headers"),
    [
        (",", "utf-8", "canonical"),
        (";", "utf-8", "russian"),
        (";", "utf-8-sig", "russian"),
        (";", "cp1251", "russian"),
        (",", "cp1251", "canonical"),
        ("\t", "utf-8", "russian"),
    ],
)
def test_csv_variants_read_alike(intake_data_dir, sep, encoding, headers):
    rows = [school_row(1), school_row(2, school_name="Гимназия «Ёлочка»")]
    write_csv(
        year_dir(intake_data_dir) / "a.csv",
        rows,
        sep=sep,
        encoding=encoding,
        headers=headers,
    )

    submissions = read_year(intake_data_dir, 2022)

    assert submissions.findings.empty
    table = submissions.rows
    assert list(table.columns) == [*CANONICAL, *PROVENANCE]
    assert table["school_name"].tolist() == ["Средняя школа № 1", "Гимназия «Ёлочка»"]
    assert table["grade_9"].astype(int).tolist() == [25, 25]
    assert table["source_row"].tolist() == [2, 3]
    assert table["source_file"].tolist() == ["a.csv", "a.csv"]
    assert table["source_sheet"].tolist() == ["", ""]


def test_csv_keeps_leading_zeros_of_ids(intake_data_dir):
    write_csv(year_dir(intake_data_dir) / "a.csv", [school_row(school_id="007")])
    assert read_year(intake_data_dir, 2022).rows["school_id"].tolist() == ["007"]


def test_csv_decimal_comma_with_semicolon_is_kept_as_text_or_number(intake_data_dir):
    path = year_dir(intake_data_dir) / "a.csv"
    write_csv(path, [school_row(grade_1="12,0"), school_row(2)], sep=";")
    table = read_year(intake_data_dir, 2022).rows
    assert pd.to_numeric(table["grade_1"]).tolist() == [12.0, 30.0]


def test_headers_tolerate_case_yo_and_spaces(intake_data_dir):
    path = year_dir(intake_data_dir) / "a.csv"
    write_csv(path, [school_row()], sep=";", headers="russian")
    text = path.read_bytes().decode("utf-8")
    header, rest = text.split("\r\n", 1)
    header = header.replace("Код ОО", "  КОД   оо ").replace(
        "Высокая удовлетворённость", "высокая удовлетворенность"
    )
    path.write_text(header + "\r\n" + rest, encoding="utf-8")

    submissions = read_year(intake_data_dir, 2022)

    assert submissions.findings.empty
    assert submissions.rows["school_id"].tolist() == ["YAR-001"]
    assert submissions.rows["survey_satisfied_9_11"].astype(int).tolist() == [15]


def test_blank_lines_are_skipped_and_rows_numbered_as_excel(intake_data_dir):
    path = year_dir(intake_data_dir) / "a.csv"
    rows = [school_row(1), school_row(2), school_row(3)]
    write_csv(path, rows, sep=";", blank_lines_before={1: 2})
    submissions = read_year(intake_data_dir, 2022)
    assert submissions.rows["source_row"].tolist() == [2, 5, 6]
    assert submissions.findings.empty


def test_rows_of_separators_only_count_as_blank(intake_data_dir):
    path = year_dir(intake_data_dir) / "a.csv"
    write_csv(path, [school_row(1), school_row(2)], sep=";")
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    lines.insert(2, ";" * (len(CANONICAL) - 1))
    path.write_text("\r\n".join(lines), encoding="utf-8")
    assert read_year(intake_data_dir, 2022).rows["source_row"].tolist() == [2, 4]


def test_header_below_blank_lines_moves_row_numbers(intake_data_dir):
    path = year_dir(intake_data_dir) / "a.csv"
    write_csv(path, [school_row()], sep=";")
    path.write_text("\r\n\r\n" + path.read_bytes().decode("utf-8"), encoding="utf-8")
    assert read_year(intake_data_dir, 2022).rows["source_row"].tolist() == [4]


def test_row_longer_than_header_is_reported_where_it_is(intake_data_dir):
    path = year_dir(intake_data_dir) / "a.csv"
    write_csv(path, [school_row(1), school_row(2)])
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    lines[2] += ",лишнее"
    path.write_text("\r\n".join(lines), encoding="utf-8")

    submissions = read_year(intake_data_dir, 2022)

    finding = submissions.findings.iloc[0]
    assert codes(submissions.findings) == ["value_without_header"]
    assert (finding["file"], finding["row"], finding["value"]) == ("a.csv", 3, "лишнее")
    assert finding["severity"] == "error"
    assert "нет заголовка" in finding["message"]
    assert len(submissions.rows) == 2


def test_first_data_row_longer_than_header_is_not_cut(intake_data_dir):
    path = year_dir(intake_data_dir) / "a.csv"
    write_csv(path, [school_row(1)])
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    lines[1] += ",5"
    path.write_text("\r\n".join(lines), encoding="utf-8")
    findings = read_year(intake_data_dir, 2022).findings
    assert codes(findings) == ["value_without_header"]
    assert findings["row"].tolist() == [2]


def test_short_rows_read_as_empty_cells(intake_data_dir):
    path = year_dir(intake_data_dir) / "a.csv"
    write_csv(path, [school_row(1)])
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    lines[1] = lines[1].rsplit(",", 3)[0]
    path.write_text("\r\n".join(lines), encoding="utf-8")
    table = read_year(intake_data_dir, 2022).rows
    assert table[CANONICAL[-3:]].isna().all(axis=None)


# --- workbooks ----------------------------------------------------------------


def test_xlsx_reads_sheet_named_schools_before_others(intake_data_dir):
    path = year_dir(intake_data_dir) / "ярославль.xlsx"
    write_xlsx(path, [school_row(1), school_row(2)], before=["Пояснения"])
    submissions = read_year(intake_data_dir, 2022)
    assert submissions.findings.empty
    assert submissions.rows["source_sheet"].tolist() == ["schools", "schools"]
    assert submissions.rows["source_file"].tolist() == ["ярославль.xlsx"] * 2
    assert submissions.rows["grade_11"].astype(int).tolist() == [18, 18]


def test_xlsx_without_schools_sheet_reads_the_first(intake_data_dir):
    path = year_dir(intake_data_dir) / "a.xlsx"
    write_xlsx(path, [school_row()], sheet="Лист1", headers="canonical")
    submissions = read_year(intake_data_dir, 2022)
    assert submissions.rows["source_sheet"].tolist() == ["Лист1"]
    assert submissions.rows["school_id"].tolist() == ["YAR-001"]


def test_xlsx_blank_rows_keep_excel_row_numbers(intake_data_dir):
    path = year_dir(intake_data_dir) / "a.xlsx"
    write_xlsx(path, [school_row(1), school_row(2)], blank_rows_before={1: 3})
    assert read_year(intake_data_dir, 2022).rows["source_row"].tolist() == [2, 6]


def test_xlsx_numbers_become_text_as_excel_shows_them(intake_data_dir):
    path = year_dir(intake_data_dir) / "a.xlsx"
    write_xlsx(path, [school_row(school_id=1001, grade_1=12.0, grade_2=12.5)])
    table = read_year(intake_data_dir, 2022).rows
    assert table.loc[0, ["school_id", "grade_1", "grade_2"]].tolist() == [
        "1001",
        "12",
        "12,5",
    ]


# --- the folder ---------------------------------------------------------------


def test_all_files_of_a_year_are_read_together(intake_data_dir):
    folder = year_dir(intake_data_dir)
    write_csv(folder / "b.csv", [school_row(3)], sep=";", headers="russian")
    write_xlsx(folder / "a.xlsx", [school_row(1), school_row(2)])
    table = read_year(intake_data_dir, 2022).rows
    assert table["source_file"].tolist() == ["a.xlsx", "a.xlsx", "b.csv"]
    assert table["school_id"].tolist() == ["YAR-001", "YAR-002", "YAR-003"]


def test_lock_and_hidden_files_are_ignored_others_warned(intake_data_dir):
    folder = year_dir(intake_data_dir)
    write_csv(folder / "a.csv", [school_row()])
    (folder / "~$a.xlsx").write_bytes(b"lock")
    (folder / ".hidden.csv").write_text("garbage")
    (folder / "notes.txt").write_text("заметки")
    (folder / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")

    findings = read_year(intake_data_dir, 2022).findings

    assert findings["file"].tolist() == ["notes.txt", "old.xls"]
    assert set(codes(findings)) == {"unsupported_file"}
    assert set(findings["severity"]) == {"warning"}


def test_unknown_column_is_a_warning_and_ignored(intake_data_dir):
    path = year_dir(intake_data_dir) / "a.csv"
    write_csv(
        path, [{**school_row(), "Примечание": "x"}], columns=[*CANONICAL, "Примечание"]
    )
    submissions = read_year(intake_data_dir, 2022)
    finding = submissions.findings.iloc[0]
    assert (finding["code"], finding["severity"]) == ("unknown_column", "warning")
    assert finding["column"] == "Примечание"
    assert pd.isna(finding["row"])
    assert "Примечание" not in submissions.rows.columns


def test_repeated_column_is_an_error(intake_data_dir):
    path = year_dir(intake_data_dir) / "a.csv"
    columns = [*CANONICAL, "school_id"]
    write_csv(path, [school_row()], columns=columns)
    text = path.read_bytes().decode("utf-8")
    lines = text.split("\r\n")
    lines[0] = lines[0].rsplit(",", 1)[0] + "," + RUSSIAN["school_id"]
    path.write_text("\r\n".join(lines), encoding="utf-8")

    findings = read_year(intake_data_dir, 2022).findings

    assert codes(findings) == ["duplicate_column"]
    assert findings["column"].tolist() == ["school_id"]
    assert findings["severity"].tolist() == ["error"]


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("empty.csv", b"", "empty_file"),
        ("spaces.csv", b"  \r\n\r\n", "empty_file"),
        ("bom_only.csv", b"\xef\xbb\xbf", "empty_file"),
        ("binary.csv", bytes(range(256)) * 4, "unreadable_file"),
        ("utf16.csv", "school_id;grade_1\n1;2\n".encode("utf-16"), "unreadable_file"),
        ("binary.xlsx", b"\x00\x01garbage" * 50, "unreadable_file"),
        ("text.xlsx", b"school_id,grade_1\n1,2\n", "unreadable_file"),
        ("empty.xlsx", b"", "unreadable_file"),
        ("no_header.csv", b"1;2;3\n4;5;6\n", "no_header"),
        ("undecodable.csv", "школа".encode("cp1251") + b"\x98;\n", "unreadable_file"),
    ],
)
def test_bad_files_become_error_findings(intake_data_dir, name, content, code):
    folder = year_dir(intake_data_dir)
    (folder / name).write_bytes(content)
    write_csv(folder / "good.csv", [school_row()])

    submissions = read_year(intake_data_dir, 2022)

    bad = submissions.findings[submissions.findings["file"] == name]
    assert codes(bad) == [code]
    assert bad["severity"].tolist() == ["error"]
    assert bad["message"].str.len().min() > 20
    assert submissions.rows["source_file"].tolist() == ["good.csv"]


def test_header_only_file_is_empty(intake_data_dir):
    path = year_dir(intake_data_dir) / "a.csv"
    write_csv(path, [], sep=";", headers="russian")
    findings = read_year(intake_data_dir, 2022).findings
    assert codes(findings) == ["empty_file"]
    assert "только заголовок" in findings["message"].iloc[0]


def test_empty_sheet_is_empty(intake_data_dir):
    path = year_dir(intake_data_dir) / "a.xlsx"
    write_xlsx(path, [], columns=[])
    findings = read_year(intake_data_dir, 2022).findings
    assert codes(findings) == ["empty_file"]
    assert findings["sheet"].tolist() == ["schools"]


def test_missing_folder_and_empty_folder(intake_data_dir):
    missing = read_year(intake_data_dir, 2019)
    assert codes(missing.findings) == ["no_files"]
    assert "2019" in missing.findings["message"].iloc[0]
    assert missing.rows.empty
    assert list(missing.rows.columns) == [*CANONICAL, *PROVENANCE]

    year_dir(intake_data_dir, 2020)
    assert codes(read_year(intake_data_dir, 2020).findings) == ["no_files"]


def test_layout_records_which_file_has_which_column(intake_data_dir):
    folder = year_dir(intake_data_dir)
    write_csv(folder / "a.csv", [school_row()])
    partial = [name for name in CANONICAL if name != "proektoria_1_11"]
    write_csv(folder / "b.csv", [school_row(2)], columns=partial)

    submissions = read_year(intake_data_dir, 2022)

    assert submissions.columns.loc["a.csv", "proektoria_1_11"] != ""
    assert submissions.columns.loc["b.csv", "proektoria_1_11"] == ""
    assert submissions.columns.loc["b.csv", "school_id"] == "A"
    assert submissions.rows["proektoria_1_11"].isna().tolist() == [False, True]


def test_reading_never_changes_raw_files(intake_data_dir):
    folder = year_dir(intake_data_dir)
    write_csv(folder / "a.csv", [school_row(1)], sep=";", encoding="cp1251")
    write_xlsx(folder / "b.xlsx", [school_row(2)])
    (folder / "bad.xlsx").write_bytes(b"garbage")
    before = digest(folder)

    read_year(intake_data_dir, 2022)

    assert digest(folder) == before


def test_read_file_reports_under_the_given_name(tmp_path):
    path = write_csv(tmp_path / "x.csv", [school_row()])
    rows, letters, findings = read_file(path, name="mo/x.csv")
    assert findings.empty
    assert rows["source_file"].tolist() == ["mo/x.csv"]
    assert letters["school_id"] == "A"
    assert len(letters) == len(FIELDS)


def test_numeric_ids_further_down_stay_text(intake_data_dir):
    rows = [school_row(number, school_id=None) for number in range(1, 26)]
    rows[-1]["school_id"] = "0042"
    write_csv(year_dir(intake_data_dir) / "a.csv", rows)
    table = read_year(intake_data_dir, 2022).rows
    assert table["school_id"].iloc[-1] == "0042"
    assert table["school_id"].isna().sum() == 24


def test_workbook_without_recorded_size_reads_its_rows(intake_data_dir):
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("schools")
    sheet.append(CANONICAL)
    sheet.append([])
    sheet.append([school_row()[name] for name in CANONICAL])
    workbook.save(year_dir(intake_data_dir) / "a.xlsx")

    submissions = read_year(intake_data_dir, 2022)

    assert submissions.findings.empty
    assert submissions.rows["source_row"].tolist() == [3]

import datetime
import zipfile

import openpyxl
import pytest
from openpyxl import Workbook

from profmon.excel import save_workbook


def small_workbook(value="Рыбинск"):
    workbook = Workbook()
    workbook.active["A1"] = value
    return workbook


def test_same_content_gives_same_bytes(tmp_path):
    first = save_workbook(small_workbook(), tmp_path / "a.xlsx", year=2022)
    second = save_workbook(small_workbook(), tmp_path / "b.xlsx", year=2022)
    other = save_workbook(small_workbook("Углич"), tmp_path / "c.xlsx", year=2022)
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()


def test_stamps_are_the_first_of_january_of_the_year(tmp_path):
    path = save_workbook(small_workbook(), tmp_path / "a.xlsx", year=2021)
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        assert {member.date_time for member in members} == {(2021, 1, 1, 0, 0, 0)}
        assert "xl/worksheets/sheet1.xml" in archive.namelist()
        assert archive.testzip() is None
    properties = openpyxl.load_workbook(path).properties
    assert properties.created == properties.modified == datetime.datetime(2021, 1, 1)
    assert properties.creator == "profmon"


def test_saved_workbook_reads_back(tmp_path):
    path = save_workbook(small_workbook(), tmp_path / "sub" / "a.xlsx", year=2022)
    assert openpyxl.load_workbook(path).active["A1"].value == "Рыбинск"


def test_crash_while_saving_keeps_the_old_file(tmp_path, monkeypatch):
    path = save_workbook(small_workbook(), tmp_path / "a.xlsx", year=2022)
    before = path.read_bytes()

    def broken_save(self):
        self._archive.writestr("half.xml", b"<")
        raise OSError("disk full")

    monkeypatch.setattr("profmon.excel.ExcelWriter.save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        save_workbook(small_workbook("Углич"), path, year=2022)
    assert path.read_bytes() == before
    assert [item.name for item in tmp_path.iterdir()] == ["a.xlsx"]

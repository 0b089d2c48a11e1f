"""Small submission files for intake and validation tests.

`school_row` makes one consistent school (every part within its whole,
graduates within their grade), and the writers put rows into a CSV file or a
workbook with canonical or Russian headers, the way schools send them.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import openpyxl

from profmon.fields import FIELDS

CANONICAL = [field.name for field in FIELDS]
RUSSIAN = {field.name: field.header_ru for field in FIELDS}

_GRADES = (30, 30, 30, 30, 28, 28, 27, 26, 25, 20, 18)  # 292 pupils: КГ3

_VALID = {
    "school_id": "YAR-001",
    "school_name": "Средняя школа № 1",
    "municipality": "Ярославль",
    "school_type": "общеобразовательная",
    "settlement": "город",
    **{f"grade_{grade}": pupils for grade, pupils in enumerate(_GRADES, start=1)},
    "pupils_ovz": 10,
    "pupils_disabled": 3,
    "graduates_9": 24,
    "graduates_9_ovz": 2,
    "graduates_11": 18,
    "graduates_11_ovz": 1,
    "has_career_regulations": "да",
    "has_career_room": "нет",
    "bilet_6_11": 40,
    "proektoria_1_11": 150,
    "events_1_11": 250,
    "counselled_5_9": 30,
    "trials_6_9": 40,
    "excursions_6_9": 60,
    "counselled_10_11": 30,
    "excursions_10_11": 20,
    "gia_advanced_11": 9,
    "vuz_profile_11": 10,
    "vuz_profile_region_11": 6,
    "vuz_labour_market_11": 8,
    "poo_region_9": 12,
    "poo_region_11": 4,
    "poo_top_region_9": 5,
    "poo_ovz_9": 1,
    "poo_ovz_11": 0,
    "survey_respondents_9_11": 35,
    "survey_satisfied_9_11": 15,
}


def school_row(number: int = 1, **overrides) -> dict:
    """Return a valid school as a dict of canonical field -> cell value.

    `number` makes the id and name unique (``YAR-001``, ``YAR-002``, …);
    `overrides` replace single cells (``None`` leaves the cell empty).
    """
    row = dict(_VALID)
    row["school_id"] = f"YAR-{number:03d}"
    row["school_name"] = f"Средняя школа № {number}"
    row.update(overrides)
    return row


def _table(rows, headers, columns):
    columns = list(CANONICAL if columns is None else columns)
    names = [RUSSIAN[name] if headers == "russian" else name for name in columns]
    body = [[row.get(name) for name in columns] for row in rows]
    return names, body


def write_csv(
    path: Path,
    rows: list[dict],
    *,
    headers: str = "canonical",
    columns=None,
    sep: str = ",",
    encoding: str = "utf-8",
    blank_lines_before: dict[int, int] | None = None,
) -> Path:
    """Write rows as a CSV file; `blank_lines_before` maps row index -> count."""
    names, body = _table(rows, headers, columns)
    path.parent.mkdir(parents=True, exist_ok=True)
    blank = blank_lines_before or {}
    with path.open("w", encoding=encoding, newline="") as stream:
        writer = csv.writer(stream, delimiter=sep, lineterminator="\r\n")
        writer.writerow(names)
        for index, values in enumerate(body):
            for _ in range(blank.get(index, 0)):
                stream.write("\r\n")
            writer.writerow(["" if value is None else value for value in values])
    return path


def write_xlsx(
    path: Path,
    rows: list[dict],
    *,
    headers: str = "russian",
    columns=None,
    sheet: str = "schools",
    before: list[str] = (),
    blank_rows_before: dict[int, int] | None = None,
) -> Path:
    """Write rows into a workbook sheet; `before` adds sheets in front of it."""
    names, body = _table(rows, headers, columns)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title in before:
        workbook.create_sheet(title).append(["Пояснения к полям"])
    data = workbook.create_sheet(sheet)
    data.append(names)
    blank = blank_rows_before or {}
    for index, values in enumerate(body):
        for _ in range(blank.get(index, 0)):
            data.append([])
        data.append(values)
    workbook.save(path)
    return path


def digest(folder: Path) -> dict[str, str]:
    """Return the SHA-256 and modification time of every file under `folder`."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        + f"@{path.stat().st_mtime_ns}"
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }

"""The intake of a year: every workbook and CSV file of ``raw/<year>/`` together.

The files of a year become one table of the contract's columns, still
unchecked, with the provenance of every row (file, sheet and the row number
Excel shows). Problems with the files themselves (unreadable, empty, no
header, unknown or repeated columns, values without a header) become
findings; nothing is raised for bad data, and the raw files are only ever
opened for reading. Reading a single sheet is :mod:`profmon.sheets`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from profmon.fields import FIELDS, fold_header, header_aliases
from profmon.findings import (
    Reason,
    cell_findings,
    combine_findings,
    empty_findings,
    file_finding,
)
from profmon.sheets import Sheet, SheetProblem, read_sheet

__all__ = [
    "PROVENANCE",
    "Submissions",
    "read_file",
    "read_year",
    "year_folder",
]

log = logging.getLogger(__name__)

#: Columns that say where each row came from.
PROVENANCE = ["source_file", "source_sheet", "source_row"]

_SUFFIXES = (".xlsx", ".csv")
_SYSTEM_FILES = {"thumbs.db", "desktop.ini"}


@dataclass(frozen=True)
class Submissions:
    """Everything the files of one year hold, before validation.

    Parameters
    ----------
    year : int
        Monitoring year.
    folder : Path
        The folder read, ``DIR/raw/<year>``.
    rows : pandas.DataFrame
        One row per non-blank data row of every file: a column for every
        field of the contract (missing from a file -> NA; text as stripped
        strings, numbers as parsed by the CSV reader or as text), then
        ``source_file``, ``source_sheet`` (empty for CSV) and ``source_row``
        (the row number Excel shows; header on row 1 -> first data row 2).
    columns : pandas.DataFrame
        Index ``source_file``; a column per contract field holding the Excel
        column letter of that field in the file, or ``""`` when the file does
        not have it.
    findings : pandas.DataFrame
        Problems met while reading (see :mod:`profmon.findings`).
    """

    year: int
    folder: Path
    rows: pd.DataFrame
    columns: pd.DataFrame
    findings: pd.DataFrame


def year_folder(data_dir: str | Path, year: int) -> Path:
    """Return the folder of a year's raw submissions, ``DIR/raw/<year>``.

    Parameters
    ----------
    data_dir : str or pathlib.Path
        Data directory (``DIR``) holding ``raw/`` and ``processed/``.
    year : int
        Monitoring year.

    Returns
    -------
    pathlib.Path
        The folder path; whether it exists is not checked.
    """
    return Path(data_dir) / "raw" / str(year)


# --- files of the folder ------------------------------------------------------


def _is_ignored(path: Path) -> bool:
    name = path.name
    return name.startswith((".", "~$")) or name.lower() in _SYSTEM_FILES


def _list_files(folder: Path, year: int) -> tuple[list[Path], list[pd.DataFrame]]:
    if not folder.is_dir():
        message = (
            f"Папка {folder} не найдена. Создайте её и положите туда файлы ОО "
            f"за {year} год (.xlsx или .csv)."
        )
        return [], [file_finding(str(folder), Reason.NO_FILES, message)]

    entries = sorted(
        (path for path in folder.iterdir() if not _is_ignored(path)),
        key=lambda path: path.name,
    )
    files = [p for p in entries if p.is_file() and p.suffix.lower() in _SUFFIXES]
    findings = [
        file_finding(
            path.name,
            Reason.UNSUPPORTED_FILE,
            "Файл не прочитан: читаются только книги .xlsx и файлы .csv. Если в "
            "нём данные ОО, сохраните его в одном из этих форматов; иначе "
            "уберите его из папки.",
        )
        for path in entries
        if path not in files
    ]
    if not files:
        message = (
            f"В папке {folder} нет файлов .xlsx или .csv с данными ОО за {year} "
            "год. Положите их туда."
        )
        findings.append(file_finding(str(folder), Reason.NO_FILES, message))
    return files, findings


# --- one file as a table of contract columns ----------------------------------


def read_file(path: str | Path, name: str | None = None):
    """Read one workbook or CSV file into contract columns with provenance.

    Parameters
    ----------
    path : str or Path
        The file; opened for reading only.
    name : str, optional
        The name to report it under (default: the file name).

    Returns
    -------
    rows : pandas.DataFrame or None
        Contract columns found in the file (canonical names), then
        :data:`PROVENANCE`; fully blank rows are left out. None when the file
        cannot be read or holds no data.
    letters : dict of str to str
        Contract field -> Excel column letter in this file (empty when no
        header was found).
    findings : pandas.DataFrame
        What could not be read, and columns that are unknown, repeated or
        without a header.
    """
    path = Path(path)
    name = path.name if name is None else name
    try:
        sheet = read_sheet(path)
    except SheetProblem as problem:
        finding = file_finding(name, problem.code, problem.message, sheet=problem.sheet)
        return None, {}, finding
    except OSError as err:
        message = (
            f"Файл не открывается: {err.strerror or err}. Проверьте права доступа."
        )
        return None, {}, file_finding(name, Reason.UNREADABLE_FILE, message)
    return _tabulate(sheet, name)


def _map_header(header: list[str], name: str, sheet: str):
    """Match header cells to contract fields; report unknown and repeated ones."""
    aliases = header_aliases()
    letters: dict[str, str] = {}
    positions: dict[str, int] = {}
    findings = []
    for position, text in enumerate(header):
        letter = get_column_letter(position + 1)
        canonical = aliases.get(fold_header(text))
        if canonical in positions:
            message = (
                f"Столбец «{text}» ({letter}) повторяет столбец "
                f"{letters[canonical]} ({canonical}). Оставьте только один."
            )
            findings.append(
                file_finding(
                    name,
                    Reason.DUPLICATE_COLUMN,
                    message,
                    sheet=sheet,
                    column=canonical,
                    value=text,
                )
            )
        elif canonical is not None:
            letters[canonical] = letter
            positions[canonical] = position
        elif text:
            message = (
                f"Столбец «{text}» ({letter}) не входит в шаблон и не прочитан. "
                "Если это поле шаблона, исправьте заголовок; иначе столбец можно "
                "удалить."
            )
            findings.append(
                file_finding(
                    name, Reason.UNKNOWN_COLUMN, message, sheet=sheet, column=text
                )
            )
    return letters, positions, findings


def _tabulate(sheet: Sheet, name: str):
    width = sheet.cells.shape[1]
    header = sheet.header + [""] * (width - len(sheet.header))
    letters, positions, findings = _map_header(header, name, sheet.name)
    if not positions:
        message = (
            f"Не найдена строка заголовков: в первой непустой строке "
            f"({sheet.header_row}) нет ни одного заголовка шаблона. Первой строкой "
            "листа должны идти заголовки, например «Код ОО», «Наименование ОО»."
        )
        return None, {}, file_finding(name, Reason.NO_HEADER, message, sheet=sheet.name)

    cells = sheet.cells
    filled = cells.notna().any(axis=1).to_numpy()
    rows = cells.loc[:, list(positions.values())]
    rows.columns = list(positions)
    rows["source_file"] = name
    rows["source_sheet"] = sheet.name
    rows["source_row"] = sheet.row_numbers
    if not filled.all():
        rows = rows.loc[filled].reset_index(drop=True)
    if rows.empty:
        message = (
            "В файле нет ни одной строки с данными ОО, только заголовок. Заполните "
            "его или уберите из папки."
        )
        finding = file_finding(name, Reason.EMPTY_FILE, message, sheet=sheet.name)
        return None, letters, combine_findings([*findings, finding])

    for position, text in enumerate(header):
        if text:
            continue
        letter = get_column_letter(position + 1)
        stray = cells[position][filled].reset_index(drop=True)
        findings.append(
            cell_findings(
                rows.loc[stray.notna()],
                Reason.VALUE_WITHOUT_HEADER,
                letter,
                f"В столбце {letter} есть значение, но нет заголовка (лишнее "
                "значение в строке или сдвиг столбцов). Удалите значение или "
                "добавьте заголовок по шаблону.",
                stray.dropna().astype(str),
            )
        )
    return rows, letters, combine_findings(findings)


# --- a whole year -------------------------------------------------------------


def read_year(data_dir: str | Path, year: int) -> Submissions:
    """Read every submission file of a year into one unchecked table.

    Parameters
    ----------
    data_dir : str or Path
        The data folder; files are read from ``DIR/raw/<year>/``.
    year : int
        Monitoring year.

    Returns
    -------
    Submissions
        Rows of all files together, where each field sits in each file, and
        the findings of reading.

    Notes
    -----
    Workbooks (``.xlsx``: the sheet ``schools`` if there is one, otherwise
    the first sheet) and CSV files (UTF-8 with or without BOM, or
    Windows-1251; separator ``;``, ``,`` or tab, guessed from the header;
    decimal comma allowed with ``;``) are read alike. The header is the first
    non-blank row. Hidden files and Excel's lock files (``~$…``) are skipped
    silently; other files give a warning.
    """
    folder = year_folder(data_dir, year)
    files, findings = _list_files(folder, year)
    log.info("reading %d file(s) from %s", len(files), folder)

    frames, layout = [], {}
    for path in files:
        rows, letters, file_findings = read_file(path)
        findings.append(file_findings)
        if rows is not None:
            frames.append(rows)
            layout[path.name] = letters

    names = [field.name for field in FIELDS]
    if len(frames) > 1:
        rows = pd.concat(frames, ignore_index=True)
    elif frames:
        rows = frames[0]
    else:
        rows = pd.DataFrame({"source_row": np.array([], dtype="int64")})
    if list(rows.columns) != [*names, *PROVENANCE]:
        rows = rows.reindex(columns=[*names, *PROVENANCE])
    columns = pd.DataFrame.from_dict(layout, orient="index", columns=names).fillna("")
    columns.index.name = "source_file"
    return Submissions(
        year=year,
        folder=folder,
        rows=rows,
        columns=columns,
        findings=combine_findings(findings) if findings else empty_findings(),
    )

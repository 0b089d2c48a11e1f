"""Reading a year's submissions: every workbook and CSV file of ``raw/<year>/``.

The reader turns the files of a year into one table of the contract's columns,
still unchecked, with the provenance of every row (file, sheet and the row
number Excel shows). Problems with the files themselves (unreadable, empty, no
header, unknown or repeated columns) become findings; nothing is raised for
bad data, and the raw files are only ever opened for reading.

CSV files are parsed by pandas' C parser, which already turns clean number
columns into integers; only columns holding text (a decimal comma, a stray
space, a typo) go through the slower text route in :mod:`profmon.validation`.
A file the C parser rejects (a row longer than the header) is read again with
the csv module, so that every stray value can be reported. Workbooks are read
with openpyxl in read-only mode; they are small (one municipality each).
"""

from __future__ import annotations

import csv
import io
import logging
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import openpyxl
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

#: Name of the data sheet in a workbook; without it the first sheet is read.
DATA_SHEET = "schools"

_SUFFIXES = (".xlsx", ".csv")
_SYSTEM_FILES = {"thumbs.db", "desktop.ini"}
_ID_FIELDS = {field.name for field in FIELDS if field.kind == "id"}
_LEADING_BLANK_LINES = re.compile(rb"(?:[ \t;,]*\r?\n)*")


class _FileProblem(Exception):
    """A file that cannot be read at all; carries the finding to report."""

    def __init__(self, code: Reason, message: str, sheet: str = ""):
        super().__init__(message)
        self.code = code
        self.message = message
        self.sheet = sheet


@dataclass(frozen=True)
class _Sheet:
    """One sheet (or CSV file) as read: header cells and data cells by position."""

    name: str
    header: list[str]
    header_row: int
    cells: pd.DataFrame
    row_numbers: np.ndarray


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
    """Return the folder of a year's raw submissions, ``DIR/raw/<year>``."""
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


# --- workbooks ----------------------------------------------------------------


def _cell_text(value) -> object:
    """Return a workbook cell as stripped text, as Russian Excel shows it, or None."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value).replace(".", ",")
    return str(value)


_cells_as_text = np.frompyfunc(_cell_text, 1, 1)


def _pick_sheet(workbook) -> object:
    for name in workbook.sheetnames:
        if name.strip().lower() == DATA_SHEET:
            return workbook[name]
    return workbook[workbook.sheetnames[0]]


def _read_xlsx(path: Path) -> _Sheet:
    try:
        with path.open("rb") as stream, warnings.catch_warnings():
            # openpyxl warns about Excel features it drops (data validation,
            # conditional formats); they do not matter for reading values.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
            try:
                sheet = _pick_sheet(workbook)
                values = list(sheet.iter_rows(values_only=True))
                name = sheet.title
            finally:
                workbook.close()
    # openpyxl fails on damaged files with many exception types (zip, XML,
    # key and value errors); any of them means the same thing to the user.
    except Exception as err:
        log.debug("cannot open %s", path, exc_info=True)
        raise _FileProblem(
            Reason.UNREADABLE_FILE,
            "Файл не открывается как книга Excel (.xlsx): "
            f"{type(err).__name__}: {err}. Откройте его в Excel и сохраните "
            "заново в формате .xlsx или «CSV UTF-8».",
        ) from err

    width = max(map(len, values), default=0)
    if any(len(row) != width for row in values):
        # a sheet without a recorded size yields short rows for empty ones
        values = [row + (None,) * (width - len(row)) for row in values]
    cells = _cells_as_text(np.array(values, dtype=object).reshape(len(values), width))
    return _split_header(pd.DataFrame(cells), np.arange(1, len(values) + 1), name)


def _split_header(text: pd.DataFrame, row_numbers: np.ndarray, name: str) -> _Sheet:
    filled = text.notna().any(axis=1).to_numpy()
    if not filled.any():
        raise _FileProblem(
            Reason.EMPTY_FILE,
            "Лист пустой. Заполните его по шаблону или уберите файл из папки.",
            name,
        )
    first = int(np.argmax(filled))
    header = text.iloc[first].fillna("").astype(str).tolist()
    return _Sheet(
        name=name,
        header=header,
        header_row=int(row_numbers[first]),
        cells=text.iloc[first + 1 :].reset_index(drop=True),
        row_numbers=row_numbers[first + 1 :],
    )


# --- CSV ----------------------------------------------------------------------


def _decode_header(data: bytes, start: int) -> tuple[str, str]:
    end = data.find(b"\n", start)
    line = data[start : len(data) if end < 0 else end].rstrip(b"\r")
    for encoding in ("utf-8", "cp1251"):
        try:
            return line.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise _FileProblem(
        Reason.UNREADABLE_FILE,
        "Не удалось прочитать файл: он не в кодировке UTF-8 и не в Windows-1251. "
        "Сохраните его в Excel как «CSV UTF-8».",
    )


def _separator(header_line: str) -> str:
    outside_quotes = re.sub(r'"[^"]*"', "", header_line)
    counts = {sep: outside_quotes.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=counts.get)


def _cleaned(column: pd.Series) -> pd.Series:
    """Strip text cells; an empty or blank cell becomes missing."""
    if pd.api.types.is_numeric_dtype(column) or column.isna().all():
        return column
    text = column.str.strip()
    return text.mask(text == "")


def _read_csv(path: Path) -> _Sheet:
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data, bom = data[3:], True
    else:
        bom = False
    if not data or data.isspace():
        raise _FileProblem(
            Reason.EMPTY_FILE,
            "Файл пустой. Заполните его по шаблону или уберите из папки.",
        )
    if b"\x00" in data:
        raise _FileProblem(
            Reason.UNREADABLE_FILE,
            "Файл не похож на текстовый CSV (в нём есть двоичные данные; "
            "возможно, это книга Excel или CSV в UTF-16). Сохраните таблицу как "
            "«CSV UTF-8» или .xlsx.",
        )

    start = _LEADING_BLANK_LINES.match(data).end()
    header_line, encoding = _decode_header(data, start)
    if bom:
        encoding = "utf-8"
    sep = _separator(header_line)
    header = next(csv.reader([header_line], delimiter=sep))
    header_row = data.count(b"\n", 0, start) + 1
    options = {
        "sep": sep,
        "decimal": "," if sep != "," else ".",
        "header": 0,
        "index_col": False,
        "skiprows": header_row - 1,
        "keep_default_na": False,
        "na_values": [""],
        "skip_blank_lines": False,
    }
    # Ids must stay text ("007" is not 7). Setting a column's type slows the
    # parser down, so it is set only for ids that look like numbers in the
    # first rows; an id column the parser still took for numbers (numbers
    # further down) is read again as text.
    ids = _id_columns(header, _sample(data, start, sep, encoding))
    cells = _parse_csv(data, encoding, {**options, "dtype": dict.fromkeys(ids, "str")})
    late = _id_columns(header, cells)
    if late:
        dtype = dict.fromkeys([*ids, *late], "str")
        cells = _parse_csv(data, encoding, {**options, "dtype": dtype})
    if cells.shape[1] != len(header):
        header = [str(name) for name in cells.columns]
    cells.columns = range(cells.shape[1])
    for position in cells.columns[~cells.dtypes.map(pd.api.types.is_numeric_dtype)]:
        cells[position] = _cleaned(cells[position])
    return _Sheet(
        name="",
        header=[text.strip() for text in header],
        header_row=header_row,
        cells=cells,
        row_numbers=np.arange(header_row + 1, header_row + 1 + len(cells)),
    )


def _sample(data: bytes, start: int, sep: str, encoding: str) -> pd.DataFrame:
    """Return the header and first rows of a CSV file, typed by the parser."""
    lines = data[start : start + 16384].decode(encoding, errors="replace")
    lines = "\n".join(lines.splitlines()[:21])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the full read reports problems
            return pd.read_csv(io.StringIO(lines), sep=sep, index_col=False)
    except (pd.errors.ParserError, ValueError):
        return pd.DataFrame()


def _id_columns(header: list[str], cells: pd.DataFrame) -> list[str]:
    """Return the id columns the parser took for numbers."""
    aliases = header_aliases()
    return [
        name
        for name in header
        if aliases.get(fold_header(name)) in _ID_FIELDS
        and name in cells.columns
        and not pd.api.types.is_string_dtype(cells[name])
        and cells[name].notna().any()
    ]


def _parse_csv(data: bytes, encoding: str, options: dict) -> pd.DataFrame:
    for attempt in dict.fromkeys((encoding, "cp1251")):
        try:
            with warnings.catch_warnings():
                # a first data row longer than the header would be cut silently
                warnings.simplefilter("error", pd.errors.ParserWarning)
                return pd.read_csv(io.BytesIO(data), encoding=attempt, **options)
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError):
            # Rows longer than the header, or quoting the C parser rejects:
            # the csv module keeps every field, so that the extra values are
            # reported where they are. Slower, but only for such files.
            log.debug("C parser failed, reading with the csv module", exc_info=True)
            return _parse_csv_loosely(data.decode(attempt), options)
    raise _FileProblem(
        Reason.UNREADABLE_FILE,
        "Не удалось прочитать файл: он не в кодировке UTF-8 и не в Windows-1251. "
        "Сохраните его в Excel как «CSV UTF-8».",
    )


def _parse_csv_loosely(text: str, options: dict) -> pd.DataFrame:
    records = list(csv.reader(io.StringIO(text), delimiter=options["sep"]))
    header, data = records[options["skiprows"]], records[options["skiprows"] + 1 :]
    width = max([len(header), *map(len, data)])
    padded = [record + [""] * (width - len(record)) for record in data]
    return pd.DataFrame(padded, columns=header + [""] * (width - len(header)))


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
        sheet = _read_csv(path) if path.suffix.lower() == ".csv" else _read_xlsx(path)
    except _FileProblem as problem:
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


def _tabulate(sheet: _Sheet, name: str):
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

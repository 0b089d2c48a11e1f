"""Reading one sheet: a workbook's data sheet or a CSV file, as header and cells.

Each reader returns a :class:`Sheet`: the header cells, the data cells by
position (text stripped, blank cells missing) and the row number Excel shows
for each data row. A file that cannot be read at all raises
:class:`SheetProblem`, which carries the finding to report; the caller turns
it into a row of the findings table.

CSV files are parsed by pandas' C parser, which already turns clean number
columns into integers; only columns holding text (a decimal comma, a stray
space, a typo) go through the slower text route of :mod:`profmon.cells`. A
file the C parser rejects (a row longer than the header) is read again with
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

from profmon.fields import FIELDS, fold_header, header_aliases
from profmon.findings import Reason

__all__ = ["DATA_SHEET", "Sheet", "SheetProblem", "read_sheet"]

log = logging.getLogger(__name__)

#: Name of the data sheet in a workbook; without it the first sheet is read.
DATA_SHEET = "schools"

_ID_FIELDS = {field.name for field in FIELDS if field.kind == "id"}
_LEADING_BLANK_LINES = re.compile(rb"(?:[ \t;,]*\r?\n)*")
_BOM = b"\xef\xbb\xbf"
_HEAD_BYTES = 1 << 16


class SheetProblem(Exception):
    """A file that cannot be read at all.

    Parameters
    ----------
    code : Reason
        Reason code of the finding.
    message : str
        What is wrong and what to do, in Russian.
    sheet : str
        The sheet concerned, when known.
    """

    def __init__(self, code: Reason, message: str, sheet: str = ""):
        super().__init__(message)
        self.code = code
        self.message = message
        self.sheet = sheet


@dataclass(frozen=True)
class Sheet:
    """One sheet (or CSV file) as read.

    Parameters
    ----------
    name : str
        Sheet name; empty for a CSV file.
    header : list of str
        Header cells, stripped, by position.
    header_row : int
        Row number of the header as Excel shows it.
    cells : pandas.DataFrame
        Data cells with columns 0, 1, …; text stripped, blank cells missing.
    row_numbers : numpy.ndarray
        Row number of each data row as Excel shows it.
    """

    name: str
    header: list[str]
    header_row: int
    cells: pd.DataFrame
    row_numbers: np.ndarray


def read_sheet(path: Path) -> Sheet:
    """Read a ``.csv`` file, or the data sheet of a workbook.

    Parameters
    ----------
    path : Path
        The file; opened for reading only.

    Returns
    -------
    Sheet
        Header, cells and row numbers.

    Raises
    ------
    SheetProblem
        If the file cannot be read, is empty, or is not text (CSV) or a
        workbook (anything else).
    """
    if path.suffix.lower() == ".csv":
        return _read_csv(path)
    return _read_xlsx(path)


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


def _read_xlsx(path: Path) -> Sheet:
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
        raise SheetProblem(
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


def _split_header(text: pd.DataFrame, row_numbers: np.ndarray, name: str) -> Sheet:
    filled = text.notna().any(axis=1).to_numpy()
    if not filled.any():
        raise SheetProblem(
            Reason.EMPTY_FILE,
            "Лист пустой. Заполните его по шаблону или уберите файл из папки.",
            name,
        )
    first = int(np.argmax(filled))
    header = text.iloc[first].fillna("").astype(str).tolist()
    return Sheet(
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
    raise SheetProblem(
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


def _read_csv(path: Path) -> Sheet:
    # The head of the file is enough to find the header, the separator and
    # the encoding; pandas then reads the file itself, which is faster than
    # handing it the bytes.
    with path.open("rb") as stream:
        data = stream.read(_HEAD_BYTES)
    bom = data.startswith(_BOM)
    data = data.removeprefix(_BOM)
    if not data or data.isspace():
        raise SheetProblem(
            Reason.EMPTY_FILE,
            "Файл пустой. Заполните его по шаблону или уберите из папки.",
        )
    if b"\x00" in data:
        raise SheetProblem(
            Reason.UNREADABLE_FILE,
            "Файл не похож на текстовый CSV (в нём есть двоичные данные; "
            "возможно, это книга Excel или CSV в UTF-16). Сохраните таблицу как "
            "«CSV UTF-8» или .xlsx.",
        )

    start = _LEADING_BLANK_LINES.match(data).end()
    header_line, encoding = _decode_header(data, start)
    if bom:
        encoding = "utf-8-sig"
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
    cells = _parse_csv(path, encoding, {**options, "dtype": dict.fromkeys(ids, "str")})
    late = _id_columns(header, cells)
    if late:
        dtype = dict.fromkeys([*ids, *late], "str")
        cells = _parse_csv(path, encoding, {**options, "dtype": dtype})
    if cells.shape[1] != len(header):
        header = [str(name) for name in cells.columns]
    cells.columns = range(cells.shape[1])
    for position in cells.columns[~cells.dtypes.map(pd.api.types.is_numeric_dtype)]:
        cells[position] = _cleaned(cells[position])
    return Sheet(
        name="",
        header=[text.strip() for text in header],
        header_row=header_row,
        cells=cells,
        row_numbers=np.arange(header_row + 1, header_row + 1 + len(cells)),
    )


def _sample(data: bytes, start: int, sep: str, encoding: str) -> pd.DataFrame:
    """Return the header and first rows of a CSV file, typed by the parser."""
    lines = data[start:].decode(encoding, errors="replace")
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


def _parse_csv(path: Path, encoding: str, options: dict) -> pd.DataFrame:
    for attempt in dict.fromkeys((encoding, "cp1251")):
        try:
            with warnings.catch_warnings():
                # a first data row longer than the header would be cut silently
                warnings.simplefilter("error", pd.errors.ParserWarning)
                return pd.read_csv(path, encoding=attempt, **options)
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError):
            # Rows longer than the header, or quoting the C parser rejects:
            # the csv module keeps every field, so that the extra values are
            # reported where they are. Slower, but only for such files.
            log.debug("C parser failed, reading with the csv module", exc_info=True)
            return _parse_csv_loosely(path.read_bytes().decode(attempt), options)
    raise SheetProblem(
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

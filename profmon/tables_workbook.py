"""``tables.xlsx``: the report tables as a workbook for people who work in Excel.

Each table becomes a sheet with a bold, frozen header row, a filter and
column widths fitted to the content. The workbook is saved atomically and
reproducibly (:func:`profmon.workbook.save_workbook`): the same tables give
the same bytes.
"""

from __future__ import annotations

import logging
import math
import os
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from profmon.workbook import save_workbook

__all__ = ["sheet_title", "write_tables_workbook"]

log = logging.getLogger(__name__)

_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_MAX_TITLE = 31
_HEADER_FILL = PatternFill("solid", fgColor="EAEEF2")


def sheet_title(name: str, taken: set[str]) -> str:
    r"""Return an Excel-valid, unused sheet title for `name`.

    Parameters
    ----------
    name : str
        The wanted title.
    taken : set of str
        Titles already used (compared case-insensitively, as Excel does);
        the result is added to it.

    Returns
    -------
    str
        `name` with ``[]:*?/\`` replaced by ``_``, without leading or trailing
        apostrophes, at most 31 characters, made unique with a ``~2``, ``~3``
        … suffix; ``Лист`` when nothing is left.
    """
    title = _FORBIDDEN.sub("_", str(name)).strip().strip("'")[:_MAX_TITLE] or "Лист"
    candidate, number = title, 1
    while candidate.lower() in taken or candidate.lower() == "history":
        number += 1
        suffix = f"~{number}"
        candidate = title[: _MAX_TITLE - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate


def _cell(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    if isinstance(value, (int, float, str, bool)):
        return value
    return str(value)


def _add_sheet(workbook: Workbook, title: str, table: pd.DataFrame) -> None:
    sheet = workbook.create_sheet(title)
    frame = table.reset_index() if _has_named_index(table) else table
    headers = [str(column) for column in frame.columns]
    sheet.append(headers)
    for row in frame.itertuples(index=False, name=None):
        sheet.append([_cell(value) for value in row])

    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    if len(frame):
        last = get_column_letter(max(1, len(headers)))
        sheet.auto_filter.ref = f"A1:{last}{len(frame) + 1}"
    for position, header in enumerate(headers, start=1):
        values = frame.iloc[:, position - 1].astype(str).str.len()
        longest = max([len(header) // 2, *values.head(500).tolist(), 6])
        sheet.column_dimensions[get_column_letter(position)].width = min(
            longest + 2, 60
        )


def _has_named_index(table: pd.DataFrame) -> bool:
    return any(name is not None for name in table.index.names)


def write_tables_workbook(
    tables: Mapping[str, pd.DataFrame],
    path: str | os.PathLike,
    *,
    year: int,
) -> Path:
    """Write report tables to an ``.xlsx`` workbook, one sheet per table.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        Sheet name -> table, in the order the sheets should appear. A named
        index is written as leading columns.
    path : str or path-like
        Destination, written atomically.
    year : int
        Monitoring year (the workbook's document date, for reproducible bytes).

    Returns
    -------
    Path
        The destination.

    Raises
    ------
    ValueError
        If `tables` is empty or holds something other than DataFrames.
    """
    if not tables:
        raise ValueError("`tables` is empty: there is nothing to write")
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for name, table in tables.items():
        if not isinstance(table, pd.DataFrame):
            raise ValueError(
                f"table {name!r} must be a pandas DataFrame, got {type(table).__name__}"
            )
        title = sheet_title(name, taken)
        if title != name:
            log.debug("sheet %r written as %r", name, title)
        _add_sheet(workbook, title, table)
    return save_workbook(workbook, path, year=year)

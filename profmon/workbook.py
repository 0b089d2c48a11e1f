"""The Excel side of the data contract: the `schools` sheet and submissions.

A submission workbook and the empty collection template share one layout,
built here from :data:`profmon.fields.FIELDS`: a sheet ``schools`` with the
Russian headers (bold, wrapped, frozen), column widths by kind of field, and
Excel data validation on every column that has a rule (whole numbers >= 0,
да/нет, the lists of municipalities, school types and settlements, unique
school codes). The lists live on a hidden sheet ``lists`` and validations
refer to them by range: Excel refuses an inline list longer than 255
characters, and the municipality list is close to that already.

Workbooks are saved with :func:`profmon.excel.save_workbook`: atomically, and
the same content gives the same bytes.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from profmon.excel import save_workbook
from profmon.fields import FIELDS, NO, SCHOOL_TYPES, SETTLEMENTS, YES, Field
from profmon.methodology import load_methodology
from profmon.municipalities import MUNICIPALITIES

__all__ = [
    "LISTS",
    "LISTS_SHEET",
    "SCHOOLS_SHEET",
    "VALIDATED_ROWS",
    "add_schools_sheet",
    "list_reference",
    "write_submission",
]

log = logging.getLogger(__name__)

SCHOOLS_SHEET = "schools"
LISTS_SHEET = "lists"

#: Data validation covers rows 2 to this row of the `schools` sheet.
VALIDATED_ROWS = 2000

#: Allowed values of each list-valued kind of field: title on the hidden
#: sheet, values. The column order here is the column order on that sheet.
LISTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "municipality": ("Муниципальные образования", MUNICIPALITIES),
    "school_type": ("Типы ОО", SCHOOL_TYPES),
    "settlement": ("Типы поселений", SETTLEMENTS),
    "flag": ("да/нет", (YES, NO)),
}

# Column width (in characters) by kind of field.
_WIDTHS = {
    "id": 12,
    "text": 36,
    "municipality": 24,
    "school_type": 22,
    "settlement": 12,
    "count": 13,
    "flag": 13,
}
_FROZEN_AT = "C2"  # header row and the code and name columns stay in view
_HEADER_HEIGHT = 90
_HEADER_FONT = Font(bold=True)
_HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEADER_BORDER = Border(bottom=Side(style="thin"))

# Excel rejects longer prompt/error titles and texts.
_TITLE_LIMIT = 32
_TEXT_LIMIT = 255


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def list_reference(kind: str) -> str:
    """Return the range on the hidden sheet that holds the values of `kind`.

    Parameters
    ----------
    kind : str
        A key of :data:`LISTS`: ``municipality``, ``school_type``,
        ``settlement`` or ``flag``.

    Returns
    -------
    str
        An absolute reference such as ``lists!$A$2:$A$21``, as stored in a
        list validation's formula.
    """
    if kind not in LISTS:
        raise ValueError(f"`kind` must be one of {list(LISTS)}, got {kind!r}")
    column = get_column_letter(list(LISTS).index(kind) + 1)
    last = len(LISTS[kind][1]) + 1
    return f"{quote_sheetname(LISTS_SHEET)}!${column}$2:${column}${last}"


def _add_lists_sheet(workbook: Workbook) -> None:
    sheet = workbook.create_sheet(LISTS_SHEET)
    for position, (title, values) in enumerate(LISTS.values(), start=1):
        sheet.cell(row=1, column=position, value=title).font = _HEADER_FONT
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=position, value=value)
    sheet.sheet_state = "hidden"


def _validation(field: Field, column: str, last_row: int) -> DataValidation | None:
    header = field.header_ru
    cells = f"{column}2:{column}{last_row}"
    if field.kind == "count":
        rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0")
        error = f"«{header}»: введите целое число не меньше 0, без текста и дробей."
    elif field.kind in LISTS:
        rule = DataValidation(type="list", formula1=list_reference(field.kind))
        allowed = ", ".join(LISTS[field.kind][1])
        if field.kind == "municipality":
            allowed = "название из списка (19 МО области или «ГОУ»)"
        error = f"«{header}»: выберите значение из списка: {allowed}."
        if not field.required:
            error += " Графу можно оставить пустой."
    elif field.kind == "id":
        rule = DataValidation(
            type="custom",
            formula1=f"COUNTIF(${column}$2:${column}${last_row},{column}2)=1",
        )
        error = (
            f"«{header}»: такой код уже есть в таблице, код ОО должен быть уникальным."
        )
    else:
        return None
    rule.allow_blank = True
    rule.showErrorMessage = True
    rule.showInputMessage = True
    rule.errorStyle = "stop"
    rule.errorTitle = _clip("Недопустимое значение", _TITLE_LIMIT)
    rule.error = _clip(error, _TEXT_LIMIT)
    rule.promptTitle = _clip(header, _TITLE_LIMIT)
    rule.prompt = _clip(field.description_ru, _TEXT_LIMIT)
    rule.add(cells)
    return rule


def add_schools_sheet(
    workbook: Workbook,
    fields: Sequence[Field] = FIELDS,
    *,
    russian_headers: bool = True,
    last_row: int = VALIDATED_ROWS,
) -> Worksheet:
    """Lay out the `schools` sheet (and the hidden `lists` sheet) in `workbook`.

    Parameters
    ----------
    workbook : openpyxl.Workbook
        A new workbook; its first sheet becomes ``schools``.
    fields : sequence of Field
        The columns, in order.
    russian_headers : bool
        Write the Russian headers (as in the template) or the canonical names.
    last_row : int
        Last row covered by data validation.

    Returns
    -------
    openpyxl.worksheet.worksheet.Worksheet
        The ``schools`` sheet with its header row; data go from row 2.
    """
    sheet = workbook.active
    sheet.title = SCHOOLS_SHEET
    _add_lists_sheet(workbook)

    for position, field in enumerate(fields, start=1):
        header = field.header_ru if russian_headers else field.name
        cell = sheet.cell(row=1, column=position, value=header)
        cell.font = _HEADER_FONT
        cell.alignment = _HEADER_ALIGNMENT
        cell.fill = _HEADER_FILL
        cell.border = _HEADER_BORDER
        column = get_column_letter(position)
        sheet.column_dimensions[column].width = _WIDTHS[field.kind]

        rule = _validation(field, column, last_row)
        if rule is not None:
            sheet.add_data_validation(rule)

    sheet.row_dimensions[1].height = _HEADER_HEIGHT
    sheet.freeze_panes = _FROZEN_AT
    return sheet


def _count_cells(column: pd.Series, field: Field) -> list:
    if pd.api.types.is_integer_dtype(column) and not column.hasnans:
        return column.tolist()
    try:
        numbers = pd.to_numeric(column).to_numpy(dtype="float64", na_value=np.nan)
    except (TypeError, ValueError) as err:
        raise ValueError(
            f"column {field.name!r} must hold whole numbers: {err}"
        ) from err
    missing = np.isnan(numbers)
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(numbers) & (numbers == np.floor(numbers))
    broken = ~missing & ~whole
    if broken.any():
        position = int(broken.argmax())
        raise ValueError(
            f"column {field.name!r}, row {column.index[position]!r}: "
            f"{column.iloc[position]!r} is not a whole number"
        )
    return [
        None if gap else int(value) for gap, value in zip(missing, numbers, strict=True)
    ]


def _flag_cells(column: pd.Series, field: Field) -> list:
    words = {True: YES, False: NO, YES: YES, NO: NO}
    cells = []
    for label, value in column.items():
        if pd.isna(value):
            cells.append(None)
        elif isinstance(value, bool | np.bool_ | str) and value in words:
            cells.append(words[value])
        else:
            raise ValueError(
                f"column {field.name!r}, row {label!r}: {value!r} is not a да/нет "
                "flag; expected True/False or 'да'/'нет'"
            )
    return cells


def _text_cells(column: pd.Series) -> list:
    return [None if pd.isna(value) else str(value) for value in column.tolist()]


def _cells(column: pd.Series, field: Field) -> list:
    if field.kind == "count":
        return _count_cells(column, field)
    if field.kind == "flag":
        return _flag_cells(column, field)
    return _text_cells(column)


def write_submission(
    schools: pd.DataFrame,
    path: str | os.PathLike,
    *,
    year: int,
    russian_headers: bool = True,
) -> Path:
    """Write schools' submissions as a workbook in the layout of the template.

    Parameters
    ----------
    schools : pandas.DataFrame
        One row per school, columns named by the contract's canonical names.
        Columns outside the contract (``year``, ``cluster``, provenance) are
        not written; contract fields the frame lacks are left out, unless
        they are required in `year`.
    path : str or path-like
        Destination ``.xlsx``, written atomically.
    year : int
        Monitoring year of the submissions.
    russian_headers : bool
        Russian headers as in the template (default) or canonical names.

    Returns
    -------
    Path
        The destination.

    Raises
    ------
    ValueError
        If a field required in `year` is missing, the frame's ``year`` column
        holds another year, a count is not a whole number or a flag is not
        да/нет. Negative counts and other rule breaks are written as given:
        checking them is the validation's job.
    """
    required = load_methodology(year).required_fields(year)
    missing = [name for name in required if name not in schools.columns]
    if missing:
        raise ValueError(
            f"`schools` lacks fields required in {year}: {', '.join(missing)}"
        )
    if "year" in schools.columns and not (schools["year"] == year).all():
        other = sorted(set(schools["year"].tolist()) - {year})
        raise ValueError(f"`schools` holds rows of year(s) {other}, not {year!r}")

    fields = [field for field in FIELDS if field.name in schools.columns]
    columns = [_cells(schools[field.name], field) for field in fields]

    workbook = Workbook()
    last_row = max(VALIDATED_ROWS, len(schools) + 1)
    sheet = add_schools_sheet(
        workbook, fields, russian_headers=russian_headers, last_row=last_row
    )
    for row in zip(*columns, strict=True):
        sheet.append(row)
    workbook.properties.title = f"Мониторинг профориентации, {year} год"

    log.debug("writing %d schools to %s", len(schools), path)
    return save_workbook(workbook, path, year=year)

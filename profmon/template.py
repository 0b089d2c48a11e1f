"""The empty collection workbook that schools fill in each year.

``profmon template --year Y --out FILE.xlsx`` writes it: the ``schools`` sheet
laid out by :mod:`profmon.workbook` (Russian headers, frozen header, data
validation), and a field guide ``поля`` that explains every column: its
header, canonical name, section, whether the year's methodology requires it,
what to enter and what values are allowed. All of it is derived from
:data:`profmon.fields.FIELDS` and the methodology edition in effect.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from profmon.excel import save_workbook
from profmon.fields import FIELDS, Field
from profmon.methodology import Methodology, load_methodology
from profmon.workbook import LISTS, SCHOOLS_SHEET, VALIDATED_ROWS, add_schools_sheet

__all__ = [
    "GROUP_TITLES",
    "GUIDE_COLUMNS",
    "GUIDE_SHEET",
    "allowed_values",
    "write_template",
]

log = logging.getLogger(__name__)

GUIDE_SHEET = "поля"

#: Russian title of each section of the contract.
GROUP_TITLES = {
    "identity": "Сведения об ОО",
    "pupils": "Контингент обучающихся",
    "graduates": "Выпускники",
    "conditions": "Условия",
    "participation": "Участие в профориентационных мероприятиях",
    "admissions": "Поступление выпускников",
    "survey": "Анкетирование",
}

#: Columns of the field guide: header and width.
GUIDE_COLUMNS = (
    ("Столбец", 9),
    ("Графа на листе «schools»", 34),
    ("Имя поля (CSV)", 24),
    ("Раздел", 24),
    ("Обязательное", 13),
    ("Что вносить", 60),
    ("Допустимые значения", 40),
)
_GUIDE_HEADER_ROW = 5

_TITLE_FONT = Font(bold=True, size=14)
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def allowed_values(field: Field) -> str:
    """Describe, in Russian, the values a field accepts.

    Parameters
    ----------
    field : Field
        A field of the contract.

    Returns
    -------
    str
        The rule as the guide prints it, e.g. ``да или нет``.
    """
    if field.kind == "count":
        return "целое число не меньше 0"
    if field.kind == "flag":
        return " или ".join(LISTS["flag"][1])
    if field.kind in LISTS:
        values = "; ".join(LISTS[field.kind][1])
        return values if field.required else f"{values}; или пусто"
    if field.kind == "id":
        return "текст или число; не повторяется в таблице"
    return "текст"


def _add_guide_sheet(workbook: Workbook, year: int, methodology: Methodology) -> None:
    sheet = workbook.create_sheet(GUIDE_SHEET, index=1)
    required = set(methodology.required_fields(year))

    sheet["A1"] = f"Форма сбора данных мониторинга профориентации за {year} год"
    sheet["A1"].font = _TITLE_FONT
    edition = (
        f"Методика: редакция {methodology.edition}, действует с "
        f"{methodology.effective_from} года"
    )
    if year < methodology.effective_from:
        edition += " (более ранней редакции в profmon нет)"
    sheet["A2"] = (
        f"{edition}. Обязательность граф указана по этой редакции для {year} года."
    )
    sheet["A3"] = (
        f"Заполните лист «{SCHOOLS_SHEET}»: одна строка на одну общеобразовательную "
        "организацию, заголовки в первой строке не меняйте. Проверка ввода "
        f"действует в строках 2–{VALIDATED_ROWS}."
    )

    for position, (title, width) in enumerate(GUIDE_COLUMNS, start=1):
        cell = sheet.cell(row=_GUIDE_HEADER_ROW, column=position, value=title)
        cell.font = _BOLD
        cell.alignment = _WRAP
        cell.fill = _HEADER_FILL
        sheet.column_dimensions[get_column_letter(position)].width = width

    for offset, field in enumerate(FIELDS, start=1):
        values = (
            get_column_letter(offset),
            field.header_ru,
            field.name,
            GROUP_TITLES[field.group],
            "да" if field.name in required else "нет",
            field.description_ru,
            allowed_values(field),
        )
        for position, value in enumerate(values, start=1):
            cell = sheet.cell(row=_GUIDE_HEADER_ROW + offset, column=position)
            cell.value = value
            cell.alignment = _WRAP

    sheet.freeze_panes = f"A{_GUIDE_HEADER_ROW + 1}"


def write_template(
    path: str | os.PathLike, year: int, *, methodology: Methodology | None = None
) -> Path:
    """Write the empty collection workbook for `year`.

    Parameters
    ----------
    path : str or path-like
        Destination ``.xlsx``, written atomically.
    year : int
        Monitoring year the form collects.
    methodology : Methodology, optional
        Edition that decides which fields are required; by default the
        bundled edition in effect in `year`.

    Returns
    -------
    Path
        The destination.
    """
    if methodology is None:
        methodology = load_methodology(year)
    workbook = Workbook()
    add_schools_sheet(workbook, FIELDS)
    _add_guide_sheet(workbook, year, methodology)
    workbook.properties.title = f"Форма сбора данных мониторинга профориентации, {year}"
    workbook.properties.description = f"Методика, редакция {methodology.edition}"
    log.info(
        "collection template for %d, methodology edition %s", year, methodology.edition
    )
    return save_workbook(workbook, path, year=year)

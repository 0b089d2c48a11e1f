"""HTML for report tables, figures and text: escaped, offline, deterministic.

Every report object has ``_repr_html_``, so a notebook cell that returns one
shows it in JupyterLab and in the exported page alike. The HTML is written by
hand, without pandas Styler (which neither escapes by default nor keeps its
ids stable): every piece of text goes through :func:`html.escape`, numbers are
formatted the Russian way (:mod:`profmon.numbers`), a missing value is «—», a
hidden one «c», and a met or missed target is marked by a sign and a word for
screen readers as well as by colour.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, field

import pandas as pd

from profmon.disclosure import SUPPRESSED
from profmon.numbers import MISSING, format_count, format_percent

__all__ = [
    "MARKS",
    "Html",
    "Image",
    "Stack",
    "Table",
    "bullet_list",
    "change_text",
    "count_text",
    "escape",
    "value_text",
]

#: Sign, colour and spoken word of each target status.
MARKS = {
    "met": ("✓", "#1a7f37", "целевое значение достигнуто"),
    "missed": ("✗", "#b42318", "целевое значение не достигнуто"),
}

# A cell that holds a figure (right-aligned): a number, percent, change, «—», «c».
_FIGURE = re.compile(r"^(?:[+−-]?[\d\s\u00a0\u202f,]+(?:\s?%|\s?п\.\s?п\.)?|—|c)$")

_SUPPRESSED_TITLE = "скрыто: малое число обучающихся с ОВЗ или инвалидностью"


def escape(text) -> str:
    """Escape text for HTML, quotes included.

    Parameters
    ----------
    text : object
        Anything; it is converted with :class:`str` first.

    Returns
    -------
    str
        The text with ``&``, ``<``, ``>``, ``"`` and ``'`` replaced by entities,
        safe inside an element and inside a quoted attribute.
    """
    return html.escape(str(text), quote=True)


def value_text(value, precision: int = 0, *, suppressed: bool = False) -> str:
    """Format a percentage for a report: «45,9 %», «—» or «c».

    Parameters
    ----------
    value : float or None
        Percent value; None, NaN or NA gives «—».
    precision : int
        Decimals to show, rounded half up.
    suppressed : bool
        The value is hidden by the disclosure rules; «c» is returned whatever
        `value` is.

    Returns
    -------
    str
        The text of the cell.
    """
    if suppressed:
        return SUPPRESSED
    return format_percent(value, precision)


def count_text(value, *, suppressed: bool = False) -> str:
    """Format a count for a report: «137 107», «—» or «c».

    Parameters
    ----------
    value : int, float or None
        The count; None, NaN or NA gives «—».
    suppressed : bool
        The count is hidden by the disclosure rules; «c» is returned whatever
        `value` is.

    Returns
    -------
    str
        The text of the cell, thousands separated by no-break spaces.
    """
    if suppressed:
        return SUPPRESSED
    return format_count(value)


def change_text(value, precision: int = 0) -> str:
    """Format a change in percentage points: «+3,1 п. п.», «−2 п. п.» or «—».

    Parameters
    ----------
    value : float or None
        Change in percentage points; None, NaN or NA gives «—».
    precision : int
        Decimals to show, rounded half up.

    Returns
    -------
    str
        The change with its sign (``+`` for a rise, ``−`` for a fall, none for
        zero) and the unit «п. п.».
    """
    if value is None or pd.isna(value):
        return MISSING
    return format_percent(value, precision, sign=True).replace("%", "п.\u00a0п.")


@dataclass(frozen=True)
class Html:
    """A ready piece of HTML (already escaped where it holds data).

    Parameters
    ----------
    html : str
        The markup, shown as it is; nothing is escaped here.
    """

    html: str

    def _repr_html_(self) -> str:
        return self.html


def bullet_list(items, *, ordered: bool = False) -> str:
    """Return escaped items as an HTML list (empty string for no items).

    Parameters
    ----------
    items : sequence
        The entries, each converted to text and escaped.
    ordered : bool
        Number the entries (``<ol>``) instead of bulleting them (``<ul>``).

    Returns
    -------
    str
        The list markup; an empty string when `items` is empty.
    """
    if not items:
        return ""
    tag = "ol" if ordered else "ul"
    body = "".join(f"<li>{escape(item)}</li>" for item in items)
    return f"<{tag}>{body}</{tag}>"


@dataclass(frozen=True)
class Image:
    """A chart as an inline PNG with a text alternative.

    Parameters
    ----------
    png : bytes
        The picture.
    alt : str
        What the chart shows, for readers who cannot see it.
    caption : str
        Shown under the chart.
    """

    png: bytes
    alt: str
    caption: str = ""

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        caption = (
            f"<figcaption>{escape(self.caption)}</figcaption>" if self.caption else ""
        )
        return (
            f'<figure class="chart"><img src="data:image/png;base64,{data}" '
            f'alt="{escape(self.alt)}">{caption}</figure>'
        )


@dataclass(frozen=True)
class Stack:
    """Several report objects shown one after another, each with a heading.

    Parameters
    ----------
    items : tuple
        Parts in display order: a str becomes an ``<h3>`` heading (escaped),
        anything else must have ``_repr_html_`` and is shown as it renders.
    """

    items: tuple = ()

    def _repr_html_(self) -> str:
        parts = []
        for item in self.items:
            if isinstance(item, str):
                parts.append(f"<h3>{escape(item)}</h3>")
            else:
                parts.append(item._repr_html_())
        return "\n".join(parts)


@dataclass(frozen=True)
class Table:
    """A report table: display text, target marks and a version for Excel.

    Parameters
    ----------
    text : pandas.DataFrame
        What each cell shows, formatted; columns may have two levels (a
        header over sub-headers).
    status : pandas.DataFrame, optional
        Same shape: ``"met"``, ``"missed"`` or ``""`` per cell.
    sections : dict of int to str
        Row position -> title of a section row shown before that row.
    caption : str
        Title of the table.
    notes : tuple of str
        Lines under the table (legend, remarks).
    row_headers : int
        How many leading columns name the row (left aligned, ``<th>``).
    export : pandas.DataFrame, optional
        Figures as numbers (and «c» where hidden) with flat Russian headers,
        for the Excel workbook.
    """

    text: pd.DataFrame
    status: pd.DataFrame | None = None
    sections: dict = field(default_factory=dict)
    caption: str = ""
    notes: tuple = ()
    row_headers: int = 1
    export: pd.DataFrame | None = None

    def _header(self) -> str:
        columns = self.text.columns
        if not isinstance(columns, pd.MultiIndex):
            cells = "".join(f'<th scope="col">{escape(c)}</th>' for c in columns)
            return f"<thead><tr>{cells}</tr></thead>"
        top, bottom = [], []
        position = 0
        labels = list(columns)
        while position < len(labels):
            upper, lower = labels[position]
            span = 1
            while (
                position + span < len(labels)
                and labels[position + span][0] == upper
                and upper != lower
            ):
                span += 1
            if upper == lower or lower == "":
                top.append(f'<th scope="col" rowspan="2">{escape(upper)}</th>')
            else:
                top.append(
                    f'<th scope="colgroup" colspan="{span}">{escape(upper)}</th>'
                )
                bottom.extend(
                    f'<th scope="col">{escape(labels[position + n][1])}</th>'
                    for n in range(span)
                )
            position += span
        return f"<thead><tr>{''.join(top)}</tr><tr>{''.join(bottom)}</tr></thead>"

    def _cell(self, row: int, column: int) -> str:
        text = str(self.text.iat[row, column])
        if column < self.row_headers:
            return f'<th scope="row">{escape(text)}</th>'
        classes = ["num"] if _FIGURE.match(text) else ["text"]
        style = ""
        mark = ""
        status = "" if self.status is None else self.status.iat[row, column]
        if status in MARKS and text not in (MISSING, SUPPRESSED):
            sign, colour, word = MARKS[status]
            classes.append(status)
            style = f' style="color:{colour}"'
            mark = (
                f' <span class="mark" role="img" aria-label="{word}" '
                f'title="{word}">{sign}</span>'
            )
        title = ""
        if text == SUPPRESSED:
            classes.append("suppressed")
            title = f' title="{_SUPPRESSED_TITLE}"'
        return (
            f'<td class="{" ".join(classes)}"{style}{title}>{escape(text)}{mark}</td>'
        )

    def to_html(self) -> str:
        """Return the table as HTML."""
        width = self.text.shape[1]
        rows = []
        for row in range(len(self.text)):
            if row in self.sections:
                rows.append(
                    f'<tr class="section"><th scope="rowgroup" colspan="{width}">'
                    f"{escape(self.sections[row])}</th></tr>"
                )
            cells = "".join(self._cell(row, column) for column in range(width))
            rows.append(f"<tr>{cells}</tr>")
        caption = f"<caption>{escape(self.caption)}</caption>" if self.caption else ""
        notes = "".join(
            f'<p class="note"><small>{escape(n)}</small></p>' for n in self.notes
        )
        return (
            f'<table class="profmon">{caption}{self._header()}'
            f"<tbody>{''.join(rows)}</tbody></table>{notes}"
        )

    def _repr_html_(self) -> str:
        return self.to_html()

"""Findings of the intake: reason codes, the findings table and its rendering.

Every problem the reader or the validation meets becomes one row of a findings
table with the columns :data:`FINDING_COLUMNS`: where it is (file, sheet, row as
Excel numbers it, column), the bad value, its severity, a reason code from
:class:`Reason` and a message in Russian that says what to fix. Nothing is
raised for bad data; the table is the report.
"""

from __future__ import annotations

import enum
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from profmon.fields import FIELDS

__all__ = [
    "FINDING_COLUMNS",
    "SEVERITY",
    "Reason",
    "Severity",
    "cell_findings",
    "combine_findings",
    "empty_findings",
    "file_finding",
    "format_findings",
    "summarise_findings",
    "write_findings_csv",
]

FINDING_COLUMNS = [
    "file",
    "sheet",
    "row",
    "column",
    "value",
    "severity",
    "code",
    "message",
]


class Severity(enum.StrEnum):
    """How much a finding matters: an error blocks the build, a warning not."""

    ERROR = "error"
    WARNING = "warning"


class Reason(enum.StrEnum):
    """Reason codes of findings; the value is what the findings table shows."""

    # the folder and its files
    NO_FILES = "no_files"
    UNSUPPORTED_FILE = "unsupported_file"
    UNREADABLE_FILE = "unreadable_file"
    EMPTY_FILE = "empty_file"
    NO_HEADER = "no_header"
    # columns
    MISSING_COLUMN = "missing_column"
    DUPLICATE_COLUMN = "duplicate_column"
    UNKNOWN_COLUMN = "unknown_column"
    VALUE_WITHOUT_HEADER = "value_without_header"
    # cells
    MISSING_VALUE = "missing_value"
    NOT_INTEGER = "not_integer"
    NEGATIVE = "negative"
    BAD_FLAG = "bad_flag"
    UNKNOWN_MUNICIPALITY = "unknown_municipality"
    UNKNOWN_SCHOOL_TYPE = "unknown_school_type"
    UNKNOWN_SETTLEMENT = "unknown_settlement"
    # rows
    DUPLICATE_SCHOOL_ID = "duplicate_school_id"
    PART_EXCEEDS_WHOLE = "part_exceeds_whole"
    GRADUATES_EXCEED_GRADE = "graduates_exceed_grade"
    ADMISSIONS_EXCEED_GRADUATES = "admissions_exceed_graduates"
    # comparison with the previous year
    SCHOOL_DISAPPEARED = "school_disappeared"
    PUPILS_CHANGED = "pupils_changed"
    PREVIOUS_YEAR_UNREADABLE = "previous_year_unreadable"


_FIELD_ORDER = {field.name: position for position, field in enumerate(FIELDS)}

_WARNINGS = frozenset(
    {
        Reason.UNSUPPORTED_FILE,
        Reason.UNKNOWN_COLUMN,
        Reason.GRADUATES_EXCEED_GRADE,
        Reason.ADMISSIONS_EXCEED_GRADUATES,
        Reason.SCHOOL_DISAPPEARED,
        Reason.PUPILS_CHANGED,
        Reason.PREVIOUS_YEAR_UNREADABLE,
    }
)

#: The severity of each reason, declared once next to the codes.
SEVERITY = {
    reason: Severity.WARNING if reason in _WARNINGS else Severity.ERROR
    for reason in Reason
}

_SEVERITY_RU = {Severity.ERROR.value: "ошибка", Severity.WARNING.value: "предупр."}


def empty_findings() -> pd.DataFrame:
    """Return a findings table with no rows and the right column types."""
    return _EMPTY.copy()


def _typed(findings: pd.DataFrame) -> pd.DataFrame:
    findings = findings.loc[:, FINDING_COLUMNS].copy()
    for column in FINDING_COLUMNS:
        if column == "row":
            findings[column] = findings[column].astype("Int64")
        else:
            findings[column] = findings[column].fillna("").astype(str)
    return findings


_EMPTY = _typed(pd.DataFrame({column: [] for column in FINDING_COLUMNS}))


def file_finding(
    file: str,
    code: Reason,
    message: str,
    *,
    sheet: str = "",
    row: int | None = None,
    column: str = "",
    value: str = "",
) -> pd.DataFrame:
    """Return a one-row findings table about a file, a column or a folder.

    Parameters
    ----------
    file : str
        File name relative to the year folder (or the folder itself).
    code : Reason
        Reason code; its severity comes from :data:`SEVERITY`.
    message : str
        What is wrong and what to fix, in Russian.
    sheet : str
        Sheet of a workbook, when the finding is about one; empty otherwise.
    row : int, optional
        Row number as Excel shows it; missing for a whole file or column.
    column, value : str
        Column the finding is about and the offending value as text, when
        they apply; empty otherwise.

    Returns
    -------
    pandas.DataFrame
        One finding.
    """
    return _typed(
        pd.DataFrame(
            {
                "file": [file],
                "sheet": [sheet],
                "row": pd.array([row], dtype="Int64"),
                "column": [column],
                "value": [value],
                "severity": [SEVERITY[code].value],
                "code": [code.value],
                "message": [message],
            }
        )
    )


def cell_findings(
    rows: pd.DataFrame,
    code: Reason,
    column: str,
    message,
    value=None,
) -> pd.DataFrame:
    """Return one finding per row of `rows`, vectorised.

    Parameters
    ----------
    rows : pandas.DataFrame
        The flagged rows of the submissions, with the provenance columns
        ``source_file``, ``source_sheet`` and ``source_row``.
    code : Reason
        Reason code of every finding; its severity comes from
        :data:`SEVERITY`.
    column : str
        Column the findings are about (canonical name, or a short label for
        a group of columns).
    message : str or array-like of str
        The message, one for all or one per row.
    value : array-like, optional
        The offending value per row, shown as text.

    Returns
    -------
    pandas.DataFrame
        Findings with the columns :data:`FINDING_COLUMNS`.
    """
    if rows.empty:
        return empty_findings()
    findings = pd.DataFrame(
        {
            "file": rows["source_file"].to_numpy(),
            "sheet": rows["source_sheet"].to_numpy(),
            "row": rows["source_row"].to_numpy(),
            "column": column,
            "value": "" if value is None else np.asarray(value, dtype=object),
            "severity": SEVERITY[code].value,
            "code": code.value,
            "message": message
            if isinstance(message, str)
            else np.asarray(message, dtype=object),
        }
    )
    return _typed(findings)


def combine_findings(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate findings and sort them the way a reader goes through files.

    Findings are ordered by file, then sheet, then row (findings about a
    whole file or column first), then column in the order of the contract;
    findings about the same cell keep the order of the checks.

    Parameters
    ----------
    parts : list of pandas.DataFrame
        Findings tables with the columns :data:`FINDING_COLUMNS`; empty ones
        are skipped.

    Returns
    -------
    pandas.DataFrame
        All findings in reading order, on a fresh range index; an empty,
        correctly typed table when there are none.
    """
    parts = [part for part in parts if len(part)]
    if not parts:
        return empty_findings()
    findings = pd.concat(parts, ignore_index=True)
    order = pd.DataFrame(
        {
            "file": findings["file"],
            "sheet": findings["sheet"],
            "row": findings["row"].fillna(0),
            "column": findings["column"].map(_FIELD_ORDER).fillna(len(_FIELD_ORDER)),
        }
    )
    order = order.sort_values(list(order.columns), kind="stable")
    return _typed(findings.loc[order.index]).reset_index(drop=True)


def summarise_findings(findings: pd.DataFrame) -> str:
    """Return the count of errors and warnings in Russian.

    Parameters
    ----------
    findings : pandas.DataFrame
        A findings table.

    Returns
    -------
    str
        For example ``"Ошибок: 3, предупреждений: 2"``.
    """
    severity = findings["severity"]
    errors = int((severity == Severity.ERROR.value).sum())
    warnings = int((severity == Severity.WARNING.value).sum())
    return f"Ошибок: {errors}, предупреждений: {warnings}"


def _clip(text: pd.Series, width: int) -> pd.Series:
    long = text.str.len() > width
    return text.where(~long, text.str.slice(0, width - 1) + "…")


def format_findings(findings: pd.DataFrame, *, max_width: int = 28) -> str:
    """Render findings as a fixed-width text table for the terminal.

    Parameters
    ----------
    findings : pandas.DataFrame
        A findings table.
    max_width : int
        Widest a file, sheet, column or value cell may be; longer text is cut
        with «…». Messages are never cut.

    Returns
    -------
    str
        Header, one line per finding, then the summary line; a single
        sentence when there are no findings.
    """
    if findings.empty:
        return "Замечаний нет. " + summarise_findings(findings)
    headers = {
        "file": "Файл",
        "sheet": "Лист",
        "row": "Строка",
        "column": "Столбец",
        "value": "Значение",
        "severity": "Вид",
        "code": "Код",
        "message": "Сообщение",
    }
    cells = pd.DataFrame(
        {
            "file": _clip(findings["file"], max_width),
            "sheet": _clip(findings["sheet"], max_width),
            "row": findings["row"].astype("string").fillna(""),
            "column": _clip(findings["column"], max_width),
            "value": _clip(findings["value"], max_width),
            "severity": findings["severity"].map(_SEVERITY_RU).fillna(""),
            "code": findings["code"],
            "message": findings["message"],
        }
    ).astype(str)
    widths = {
        column: max(len(headers[column]), int(cells[column].str.len().max()))
        for column in cells.columns
    }
    padded = [cells[column].str.ljust(widths[column]) for column in cells.columns[:-1]]
    lines = padded[0].str.cat(padded[1:], sep="  ") + "  " + cells["message"]
    header = "  ".join(
        headers[column].ljust(widths[column]) for column in cells.columns[:-1]
    )
    header = f"{header}  {headers['message']}"
    rule = "-" * len(header)
    body = "\n".join(lines.str.rstrip())
    return f"{header}\n{rule}\n{body}\n{rule}\n{summarise_findings(findings)}"


def write_findings_csv(findings: pd.DataFrame, path: str | Path) -> Path:
    """Write the findings table as CSV, atomically.

    The file is written next to its destination under a temporary name and
    then moved into place, so a crash never leaves half a file. The encoding
    is UTF-8 with a byte-order mark so that Excel opens the Russian text
    correctly.

    Parameters
    ----------
    findings : pandas.DataFrame
        A findings table.
    path : str or Path
        Destination file.

    Returns
    -------
    Path
        The written file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as stream:
            findings.loc[:, FINDING_COLUMNS].to_csv(stream, index=False)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path

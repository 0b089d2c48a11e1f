"""Turning submitted cells into values: counts, да/нет and closed lists.

Every parser works on a whole column. A closed list (да/нет, municipality,
school type, settlement) is parsed once per distinct cell and the results are
spread over the column, so a column of 40,000 cells with 20 distinct spellings
costs 20 parses. A cell that cannot be parsed becomes missing (NaN or NA); the
checks in :mod:`profmon.checks` report it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from profmon.fields import NO, SCHOOL_TYPES, SETTLEMENTS, YES
from profmon.municipalities import MUNICIPALITIES, normalise_municipality

__all__ = [
    "CLOSED_LISTS",
    "LARGEST_COUNT",
    "ClosedList",
    "parse_closed",
    "parse_counts",
]

#: A count this large is no plausible number of pupils (and would overflow an
#: integer column); it is reported as not a whole number of pupils.
LARGEST_COUNT = 10**9

_FLAGS = {YES: True, NO: False, "1": True, "0": False, "1.0": True, "0.0": False}
_SCHOOL_TYPES = {kind.lower(): kind for kind in SCHOOL_TYPES}
_SETTLEMENTS = {kind.replace("ё", "е"): kind for kind in SETTLEMENTS}


def _fold(text: str) -> str:
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").lower().split())


@dataclass(frozen=True)
class ClosedList:
    """How to read a field whose values come from a closed list.

    Parameters
    ----------
    parse : callable
        Cell text -> canonical value, or None when the text names none.
    dtype : str
        Pandas type of the parsed column.
    allowed_ru : str
        The allowed values, in Russian, for messages.
    """

    parse: Callable[[str], object]
    dtype: str
    allowed_ru: str


#: The closed list of each kind of field (see :attr:`profmon.fields.Field.kind`).
CLOSED_LISTS = {
    "flag": ClosedList(
        lambda text: _FLAGS.get(_fold(text).replace(",", ".")),
        "boolean",
        "«да» или «нет» (также 1 или 0)",
    ),
    "municipality": ClosedList(
        normalise_municipality, "str", ", ".join(MUNICIPALITIES)
    ),
    "school_type": ClosedList(
        lambda text: _SCHOOL_TYPES.get(_fold(text)), "str", ", ".join(SCHOOL_TYPES)
    ),
    "settlement": ClosedList(
        lambda text: _SETTLEMENTS.get(_fold(text)), "str", ", ".join(SETTLEMENTS)
    ),
}


def parse_closed(column: pd.Series, kind: str) -> pd.Series:
    """Read a closed-list column: canonical values, NA where unknown or empty.

    Parameters
    ----------
    column : pandas.Series
        Cells as read.
    kind : str
        A key of :data:`CLOSED_LISTS`.

    Returns
    -------
    pandas.Series
        Canonical values (``boolean`` for да/нет, ``str`` otherwise), aligned
        with `column`.
    """
    closed = CLOSED_LISTS[kind]
    codes, distinct = pd.factorize(column)
    parsed = pd.array(
        [closed.parse(str(value)) for value in distinct], dtype=closed.dtype
    )
    return pd.Series(parsed.take(codes, allow_fill=True), index=column.index)


def parse_counts(column: pd.Series) -> np.ndarray:
    """Read a count column as float64: NaN where empty or not a number.

    Numbers the CSV parser already read are taken as they are. Text is read
    as a number after removing spaces (also no-break and thin ones, used
    between thousands) and reading a decimal comma as a point, so «1 030» is
    1030 and «12,0» is 12.0; whether a number is whole is for the caller to
    check.

    Parameters
    ----------
    column : pandas.Series
        Cells as read.

    Returns
    -------
    numpy.ndarray
        One float per cell.
    """
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return column.to_numpy(dtype="float64", na_value=np.nan)
    numbers = pd.to_numeric(column, errors="coerce").astype("float64")
    retry = numbers.isna() & column.notna()
    if retry.any():
        cleaned = (
            column[retry]
            .astype(str)
            .str.replace(r"[\s\u00a0\u202f]", "", regex=True)
            .str.replace(",", ".", regex=False)
        )
        numbers[retry] = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    return numbers.to_numpy()

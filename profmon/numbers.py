"""Rounding and Russian number formatting shared by the engine and the reports."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["MISSING", "format_count", "format_percent", "round_half_up"]

#: What a report prints where there is no value.
MISSING = "—"

_NBSP = "\u00a0"
_NARROW_NBSP = "\u202f"


def round_half_up(values, digits):
    """Round halves away from zero, as published tables do (45,85 -> 45,9).

    Parameters
    ----------
    values : array-like or float
        Numbers to round; NaN stays NaN.
    digits : int or array-like of int
        Decimals to keep, one for all or one per value.

    Returns
    -------
    numpy.ndarray or float
        Rounded values, the shape of `values`.

    Notes
    -----
    A tiny relative nudge (1e-9) absorbs binary representation error, so that
    ``45.85`` stored as ``45.8499999…`` rounds to ``45.9``.
    """
    array = np.asarray(values, dtype="float64")
    scale = np.power(10.0, np.asarray(digits, dtype="float64"))
    scaled = np.abs(array) * scale
    rounded = np.floor(scaled * (1 + 1e-12) + 0.5 + 1e-9) / scale
    result = np.copysign(rounded, array)
    if np.ndim(result) == 0:
        return float(result)
    return result


def format_percent(value, digits: int = 0, *, sign: bool = False) -> str:
    """Format a percentage the Russian way: ``45,9 %``.

    Parameters
    ----------
    value : float or None
        Percent value; None, NaN or NA gives :data:`MISSING`.
    digits : int
        Decimals to show.
    sign : bool
        Print ``+`` before positive values (for changes, in п. п.).

    Returns
    -------
    str
        Decimal comma, a no-break space before ``%``.
    """
    if value is None or pd.isna(value):
        return MISSING
    rounded = round_half_up(float(value), digits)
    text = f"{abs(rounded):,.{digits}f}".replace(",", _NARROW_NBSP).replace(".", ",")
    if rounded < 0 and not math.isclose(rounded, 0.0):
        text = "−" + text
    elif sign and rounded > 0:
        text = "+" + text
    return f"{text}{_NBSP}%"


def format_count(value) -> str:
    """Format a whole number with no-break spaces between thousands: ``137 107``.

    Parameters
    ----------
    value : int, float or None
        A count; None, NaN or NA gives :data:`MISSING`. A fractional value is
        truncated towards zero by :class:`int`.

    Returns
    -------
    str
        Digits grouped by three with U+00A0 no-break spaces, so that a number
        never wraps across lines.
    """
    if value is None or pd.isna(value):
        return MISSING
    return f"{int(value):,d}".replace(",", _NBSP)

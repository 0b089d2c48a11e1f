"""The figures published in the centre's presentation of the 2022 results.

They are bundled with the package (``profmon/reference_data/``) so that the
sample generator can be calibrated to them and the golden tests can compare
the engine's results with them on any machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import pandas as pd

__all__ = ["PublishedFigure", "published_contingent", "published_figures"]

_PACKAGE = "profmon.reference_data"
_INDICATORS = "published_2022_indicators.csv"
_CONTINGENT = "published_2022_contingent.csv"

_COLUMNS = {
    "kg1_2022": ("КГ1", 2022),
    "kg2_2022": ("КГ2", 2022),
    "kg3_2022": ("КГ3", 2022),
    "kg4_2022": ("КГ4", 2022),
    "region_2022": ("регион", 2022),
    "region_2021": ("регион", 2021),
}


@dataclass(frozen=True)
class PublishedFigure:
    """One published value of an indicator.

    Parameters
    ----------
    indicator : str
        Indicator code.
    group : str
        ``КГ1`` … ``КГ4`` or ``регион``.
    year : int
        Monitoring year.
    value : float
        The value as printed, in percent.
    decimals : int
        Decimals printed; a computed value matches when rounded to these.
    """

    indicator: str
    group: str
    year: int
    value: float
    decimals: int


def _read(name: str) -> pd.DataFrame:
    with resources.files(_PACKAGE).joinpath(name).open(encoding="utf-8") as stream:
        return pd.read_csv(stream, dtype=str, keep_default_na=False)


def published_figures() -> list[PublishedFigure]:
    """Return every published indicator value (blank cells are skipped)."""
    table = _read(_INDICATORS)
    figures = []
    for record in table.to_dict("records"):
        for column, (group, year) in _COLUMNS.items():
            text = record[column].strip()
            if not text:
                continue
            decimals = len(text.split(".")[1]) if "." in text else 0
            figures.append(
                PublishedFigure(record["code"], group, year, float(text), decimals)
            )
    return figures


def published_contingent() -> pd.DataFrame:
    """Return the published contingent table: cluster, year, pupils, ОВЗ, disability.

    Returns
    -------
    pandas.DataFrame
        Columns ``cluster``, ``year``, ``pupils``, ``pupils_ovz``,
        ``pupils_disabled``, as whole numbers.
    """
    table = _read(_CONTINGENT).rename(
        columns={
            "students_total": "pupils",
            "students_ovz": "pupils_ovz",
            "students_disabled": "pupils_disabled",
        }
    )
    return table.astype(
        {
            "year": "int64",
            "pupils": "int64",
            "pupils_ovz": "int64",
            "pupils_disabled": "int64",
        }
    )

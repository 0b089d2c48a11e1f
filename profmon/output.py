"""Indicator tables as the command line prints them: CSV or text for people."""

from __future__ import annotations

import io

import pandas as pd

from profmon.methodology import Methodology
from profmon.numbers import MISSING, format_percent

__all__ = ["csv_columns", "indicators_csv", "indicators_text"]


def csv_columns(by: str) -> list[str]:
    """Return the columns of ``profmon indicators --format csv`` for a level.

    Parameters
    ----------
    by : str
        Level of the table, as passed to :func:`profmon.engine.compute_indicators`
        (``region``, ``cluster``, ``municipality``, ``municipality_cluster`` or
        ``school``).

    Returns
    -------
    list of str
        Engine column names in output order; ``municipality`` and ``cluster``
        are included only for the ``school`` and ``municipality_cluster``
        levels, where each row belongs to one municipality and one cluster.
    """
    located = (
        ["municipality", "cluster"] if by in ("school", "municipality_cluster") else []
    )
    return [
        "indicator",
        "group",
        *located,
        "numerator",
        "denominator",
        "value",
        "target",
        "met",
    ]


def indicators_csv(table: pd.DataFrame, by: str) -> str:
    """Render an engine table as CSV (comma-separated, UTF-8, dot decimals).

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`profmon.engine.compute_indicators`.
    by : str
        The level it was computed at.

    Returns
    -------
    str
        Columns :func:`csv_columns`; ``value`` in percent, unrounded, empty
        where there is no value; ``met`` is ``true``, ``false`` or empty.
        Numerators and denominators are whole numbers.
    """
    out = table.loc[:, csv_columns(by)].copy()
    for column in ("numerator", "denominator"):
        out[column] = out[column].round().astype("Int64")
    out["met"] = out["met"].map({True: "true", False: "false"}).fillna("")
    for column in ("municipality", "cluster"):
        if column in out:
            out[column] = out[column].astype("string")
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, float_format="%.10g", lineterminator="\n")
    return buffer.getvalue()


def indicators_text(table: pd.DataFrame, methodology: Methodology, by: str) -> str:
    """Render an engine table as an aligned text table in Russian.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`profmon.engine.compute_indicators`.
    methodology : Methodology
        Supplies short labels and display precision.
    by : str
        The level it was computed at.

    Returns
    -------
    str
        One line per group and indicator: label, group, value, target and
        «да»/«нет» for the target met («—» where there is no value).
    """
    labels = {ind.code: ind.label_ru for ind in methodology.indicators}
    precision = {ind.code: ind.precision for ind in methodology.indicators}
    met_text = {True: "да", False: "нет"}
    rows = pd.DataFrame(
        {
            "Показатель": table["indicator"].map(labels),
            "Группа": table["group"].astype(str),
            "Значение": [
                format_percent(value, precision[code])
                for value, code in zip(table["value"], table["indicator"], strict=True)
            ],
            "Цель": [format_percent(target, 0) for target in table["target"]],
            "Достигнуто": [
                MISSING if pd.isna(met) else met_text[bool(met)] for met in table["met"]
            ],
        }
    )
    return rows.to_string(index=False) + "\n"

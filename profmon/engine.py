"""The indicator engine: pooled shares at any level of grouping.

Every indicator is a ratio of sums: the numerators of all schools of a group
are added, the denominators are added, and the value is their ratio in
percent. A group whose denominator is 0 has no value (NaN), never 0 %.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from profmon.clusters import CLUSTERS, classify
from profmon.methodology import SCHOOLS, Methodology
from profmon.numbers import round_half_up

__all__ = [
    "LEVELS",
    "REGION",
    "compute_indicators",
    "school_parts",
    "with_previous_year",
]

log = logging.getLogger(__name__)

#: Label of the single group at region level.
REGION = "регион"

#: Grouping levels and the columns each groups by.
LEVELS = {
    "region": (),
    "cluster": ("cluster",),
    "municipality": ("municipality",),
    "municipality_cluster": ("municipality", "cluster"),
    "school": ("municipality", "cluster", "school_id"),
}

RESULT_COLUMNS = [
    "year",
    "level",
    "group",
    "municipality",
    "cluster",
    "school_id",
    "indicator",
    "block",
    "numerator",
    "denominator",
    "value",
    "target",
    "direction",
    "precision",
    "met",
]


def _with_cluster(schools: pd.DataFrame, methodology: Methodology) -> pd.DataFrame:
    if "cluster" in schools.columns:
        return schools
    return schools.assign(cluster=classify(schools, methodology.clusters))


def school_parts(
    schools: pd.DataFrame, methodology: Methodology
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return every school's numerator and denominator of every indicator.

    Parameters
    ----------
    schools : pandas.DataFrame
        Validated submissions; a ``year`` column, when present, switches off
        indicators for the years before their ``first_year``.
    methodology : Methodology
        The edition whose indicators are computed.

    Returns
    -------
    numerators, denominators : pandas.DataFrame
        One column per indicator code, aligned with `schools`; NaN where the
        indicator was not measured that year.
    """
    numerators = {}
    denominators = {}
    years = schools["year"].to_numpy() if "year" in schools.columns else None
    for indicator in methodology.indicators:
        parts = []
        for terms in (indicator.numerator, indicator.denominator):
            fields = [term for term in terms if term != SCHOOLS]
            part = schools.loc[:, fields].sum(axis=1).astype("float64")
            if SCHOOLS in terms:
                part = part + 1.0
            if indicator.first_year is not None and years is not None:
                part = part.where(years >= indicator.first_year)
            parts.append(part)
        numerators[indicator.code], denominators[indicator.code] = parts
    index = schools.index
    return (
        pd.DataFrame(numerators, index=index),
        pd.DataFrame(denominators, index=index),
    )


def _met(
    values: pd.Series,
    targets: pd.Series,
    directions: pd.Series,
    precision: pd.Series,
) -> pd.Series:
    shown = pd.Series(round_half_up(values, precision), index=values.index)
    higher = shown >= targets
    lower = shown <= targets
    met = higher.where(directions == "higher", lower).astype("boolean")
    return met.mask(shown.isna() | targets.isna())


def compute_indicators(
    schools: pd.DataFrame,
    methodology: Methodology,
    by: str = "region",
) -> pd.DataFrame:
    """Compute every indicator for every group of a level, as pooled ratios.

    Parameters
    ----------
    schools : pandas.DataFrame
        Validated submissions of one or more years (a ``year`` column), one row
        per school and year. A ``cluster`` column is used when present,
        otherwise the methodology's rules assign it.
    methodology : Methodology
        Indicators, targets and cluster rules.
    by : str
        One of :data:`LEVELS`: ``region``, ``cluster``, ``municipality``,
        ``municipality_cluster`` or ``school``.

    Returns
    -------
    pandas.DataFrame
        A row per year, group and indicator with the columns
        :data:`RESULT_COLUMNS`. ``value`` is in percent and unrounded, NaN where
        the denominator is 0 or the indicator was not measured. ``met`` is a
        nullable boolean: NA where there is no value or no target.

    Notes
    -----
    A target counts as met when the value rounded to the indicator's published
    precision reaches it, so that a reader never sees «50 %» marked as missed
    against a target of 50 %.

    Pooling weights every school by its denominator: a large school moves a
    cluster's value more than a small one, which is what a regional share
    means. The mean of school shares answers a different question and is not
    used.
    """
    if by not in LEVELS:
        raise ValueError(f"`by` must be one of {list(LEVELS)}, got {by!r}")
    schools = _with_cluster(schools, methodology)
    if "year" not in schools.columns:
        raise ValueError("`schools` needs a `year` column")
    keys = ["year", *LEVELS[by]]
    numerators, denominators = school_parts(schools, methodology)

    grouping = [schools[key] for key in keys]
    sums = {}
    for name, parts in (("numerator", numerators), ("denominator", denominators)):
        summed = parts.groupby(grouping, observed=True, sort=True).sum(min_count=1)
        summed.columns.name = "indicator"
        sums[name] = summed.stack(future_stack=True).rename(name)
    table = pd.concat(sums, axis=1).reset_index()

    with np.errstate(divide="ignore", invalid="ignore"):
        value = 100.0 * table["numerator"] / table["denominator"]
    table["value"] = value.where(table["denominator"] > 0)

    meta = pd.DataFrame(
        {
            "indicator": [ind.code for ind in methodology.indicators],
            "block": [ind.block for ind in methodology.indicators],
            "target": [ind.target for ind in methodology.indicators],
            "direction": [ind.direction for ind in methodology.indicators],
            "precision": [ind.precision for ind in methodology.indicators],
            "order": range(len(methodology.indicators)),
        }
    )
    table = table.merge(meta, on="indicator", how="left")
    table["target"] = table["target"].astype("float64")
    table["met"] = _met(
        table["value"], table["target"], table["direction"], table["precision"]
    )
    table["level"] = by

    for column in ("municipality", "cluster", "school_id"):
        if column not in table.columns:
            table[column] = pd.NA
    table["group"] = _group_labels(table, by)
    if by in ("cluster", "municipality_cluster", "school"):
        table["cluster"] = pd.Categorical(
            table["cluster"], categories=CLUSTERS, ordered=True
        )
    table = table.sort_values([*keys, "order"], kind="stable")
    log.debug("computed %d rows of indicators by %s", len(table), by)
    return table.loc[:, RESULT_COLUMNS].reset_index(drop=True)


def _group_labels(table: pd.DataFrame, by: str) -> pd.Series:
    if by == "region":
        return pd.Series(REGION, index=table.index)
    if by == "cluster":
        return table["cluster"].astype(str)
    if by == "municipality":
        return table["municipality"].astype(str)
    if by == "municipality_cluster":
        return table["municipality"].astype(str) + " · " + table["cluster"].astype(str)
    return table["school_id"].astype(str)


def with_previous_year(indicators: pd.DataFrame) -> pd.DataFrame:
    """Add the previous year's value and the change to an indicator table.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Output of :func:`compute_indicators` for several years.

    Returns
    -------
    pandas.DataFrame
        The same rows with ``previous_value`` (the value of the same group and
        indicator in the year before, NaN if absent) and ``change`` (value
        minus previous value, in percentage points).
    """
    keys = ["level", "group", "indicator"]
    previous = indicators.loc[:, ["year", *keys, "value"]].copy()
    previous["year"] = previous["year"] + 1
    previous = previous.rename(columns={"value": "previous_value"})
    result = indicators.merge(previous, on=["year", *keys], how="left")
    result["change"] = result["value"] - result["previous_value"]
    return result

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


def _coefficients(methodology: Methodology) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Return the fields indicators read and the 0/1 matrices summing them.

    The matrices are fields × indicators, one for numerators, one for
    denominators.
    """
    fields = list(
        dict.fromkeys(
            term
            for indicator in methodology.indicators
            for term in (*indicator.numerator, *indicator.denominator)
        )
    )
    position = {name: i for i, name in enumerate(fields)}
    numerator = np.zeros((len(fields), len(methodology.indicators)))
    denominator = np.zeros_like(numerator)
    for column, indicator in enumerate(methodology.indicators):
        for term in indicator.numerator:
            numerator[position[term], column] = 1.0
        for term in indicator.denominator:
            denominator[position[term], column] = 1.0
    return fields, numerator, denominator


def school_parts(
    schools: pd.DataFrame, methodology: Methodology
) -> tuple[np.ndarray, np.ndarray]:
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
    numerators, denominators : numpy.ndarray
        Schools × indicators (in methodology order); NaN where the indicator
        was not measured that year.
    """
    fields, to_numerator, to_denominator = _coefficients(methodology)
    # A field missing in a year it was not collected is read as 0 here (NaN
    # times a zero coefficient would be NaN); the indicators that read it are
    # set to NaN for those years below.
    counts = np.zeros((len(schools), len(fields)))
    for i, name in enumerate(fields):
        if name == SCHOOLS:
            counts[:, i] = 1.0
        elif name in schools.columns:
            counts[:, i] = schools[name].to_numpy(dtype="float64", na_value=0.0)
    numerators = counts @ to_numerator
    denominators = counts @ to_denominator
    first_years = np.array(
        [ind.first_year or 0 for ind in methodology.indicators], dtype="int64"
    )
    if "year" in schools.columns:
        years = schools["year"].to_numpy(dtype="int64")
        unmeasured = years[:, None] < first_years[None, :]
        numerators[unmeasured] = np.nan
        denominators[unmeasured] = np.nan
    return numerators, denominators


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
    count = len(methodology.indicators)

    # one row per group, groups sorted by their keys
    if by == "school":
        frame = schools.loc[:, keys].reset_index(drop=True)
        order = frame.sort_values(keys, kind="stable").index.to_numpy()
        groups = frame.take(order).reset_index(drop=True)
        groups["municipality"] = groups["municipality"].astype("category")
        numerator_sums, denominator_sums = numerators[order], denominators[order]
    else:
        grouped = schools.groupby(keys, observed=True, sort=True)
        codes = grouped.ngroup().to_numpy()
        groups = grouped.size().index.to_frame(index=False).loc[:, keys]
        sums = _group_sums(np.hstack([numerators, denominators]), codes, len(groups))
        numerator_sums, denominator_sums = sums[:, :count], sums[:, count:]

    table = groups.take(np.repeat(np.arange(len(groups)), count)).reset_index(drop=True)
    # indicator, block and direction repeat a few values over many rows:
    # categoricals built from codes cost nothing per row
    positions = np.tile(np.arange(count), len(groups))
    table["indicator"] = pd.Categorical.from_codes(
        positions, categories=[ind.code for ind in methodology.indicators]
    )
    table["numerator"] = numerator_sums.ravel()
    table["denominator"] = denominator_sums.ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        value = 100.0 * table["numerator"].to_numpy() / table["denominator"].to_numpy()
    table["value"] = np.where(table["denominator"].to_numpy() > 0, value, np.nan)
    for column in ("block", "direction"):
        labels = [getattr(ind, column) for ind in methodology.indicators]
        categories = list(dict.fromkeys(labels))
        codes = np.array([categories.index(label) for label in labels])
        table[column] = pd.Categorical.from_codes(codes[positions], categories)
    targets = [
        np.nan if ind.target is None else ind.target for ind in methodology.indicators
    ]
    table["target"] = np.array(targets, dtype="float64")[positions]
    table["precision"] = np.array(
        [ind.precision for ind in methodology.indicators], dtype="int64"
    )[positions]
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
    log.debug("computed %d rows of indicators by %s", len(table), by)
    return table.loc[:, RESULT_COLUMNS]


def _group_sums(parts: np.ndarray, codes: np.ndarray, groups: int) -> np.ndarray:
    """Sum school rows into groups; a group whose rows are all NaN stays NaN.

    `codes` numbers the groups ``0 … groups - 1``, each with at least one row
    (as :meth:`pandas.core.groupby.GroupBy.ngroup` does).
    """
    sums = pd.DataFrame(parts).groupby(codes, sort=True).sum(min_count=1)
    if len(sums) != groups:
        raise ValueError(f"expected {groups} groups, found {len(sums)}")
    return sums.to_numpy(dtype="float64")


def _group_labels(table: pd.DataFrame, by: str) -> pd.Series:
    if by == "region":
        return pd.Series(REGION, index=table.index)
    if by == "cluster":
        return table["cluster"].astype(str)
    if by == "municipality":
        return table["municipality"].astype(str)
    if by == "municipality_cluster":
        return table["municipality"].astype(str) + " · " + table["cluster"].astype(str)
    return table["school_id"]


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

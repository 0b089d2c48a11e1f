"""Spread calibrated cluster totals over the schools of each cluster.

Every school gets whole numbers that add up to its cluster's totals exactly,
so the pooled values of the clusters and the region are those calibrated. The
split follows school size with random variation, and keeps every part within
its whole (participants within pupils, admissions within graduates), so the
sample passes validation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from profmon.fields import GRADE_FIELDS
from profmon.methodology import SCHOOLS, Methodology
from profmon.synth.allocate import allocate

__all__ = ["school_sizes", "spread_totals"]

#: Pupils (grades 1-11) a school of each cluster may have, kept a little inside
#: the cluster's band so that rounding never moves a school across a border.
SIZE_BANDS = {
    "КГ1": (300, 2000),
    "КГ2": (415, 2600),
    "КГ3": (215, 385),
    "КГ4": (15, 185),
}


def school_sizes(weights: np.ndarray, cluster: str, total: int) -> np.ndarray:
    """Return school sizes within the cluster's band that add up to `total`.

    Parameters
    ----------
    weights : numpy.ndarray
        Relative size of each school above the band's floor.
    cluster : str
        Cluster label, which sets the band.
    total : int
        Pupils of the cluster.

    Returns
    -------
    numpy.ndarray of int64
        Sizes, one per school.
    """
    low, high = SIZE_BANDS[cluster]
    extra = total - low * len(weights)
    return low + allocate(extra, weights, np.full(len(weights), high - low))


def _grade_matrix(sizes, shares, basic_only, rng) -> np.ndarray:
    """Fit school × grade counts to school sizes and cluster grade totals."""
    mask = np.ones((len(sizes), len(shares)))
    mask[basic_only, 9:] = 0.0
    matrix = np.outer(sizes, shares) * rng.uniform(0.85, 1.15, mask.shape) * mask
    for _ in range(200):  # iterative proportional fitting
        matrix *= (sizes / np.maximum(matrix.sum(axis=1), 1e-9))[:, None]
        matrix *= (shares / np.maximum(matrix.sum(axis=0), 1e-9))[None, :]
    return matrix


def _spread(total, weights, caps, rng, spread=0.35) -> np.ndarray:
    noisy = np.asarray(weights, dtype=float) * rng.lognormal(0.0, spread, len(caps))
    return allocate(int(total), noisy, caps)


def spread_totals(
    roster: pd.DataFrame,
    totals: pd.DataFrame,
    sizes: np.ndarray,
    methodology: Methodology,
    year: int,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Fill every count field of every school of one cluster.

    Parameters
    ----------
    roster : pandas.DataFrame
        The cluster's schools (``basic_only`` marks schools without grades
        10–11).
    totals : pandas.Series
        The cluster's calibrated totals, one per count field.
    sizes : numpy.ndarray
        Pupils of each school.
    methodology : Methodology
        Supplies the numerator and denominator of every indicator.
    year : int
        The year (indicators not yet measured get no column).
    rng : numpy.random.Generator
        Source of the random variation.

    Returns
    -------
    pandas.DataFrame
        The count fields, one row per school of `roster`.
    """
    basic_only = roster["basic_only"].to_numpy()
    grade_totals = totals[list(GRADE_FIELDS)].to_numpy(dtype=float)
    matrix = _grade_matrix(sizes, grade_totals, basic_only, rng)
    rows = {
        name: allocate(int(totals[name]), matrix[:, g])
        for g, name in enumerate(GRADE_FIELDS)
    }
    pupils = sum(rows[name] for name in GRADE_FIELDS)

    def put(name, weights, caps, spread=0.35):
        rows[name] = _spread(totals[name], weights, caps, rng, spread)

    put("pupils_ovz", pupils, pupils)
    put("pupils_disabled", pupils, pupils)
    put("graduates_9", rows["grade_9"], rows["grade_9"], 0.05)
    put("graduates_11", rows["grade_11"], rows["grade_11"], 0.05)
    vulnerable = rows["pupils_ovz"] + rows["pupils_disabled"]
    put("graduates_9_ovz", vulnerable + 1, np.minimum(rows["graduates_9"], vulnerable))
    put(
        "graduates_11_ovz", vulnerable + 1, np.minimum(rows["graduates_11"], vulnerable)
    )

    def denominator(indicator_code):
        indicator = methodology.indicator(indicator_code)
        return sum(rows[name] for name in indicator.denominator if name != SCHOOLS)

    in_effect = {ind.code for ind in methodology.indicators_in_effect(year)}
    participation = [
        ind
        for ind in methodology.indicators
        if ind.code in in_effect
        and ind.block in ("basic", "secondary")
        and ind.numerator[0] not in _LINKED
    ]
    for indicator in participation:
        (name,) = indicator.numerator
        whole = denominator(indicator.code)
        put(name, whole, whole)

    base = rows["grade_9"] + rows["grade_11"]
    put("survey_respondents_9_11", base, base, 0.1)
    put(
        "survey_satisfied_9_11",
        rows["survey_respondents_9_11"],
        rows["survey_respondents_9_11"],
        0.2,
    )
    _admissions(rows, totals, rng, put)
    return pd.DataFrame({name: rows[name] for name in totals.index})


# Fields filled by _admissions, after the graduates they depend on.
_LINKED = {
    "vuz_profile_11",
    "vuz_profile_region_11",
    "vuz_labour_market_11",
    "survey_satisfied_9_11",
}


def _admissions(rows, totals, rng, put) -> None:
    graduates_9, graduates_11 = rows["graduates_9"], rows["graduates_11"]
    # The larger of the two university counts goes first; the smaller one is
    # capped by it, so that college places can use what the larger one leaves.
    universities = [
        name
        for name in ("vuz_profile_11", "vuz_labour_market_11")
        if name in totals.index
    ]
    universities.sort(key=lambda name: -totals[name])
    larger = universities[0]
    put(larger, graduates_11, graduates_11)
    for name in universities[1:]:
        put(name, graduates_11, np.minimum(graduates_11, rows[larger]))
    if "vuz_profile_region_11" in totals.index:
        put("vuz_profile_region_11", rows["vuz_profile_11"], rows["vuz_profile_11"])
    if "poo_region_11" in totals.index:
        room = graduates_11 - rows[larger]
        put("poo_region_11", room, room)
    put("poo_region_9", graduates_9, graduates_9)
    put("poo_top_region_9", rows["poo_region_9"], rows["poo_region_9"])
    put("poo_ovz_9", rows["graduates_9_ovz"], rows["graduates_9_ovz"])
    if "poo_ovz_11" in totals.index:
        put("poo_ovz_11", rows["graduates_11_ovz"], rows["graduates_11_ovz"])

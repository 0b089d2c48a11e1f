"""Whole numbers from the calibrated cluster totals, every window checked again.

The linear programme of :mod:`profmon.synth.calibrate` gives fractional cluster
totals. Pupils and graduates are whole, and a share printed to one decimal over
a few hundred graduates leaves a window narrower than one pupil, so the
rounding is a small search of its own: graduate counts whose windows hold whole
numbers, numerators nearest the fractional solution inside them, and units moved
between clusters until each region window holds too.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd

from profmon.clusters import CLUSTERS
from profmon.fields import GRADE_FIELDS
from profmon.methodology import SCHOOLS
from profmon.numbers import round_half_up
from profmon.synth.allocate import allocate
from profmon.synth.windows import REGION, CalibrationError, Window, windows_for_year

__all__ = ["to_whole"]


def to_whole(totals, methodology, figures, year, pupils) -> pd.DataFrame:
    """Turn calibrated cluster totals into whole numbers that keep every window.

    Parameters
    ----------
    totals : pandas.DataFrame
        Fractional cluster totals (clusters × count fields).
    methodology : Methodology
        Indicators whose windows must hold.
    figures : list of PublishedFigure
        Published values.
    year : int
        The year.
    pupils : pandas.DataFrame
        Published contingent indexed by cluster and year.

    Returns
    -------
    pandas.DataFrame
        Whole-number totals, same shape as `totals`.

    Raises
    ------
    CalibrationError
        If some window cannot hold with whole numbers.
    """
    whole = totals.copy()
    for cluster in CLUSTERS:
        grades = totals.loc[cluster, list(GRADE_FIELDS)].to_numpy()
        target = int(pupils.loc[(cluster, year), "pupils"])
        whole.loc[cluster, list(GRADE_FIELDS)] = allocate(target, grades)
    numerators = {
        name for ind in methodology.indicators_in_effect(year) for name in ind.numerator
    }
    for name in whole.columns:
        if name in GRADE_FIELDS:
            continue
        if name in numerators:
            continue  # settled below, inside the rounded windows
        whole[name] = np.floor(totals[name] + 0.5)
    whole = whole.astype("int64")
    _choose_denominators(whole, totals, methodology, figures, year)
    for name in numerators:
        if name in whole.columns and name != SCHOOLS:
            whole[name] = np.floor(totals[name] + 0.5).astype("int64")
    _settle_numerators(whole, totals, methodology, figures, year)
    return whole


_REACH = 80  # graduates tried on either side of the fractional solution


def _choose_denominators(whole, totals, methodology, figures, year) -> None:
    """Pick whole-number graduate counts whose published windows hold integers.

    A share printed to one decimal over a few hundred graduates leaves a window
    narrower than one pupil, which may hold no whole number at all; and the
    region's window must stay reachable from the clusters' windows. The search
    tries, per cluster, graduate counts from 92 to 100 % of the grade's pupils
    and moves up to 40 pupils between the graduating grade and the grade below
    it (which leaves every grade band of the methodology unchanged but the
    graduating grade itself). The smaller clusters' nearest candidates are
    combined with every candidate of the largest cluster, nearest first.
    """
    windows = [w for w in windows_for_year(methodology, figures, year) if w.published]
    pairs = (
        ("graduates_9", "grade_9", "grade_8"),
        ("graduates_11", "grade_11", "grade_10"),
    )
    published_clusters = {}
    for window in windows:
        if window.group != REGION:
            published_clusters.setdefault(window.indicator, set()).add(window.group)
    for name, grade, below in pairs:
        touched = {name, grade, below}
        # a region window is searched for only when every cluster's value is
        # published too; otherwise the clusters' wide windows settle it later
        linked = [
            (w, methodology.indicator(w.indicator).denominator)
            for w in windows
            if touched & set(methodology.indicator(w.indicator).denominator)
            and (
                w.group != REGION
                or published_clusters.get(w.indicator, set()) == set(CLUSTERS)
            )
        ]
        choice = _joint_search(whole, totals, name, grade, below, linked)
        if choice is None:
            raise CalibrationError(
                f"{year}: no whole numbers of {name} let every published share "
                f"over it, in the clusters and the region, be reproduced"
            )
        for cluster, (shift, count) in choice.items():
            whole.loc[cluster, grade] += shift
            whole.loc[cluster, below] -= shift
            whole.loc[cluster, name] = count


def _integer_bounds(window: Window, denominator: np.ndarray):
    """Vectorised :func:`_integer_range`."""
    low = np.ceil(window.low * denominator / 100 - 1e-9).astype("int64")
    if window.high >= 100.0:
        return low, denominator.astype("int64")
    return low, np.floor(window.high * denominator / 100 - 1e-9).astype("int64")


def _cluster_candidates(row, name, grade, below, linked, wanted) -> dict:
    """Every (shift, count) that keeps the cluster's windows whole, nearest first.

    Returns arrays: ``distance``, ``shift``, ``count`` and, per region window's
    indicator, the cluster's (denominator, lowest, highest numerator).
    """
    cluster_windows = [(w, d) for w, d in linked if w.group == row.name]
    region_windows = [(w, d) for w, d in linked if w.group == REGION]
    nearest = round(wanted)
    shift = np.arange(-40, 41)[:, None]
    count = np.arange(nearest - _REACH, nearest + _REACH + 1)[None, :]
    shift, count = np.broadcast_arrays(shift, count)
    pupils = int(row[grade]) + shift
    ok = (count >= np.ceil(0.92 * pupils)) & (count <= pupils)
    values = {key: int(value) for key, value in row.items()}

    def denominator(fields):
        total = np.zeros(shift.shape, dtype="int64")
        for field in fields:
            if field == name:
                total = total + count
            elif field == grade:
                total = total + values[grade] + shift
            elif field == below:
                total = total + values[below] - shift
            else:
                total = total + values[field]
        return total

    bounds = {}
    for window, fields in cluster_windows:
        low, high = _integer_bounds(window, denominator(fields))
        ok &= low <= high
        bounds[window.indicator] = (low, high)
    distance = np.abs(count - wanted) + 2 * np.abs(shift)
    order = np.argsort(np.where(ok, distance, np.inf), axis=None, kind="stable")
    order = order[: int(ok.sum())]
    result = {
        "distance": distance.ravel()[order],
        "shift": shift.ravel()[order],
        "count": count.ravel()[order],
    }
    for window, fields in region_windows:
        low, high = bounds.get(window.indicator, (0, 0))
        parts = [
            denominator(fields),
            np.broadcast_to(low, shift.shape),
            np.broadcast_to(high, shift.shape),
        ]
        result[window.indicator] = np.stack([p.ravel()[order] for p in parts], axis=1)
    return result


def _joint_search(whole, totals, name, grade, below, linked, keep=8):
    region_windows = [w for w, _ in linked if w.group == REGION]
    candidates = {
        cluster: _cluster_candidates(
            whole.loc[cluster],
            name,
            grade,
            below,
            linked,
            float(totals.loc[cluster, name]),
        )
        for cluster in CLUSTERS
    }
    if any(len(found["count"]) == 0 for found in candidates.values()):
        return None
    largest = max(CLUSTERS, key=lambda c: int(whole.loc[c, grade]))
    others = [c for c in CLUSTERS if c != largest]
    big = candidates[largest]
    best = None
    ranges = [range(min(keep, len(candidates[c]["count"]))) for c in others]
    for picks in itertools.product(*ranges):
        ok = np.ones(len(big["count"]), dtype=bool)
        for window in region_windows:
            parts = sum(
                candidates[c][window.indicator][i]
                for c, i in zip(others, picks, strict=True)
            )
            denominator, low_sum, high_sum = (big[window.indicator] + parts).T
            low, high = _integer_bounds(window, denominator)
            ok &= np.maximum(low, low_sum) <= np.minimum(high, high_sum)
        if not ok.any():
            continue
        index = int(np.argmax(ok))
        cost = big["distance"][index] + sum(
            candidates[c]["distance"][i] for c, i in zip(others, picks, strict=True)
        )
        if best is None or cost < best[0]:
            best = (cost, [*zip(others, picks, strict=True), (largest, index)])
    if best is None:
        return None
    return {
        cluster: (
            int(candidates[cluster]["shift"][i]),
            int(candidates[cluster]["count"][i]),
        )
        for cluster, i in best[1]
    }


def _integer_range(window: Window, denominator: int) -> tuple[int, int]:
    low = math.ceil(window.low * denominator / 100 - 1e-9)
    if window.high >= 100.0:
        return low, denominator
    return low, math.floor(window.high * denominator / 100 - 1e-9)


def _settle_numerators(whole, totals, methodology, figures, year) -> None:
    """Settle each numerator in its window, repair the region, check all.

    Each numerator goes to the whole number nearest the LP solution inside its
    cluster window; units then move between clusters until the region window
    holds.
    """
    windows = windows_for_year(methodology, figures, year)
    by_indicator: dict[str, list[Window]] = {}
    for window in windows:
        by_indicator.setdefault(window.indicator, []).append(window)

    for code, group_windows in by_indicator.items():
        indicator = methodology.indicator(code)
        (name,) = indicator.numerator
        denominators = whole.loc[:, list(indicator.denominator)].sum(axis=1)
        ranges = {}
        for window in group_windows:
            if window.group == REGION:
                continue
            low, high = _integer_range(window, int(denominators[window.group]))
            ranges[window.group] = (low, max(low, high))
            wanted = int(np.floor(totals.loc[window.group, name] + 0.5))
            whole.loc[window.group, name] = int(np.clip(wanted, low, max(low, high)))
        region = [w for w in group_windows if w.group == REGION]
        if region:
            _repair_region(whole, name, ranges, region[0], int(denominators.sum()))

    for window in windows:
        indicator = methodology.indicator(window.indicator)
        clusters = list(CLUSTERS) if window.group == REGION else [window.group]
        numerator = whole.loc[clusters, list(indicator.numerator)].to_numpy().sum()
        denominator = whole.loc[clusters, list(indicator.denominator)].to_numpy().sum()
        value = 100 * numerator / denominator
        decimals = window.decimals
        inside = window.low - 1e-9 <= value <= window.high + 1e-9
        if not inside or (
            window.published
            and round_half_up(value, decimals) != round_half_up(window.centre, decimals)
        ):
            raise CalibrationError(
                f"{year} {window.indicator} {window.group}: whole numbers give "
                f"{value:.4f} %, outside [{window.low}, {window.high})"
            )


def _repair_region(whole, name, ranges, window, denominator) -> None:
    low, high = _integer_range(window, denominator)
    current = int(whole[name].sum())
    step = 1 if current < low else -1
    while not low <= current <= high:
        movable = [
            cluster
            for cluster, (lo, hi) in ranges.items()
            if lo <= whole.loc[cluster, name] + step <= hi
        ]
        if not movable:
            raise CalibrationError(
                f"{name}: no cluster can move the region into [{low}, {high}]"
            )
        # the cluster with most room in the needed direction moves first
        room = {
            cluster: (ranges[cluster][1] - whole.loc[cluster, name]) * step
            if step > 0
            else whole.loc[cluster, name] - ranges[cluster][0]
            for cluster in movable
        }
        chosen = max(room, key=room.get)
        whole.loc[chosen, name] += step
        current += step

"""How many schools of each cluster report a да for a presence indicator."""

from __future__ import annotations

import itertools

import numpy as np

from profmon.clusters import CLUSTERS
from profmon.numbers import round_half_up
from profmon.reference import PublishedFigure
from profmon.synth.windows import FREE_WINDOW, REGION, CalibrationError

__all__ = ["presence_counts"]


def _shows(count: int, schools: int, value: float, decimals: int) -> bool:
    return round_half_up(100 * count / schools, decimals) == value


def presence_counts(
    code: str,
    schools: dict[str, int],
    figures: list[PublishedFigure],
    year: int,
) -> dict[str, int]:
    """Choose the number of schools with a да in each cluster.

    Parameters
    ----------
    code : str
        Code of a presence indicator (a да/нет field over ``schools``).
    schools : dict of str to int
        Schools per cluster in `year`.
    figures : list of PublishedFigure
        Published values.
    year : int
        The year.

    Returns
    -------
    dict of str to int
        Schools with a да per cluster, such that every published cluster and
        region value of the year is reproduced; among such choices, the one
        whose clusters are nearest to their published (or the region's) share.

    Raises
    ------
    CalibrationError
        If no choice reproduces the published values.
    """
    published = {f.group: f for f in figures if f.indicator == code and f.year == year}
    region = published.get(REGION)
    options = []
    for cluster in CLUSTERS:
        size = schools[cluster]
        figure = published.get(cluster)
        if figure is not None:
            counts = [
                c
                for c in range(size + 1)
                if _shows(c, size, figure.value, figure.decimals)
            ]
            centre = figure.value
        else:
            centre = region.value if region else 50.0
            low = max(0, int(np.floor(size * (centre - FREE_WINDOW) / 100)))
            high = min(size, int(np.ceil(size * (centre + FREE_WINDOW) / 100)))
            counts = list(range(low, high + 1))
        options.append([(abs(100 * c / size - centre), c) for c in counts])

    total = sum(schools.values())
    best = None
    for combo in itertools.product(*options):
        count = sum(c for _, c in combo)
        if region is not None and not _shows(
            count, total, region.value, region.decimals
        ):
            continue
        cost = sum(distance for distance, _ in combo)
        if best is None or cost < best[0]:
            best = (cost, [c for _, c in combo])
    if best is None:
        raise CalibrationError(f"{year} {code}: no school counts give the figures")
    return dict(zip(CLUSTERS, best[1], strict=True))

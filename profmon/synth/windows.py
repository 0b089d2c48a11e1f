"""Rounding windows: the range a computed share must fall in to print as published."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from profmon.clusters import CLUSTERS
from profmon.errors import ProfmonError
from profmon.methodology import SCHOOLS, Methodology
from profmon.reference import PublishedFigure

__all__ = ["REGION", "CalibrationError", "Window", "windows_for_year"]

REGION = "регион"

# Half-width, in percentage points, of the window for a cluster value that was
# not published (the generator only needs a plausible value there).
FREE_WINDOW = 6.0


class CalibrationError(ProfmonError):
    """The published figures of a year admit no sample (or rounding broke one)."""


@dataclass(frozen=True)
class Window:
    """A window a cluster or region value must fall in.

    Parameters
    ----------
    indicator : str
        Indicator code.
    group : str
        Cluster label or ``регион``.
    centre : float
        Published (or chosen) value, percent.
    half_width : float
        Half the window, percent.
    published : bool
        Whether the window comes from a published figure.
    """

    indicator: str
    group: str
    centre: float
    half_width: float
    published: bool

    @property
    def low(self) -> float:
        """Lowest value inside the window."""
        return max(self.centre - self.half_width, 0.0)

    @property
    def high(self) -> float:
        """Highest value inside the window (exclusive unless it is 100)."""
        return min(self.centre + self.half_width, 100.0)

    @property
    def decimals(self) -> int:
        """Decimals the value is printed with."""
        return max(0, round(-np.log10(self.half_width * 2)))


def windows_for_year(
    methodology: Methodology, figures: list[PublishedFigure], year: int
) -> list[Window]:
    """Return the windows the sample of `year` must satisfy, cluster and region.

    Parameters
    ----------
    methodology : Methodology
        Indicators in effect; presence indicators (over schools) are left out,
        their counts are chosen school by school.
    figures : list of PublishedFigure
        All published values.
    year : int
        The year.

    Returns
    -------
    list of Window
        Published figures give narrow windows: half a unit of the indicator's
        precision or of the printed decimals, whichever is narrower. A cluster
        value that was not published gets a wide window around the same
        cluster's value in the other year, shifted by the change of the region,
        widened to hold the region's value.
    """
    published = {(f.indicator, f.group, f.year): f for f in figures}
    windows = []
    for indicator in methodology.indicators_in_effect(year):
        if SCHOOLS in indicator.denominator:
            continue
        region = published.get((indicator.code, REGION, year))
        for group in (*CLUSTERS, REGION):
            figure = published.get((indicator.code, group, year))
            if figure is not None:
                decimals = max(figure.decimals, indicator.precision)
                windows.append(
                    Window(
                        indicator.code, group, figure.value, 0.5 * 10.0**-decimals, True
                    )
                )
                continue
            if group == REGION:
                continue
            centre = _free_centre(published, indicator.code, group, year, region)
            anchor = region.value if region else centre
            low = min(centre, anchor) - FREE_WINDOW
            high = max(centre, anchor) + FREE_WINDOW
            windows.append(
                Window(indicator.code, group, (low + high) / 2, (high - low) / 2, False)
            )
    return windows


# Where no year published a cluster's value, clusters are spread around the
# region's value by these many points, so that the sample's clusters differ.
_CLUSTER_SPREAD = {"КГ1": 4.0, "КГ2": -1.5, "КГ3": 2.5, "КГ4": 5.0}


def _free_centre(published, code, group, year, region) -> float:
    other = 2021 if year == 2022 else 2022
    same_cluster = published.get((code, group, other))
    other_region = published.get((code, REGION, other))
    if region is None:
        return 60.0
    if same_cluster is None or other_region is None:
        return float(np.clip(region.value + _CLUSTER_SPREAD[group], 1.0, 100.0))
    shifted = same_cluster.value + region.value - other_region.value
    return float(np.clip(shifted, 1.0, 100.0))

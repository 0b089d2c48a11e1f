"""The sample: invented schools whose results reproduce the published figures.

:func:`generate_sample` builds the submissions of 2021 and 2022 for 330 schools
(332 in 2021: two small schools closed) of the region's real municipalities,
with invented names and codes, calibrated so that the engine reproduces every
figure of the centre's 2022 presentation once rounded as published.
:func:`write_sample` writes them as one workbook per municipality per year.
The result is the same on every run.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from profmon.clusters import CLUSTERS
from profmon.fields import FIELDS, flag_fields
from profmon.methodology import SCHOOLS, Methodology, load_methodology
from profmon.municipalities import MUNICIPALITIES
from profmon.reference import published_contingent, published_figures
from profmon.synth.calibrate import calibrate_year
from profmon.synth.presence import presence_counts
from profmon.synth.roster import build_roster
from profmon.synth.schools import school_sizes, spread_totals

__all__ = ["SAMPLE_YEARS", "file_name", "generate_sample", "write_sample"]

log = logging.getLogger(__name__)

SAMPLE_YEARS = (2021, 2022)
_SEED = 2022


def _present(roster: pd.DataFrame, year: int) -> pd.DataFrame:
    if year == 2021:
        return roster
    return roster.loc[~roster["closed_after_2021"]]


def _size_weights(roster: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    """Relative size of each school above its band's floor, stable across years."""
    weights = rng.gamma(2.0, 1.0, len(roster))
    weights[roster["basic_only"].to_numpy()] *= 0.5
    return pd.Series(weights, index=roster.index)


def _flags(roster, year, methodology, figures, rng) -> pd.DataFrame:
    flags = pd.DataFrame(False, index=roster.index, columns=list(flag_fields()))
    counts_per_cluster = roster["cluster"].value_counts().to_dict()
    for indicator in methodology.indicators_in_effect(year):
        if SCHOOLS not in indicator.denominator:
            continue
        (name,) = indicator.numerator
        counts = presence_counts(indicator.code, counts_per_cluster, figures, year)
        for cluster, count in counts.items():
            members = roster.index[roster["cluster"] == cluster].to_numpy()
            chosen = rng.choice(members, size=count, replace=False)
            flags.loc[chosen, name] = True
    return flags


def generate_year(
    roster: pd.DataFrame,
    weights: pd.Series,
    year: int,
    methodology: Methodology,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Return the sample submissions of one year, one row per school.

    Parameters
    ----------
    roster : pandas.DataFrame
        Schools, from :func:`profmon.synth.roster.build_roster`.
    weights : pandas.Series
        Relative size of each school, aligned with `roster`.
    year : int
        2021 or 2022.
    methodology : Methodology
        Indicators to calibrate.
    rng : numpy.random.Generator
        Source of the random variation.

    Returns
    -------
    pandas.DataFrame
        Canonical contract columns (fields of indicators not measured in
        `year` left out).
    """
    figures = published_figures()
    contingent = published_contingent()
    present = _present(roster, year)
    totals = calibrate_year(methodology, figures, contingent, year)
    pupils = contingent.set_index(["cluster", "year"])["pupils"]

    parts = []
    for cluster in CLUSTERS:
        members = present.loc[present["cluster"] == cluster]
        drift = rng.uniform(0.9, 1.1, len(members))
        sizes = school_sizes(
            weights.loc[members.index].to_numpy() * drift,
            cluster,
            int(pupils.loc[(cluster, year)]),
        )
        counts = spread_totals(
            members, totals.loc[cluster], sizes, methodology, year, rng
        )
        parts.append(counts.set_axis(members.index))
    counts = pd.concat(parts).loc[present.index]

    flags = _flags(present, year, methodology, published_figures(), rng)
    identity = present.loc[
        :, ["school_id", "school_name", "municipality", "school_type", "settlement"]
    ]
    table = pd.concat([identity, counts, flags], axis=1)
    columns = [f.name for f in FIELDS if f.name in table.columns]
    return table.loc[:, columns].reset_index(drop=True)


def generate_sample(methodology: Methodology | None = None) -> dict[int, pd.DataFrame]:
    """Return the sample submissions of every sample year.

    Parameters
    ----------
    methodology : Methodology, optional
        Defaults to the edition in effect in 2022.

    Returns
    -------
    dict of int to pandas.DataFrame
        Year -> submissions of all schools.
    """
    methodology = methodology or load_methodology(2022)
    rng = np.random.default_rng(_SEED)
    roster = build_roster()
    weights = _size_weights(roster, rng)
    return {
        year: generate_year(roster, weights, year, methodology, rng)
        for year in SAMPLE_YEARS
    }


def file_name(municipality: str, year: int) -> str:
    """Return the workbook name of a municipality's submission.

    Parameters
    ----------
    municipality : str
        Canonical name, one of :data:`profmon.municipalities.MUNICIPALITIES`.
    year : int
        Monitoring year.

    Returns
    -------
    str
        ``<year>_moNN.xlsx`` with NN the municipality's position in
        :data:`~profmon.municipalities.MUNICIPALITIES` counted from 01, or
        ``<year>_gou.xlsx`` for the state schools.

    Raises
    ------
    ValueError
        If `municipality` is not a canonical name.
    """
    position = MUNICIPALITIES.index(municipality)
    code = "gou" if municipality == "ГОУ" else f"mo{position + 1:02d}"
    return f"{year}_{code}.xlsx"


def write_sample(out_dir: str | Path) -> list[Path]:
    """Write the sample as ``<out_dir>/raw/<year>/<year>_<mo>.xlsx`` workbooks.

    Parameters
    ----------
    out_dir : str or Path
        Data folder; its ``raw/<year>/`` folders receive one workbook per
        municipality. Existing sample workbooks there are replaced, each
        atomically; other files are left alone.

    Returns
    -------
    list of Path
        The workbooks written.
    """
    from profmon.workbook import write_submission

    written = []
    for year, schools in generate_sample().items():
        folder = Path(out_dir) / "raw" / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        for municipality, part in schools.groupby("municipality", sort=False):
            path = folder / file_name(municipality, year)
            write_submission(part, path, year=year)
            written.append(path)
        log.info(
            "wrote %d workbooks for %s to %s",
            schools["municipality"].nunique(),
            year,
            folder,
        )
    return written

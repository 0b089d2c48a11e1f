"""Short texts of a report: the overview, the best results, the index line."""

from __future__ import annotations

import pandas as pd

from profmon.clusters import CLUSTERS
from profmon.municipalities import STATE_SCHOOLS
from profmon.report.context import ReportContext, load_context, resolve_municipality
from profmon.report.display import Html, bullet_list, escape
from profmon.report.tables import targets_met_by_municipality

__all__ = ["best_results", "one_line", "overview", "target_counts"]


def target_counts(rows: pd.DataFrame) -> tuple[int, int]:
    """Return (targets met, targets assessed) among engine rows of one group.

    Parameters
    ----------
    rows : pandas.DataFrame
        Engine rows with a nullable ``met`` column, one per indicator; a row
        whose ``met`` is NA (no value, no target, or hidden) is not assessed.

    Returns
    -------
    tuple of int
        The number of rows with ``met`` True and the number with ``met`` known.
    """
    met = rows["met"].astype("boolean")
    return int(met.eq(True).sum()), int(met.notna().sum())


def _rows(ctx: ReportContext, municipality: str | None) -> pd.DataFrame:
    codes = [ind.code for ind in ctx.methodology.indicators_in_effect(ctx.year)]
    if municipality is None:
        rows = ctx.level("region")
    else:
        rows = ctx.level("municipality")
        rows = rows[rows["municipality"] == municipality]
    return rows[rows["indicator"].isin(codes)]


def one_line(data_dir, year: int, municipality: str | None = None) -> str:
    """Return a one-line summary of a report for the index page.

    Parameters
    ----------
    data_dir : str or path-like
        The data folder.
    year : int
        The report year.
    municipality : str, optional
        A municipality; None for the regional report.

    Returns
    -------
    str
        E.g. «330 ОО; целевые значения достигнуты по 15 из 20 показателей».
    """
    ctx = load_context(data_dir, year)
    if municipality is not None:
        municipality = resolve_municipality(municipality)
        schools = int((ctx.schools["municipality"] == municipality).sum())
    else:
        schools = len(ctx.schools)
    met, assessed = target_counts(_rows(ctx, municipality))
    return (
        f"{schools} ОО; целевые значения достигнуты по {met} из {assessed} показателей"
    )


def overview(ctx: ReportContext, municipality: str | None = None) -> Html:
    """Return a paragraph on who took part and how many targets were met.

    Parameters
    ----------
    ctx : ReportContext
        The data of the report year (see
        :func:`~profmon.report.context.load_context`).
    municipality : str, optional
        The municipality of a municipal report, in any spelling
        :func:`~profmon.report.context.resolve_municipality` accepts; None for
        the regional report.

    Returns
    -------
    Html
        The number of schools (for the region also of municipalities and
        whether ГОУ took part), their split by cluster, and how many of the
        assessed indicators in effect met their target.

    Raises
    ------
    ProfmonError
        If `municipality` is not one of the region's municipalities or ГОУ.
    """
    schools = ctx.schools
    if municipality is not None:
        municipality = resolve_municipality(municipality)
        schools = schools[schools["municipality"] == municipality]
    met, assessed = target_counts(_rows(ctx, municipality))
    where = "по региону" if municipality is None else "по муниципальному образованию"
    first = f"В {ctx.year} году в мониторинге приняли участие {len(schools)} ОО"
    if municipality is None:
        names = set(schools["municipality"].astype(str))
        formations = len(names - {STATE_SCHOOLS})
        first += f" {formations} МО" + (" и ГОУ" if STATE_SCHOOLS in names else "")
    clusters = schools["cluster"].astype(str).value_counts()
    split = ", ".join(f"{c} — {clusters[c]}" for c in CLUSTERS if clusters.get(c, 0))
    text = (
        f"<p>{escape(first)} ({escape(split)}). Целевые значения {where} достигнуты "
        f"по {met} из {assessed} оценённых показателей.</p>"
    )
    return Html(text)


def best_results(ctx: ReportContext, top: int = 3) -> Html:
    """Return the municipalities with the largest share of targets met, and clusters.

    Parameters
    ----------
    ctx : ReportContext
        The data of the report year (see
        :func:`~profmon.report.context.load_context`).
    top : int
        How many municipalities to list.

    Returns
    -------
    Html
        The `top` municipalities by share of met targets among assessed ones
        (ties broken by the number met, then by region order; municipalities
        with nothing assessed are left out), then each cluster's met and
        assessed counts.
    """
    summary = targets_met_by_municipality(ctx)
    assessed = summary["met"] + summary["missed"]
    summary = summary.assign(share=summary["met"] / assessed.where(assessed > 0))
    summary = summary.dropna(subset=["share"]).sort_values(
        ["share", "met"], ascending=False, kind="stable"
    )
    leaders = [
        f"{row.municipality}: достигнуто {row.met} из {row.met + row.missed}"
        for row in summary.head(top).itertuples()
    ]
    clusters = ctx.level("cluster")
    lines = []
    for cluster in CLUSTERS:
        rows = clusters[clusters["cluster"].astype(str) == cluster]
        met, assessed_count = target_counts(rows)
        if assessed_count:
            lines.append(f"{cluster}: достигнуто {met} из {assessed_count}")
    return Html(
        "<h4>Муниципальные образования с наибольшей долей достигнутых целевых "
        f"значений</h4>{bullet_list(leaders)}"
        f"<h4>Кластерные группы</h4>{bullet_list(lines)}"
    )

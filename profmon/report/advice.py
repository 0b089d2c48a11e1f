"""Addressed recommendations of a report, laid out like the source document.

The rules live in the methodology file and are applied by
:mod:`profmon.recommendations`; this module picks the rows a report speaks
about and numbers the recommendations by recipient (1. department, 1.1 …).
"""

from __future__ import annotations

import pandas as pd

from profmon.recommendations import Recommendation, recommend
from profmon.report.context import ReportContext, resolve_municipality
from profmon.report.display import Html, bullet_list, escape

__all__ = [
    "as_html",
    "municipality_recommendations",
    "region_recommendations",
    "show_municipality",
    "show_region",
]


def region_recommendations(ctx: ReportContext) -> list[Recommendation]:
    """Return the recommendations fired by the region's and the clusters' misses.

    Parameters
    ----------
    ctx : ReportContext
        The data of the report year (see
        :func:`~profmon.report.context.load_context`).

    Returns
    -------
    list of Recommendation
        Recommendations for the report year, from the region and cluster rows
        after disclosure control, in recipient order.
    """
    rows = pd.concat([ctx.level("region"), ctx.level("cluster")], ignore_index=True)
    return recommend(rows, ctx.methodology, ctx.year)


def municipality_recommendations(
    ctx: ReportContext, municipality: str
) -> list[Recommendation]:
    """Return the recommendations to a municipality's authorities and its schools.

    Parameters
    ----------
    ctx : ReportContext
        The data of the report year (see
        :func:`~profmon.report.context.load_context`).
    municipality : str
        The municipality of the report, in any spelling
        :func:`~profmon.report.context.resolve_municipality` accepts.

    Returns
    -------
    list of Recommendation
        Recommendations fired by the municipality's own misses and those of its
        clusters in the report year, in recipient order.

    Raises
    ------
    ProfmonError
        If `municipality` is not one of the region's municipalities or ГОУ.
    """
    municipality = resolve_municipality(municipality)
    rows = pd.concat(
        [ctx.level("municipality"), ctx.level("municipality_cluster")],
        ignore_index=True,
    )
    rows = rows[rows["municipality"] == municipality]
    return recommend(rows, ctx.methodology, ctx.year, municipality=municipality)


def as_html(recommendations: list[Recommendation]) -> Html:
    """Lay out recommendations numbered by recipient, each with its evidence.

    Parameters
    ----------
    recommendations : list of Recommendation
        Recommendations in recipient order, as :func:`region_recommendations`
        or :func:`municipality_recommendations` return them.

    Returns
    -------
    Html
        A heading per recipient numbered 1, 2 …, under it each recommendation
        numbered 1.1, 1.2 … with its deadline and the missed targets behind it;
        a single sentence saying there are none when the list is empty.
    """
    if not recommendations:
        return Html(
            "<p>Все оценённые целевые значения достигнуты: рекомендаций нет.</p>"
        )
    parts, numbers = [], {}
    for rec in recommendations:
        if rec.addressee_ru not in numbers:
            numbers[rec.addressee_ru] = [len(numbers) + 1, 0]
            parts.append(
                f"<h3>{numbers[rec.addressee_ru][0]}. {escape(rec.addressee_ru)}</h3>"
            )
        numbers[rec.addressee_ru][1] += 1
        major, minor = numbers[rec.addressee_ru]
        due = f" Срок — {escape(rec.due_ru)}." if rec.due_ru else ""
        evidence = bullet_list([item.text_ru for item in rec.evidence])
        parts.append(
            f'<div class="recommendation"><p><strong>{major}.{minor}.</strong> '
            f"{escape(rec.text_ru)}{due}</p>"
            f"<p><small>Основание (целевое значение не достигнуто):</small></p>"
            f"{evidence}</div>"
        )
    return Html("\n".join(parts))


def show_region(ctx: ReportContext) -> Html:
    """Return the regional report's recommendations, ready to display.

    Parameters
    ----------
    ctx : ReportContext
        The data of the report year (see
        :func:`~profmon.report.context.load_context`).

    Returns
    -------
    Html
        :func:`as_html` of :func:`region_recommendations`.
    """
    return as_html(region_recommendations(ctx))


def show_municipality(ctx: ReportContext, municipality: str) -> Html:
    """Return a municipal report's recommendations, ready to display.

    Parameters
    ----------
    ctx : ReportContext
        The data of the report year (see
        :func:`~profmon.report.context.load_context`).
    municipality : str
        The municipality of the report, in any spelling
        :func:`~profmon.report.context.resolve_municipality` accepts.

    Returns
    -------
    Html
        :func:`as_html` of :func:`municipality_recommendations`.

    Raises
    ------
    ProfmonError
        If `municipality` is not one of the region's municipalities or ГОУ.
    """
    return as_html(municipality_recommendations(ctx, municipality))

"""Targets met and missed, listed from the indicator tables (never by hand)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from profmon.report.context import ReportContext, resolve_municipality
from profmon.report.display import bullet_list, escape, value_text
from profmon.report.tables import target_text

__all__ = ["TargetLists", "municipality_targets", "region_targets", "target_lists"]


@dataclass(frozen=True)
class TargetLists:
    """Indicators whose target was met, missed, or could not be assessed.

    Parameters
    ----------
    met, missed, not_assessed : tuple of str
        One line per indicator: its name, value and target.
    """

    met: tuple[str, ...]
    missed: tuple[str, ...]
    not_assessed: tuple[str, ...] = ()

    def _repr_html_(self) -> str:
        parts = []
        for title, items in (
            ("Целевое значение достигнуто", self.met),
            ("Целевое значение не достигнуто", self.missed),
            ("Нет оценки", self.not_assessed),
        ):
            if items:
                parts.append(
                    f"<h4>{escape(title)} ({len(items)})</h4>{bullet_list(items)}"
                )
        if not parts:
            parts.append("<p>Нет показателей для оценки.</p>")
        return "\n".join(parts)


def target_lists(rows: pd.DataFrame, methodology, year: int) -> TargetLists:
    """Sort one group's indicators by whether their target was met.

    Parameters
    ----------
    rows : pandas.DataFrame
        Engine rows of one group and year (``indicator``, ``value``, ``met``
        and, optionally, ``suppressed``).
    methodology : Methodology
        For names, targets and the order of indicators.
    year : int
        Only indicators in effect that year are listed.

    Returns
    -------
    TargetLists
        Lines like «доля … — 83 % (целевое значение 90 %)», in edition order.
    """
    by_code = {row.indicator: row for row in rows.itertuples()}
    met, missed, open_ = [], [], []
    for indicator in methodology.indicators_in_effect(year):
        row = by_code.get(indicator.code)
        hidden = row is not None and bool(getattr(row, "suppressed", False))
        value = None if row is None else row.value
        line = (
            f"{indicator.name_ru} — "
            f"{value_text(value, indicator.precision, suppressed=hidden)} "
            f"(целевое значение {target_text(indicator)})"
        )
        flag = None if row is None else row.met
        if flag is None or pd.isna(flag):
            open_.append(line)
        elif bool(flag):
            met.append(line)
        else:
            missed.append(line)
    return TargetLists(tuple(met), tuple(missed), tuple(open_))


def region_targets(ctx: ReportContext) -> TargetLists:
    """Return the region's targets met and missed in the report year.

    Parameters
    ----------
    ctx : ReportContext
        The data of the report year (see
        :func:`~profmon.report.context.load_context`).

    Returns
    -------
    TargetLists
        The region's indicators in effect, sorted by :func:`target_lists`.
    """
    return target_lists(ctx.level("region"), ctx.methodology, ctx.year)


def municipality_targets(ctx: ReportContext, municipality: str) -> TargetLists:
    """Return a municipality's targets met and missed in the report year.

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
    TargetLists
        The municipality's indicators in effect, sorted by :func:`target_lists`;
        a value hidden by disclosure control is listed as not assessed.

    Raises
    ------
    ProfmonError
        If `municipality` is not one of the region's municipalities or ГОУ.
    """
    municipality = resolve_municipality(municipality)
    rows = ctx.level("municipality")
    rows = rows[rows["municipality"] == municipality]
    return target_lists(rows, ctx.methodology, ctx.year)

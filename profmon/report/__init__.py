"""The content of the reports: tables, charts and texts built from the data.

A report notebook calls, in order: :func:`setup`, :func:`load` (the year's
data, read once per process), :func:`heading`, then functions of
:mod:`~profmon.report.tables`, :mod:`~profmon.report.municipal`,
:mod:`~profmon.report.charts`, :mod:`~profmon.report.targets`,
:mod:`~profmon.report.advice`, :mod:`~profmon.report.summary` and
:mod:`~profmon.report.appendix`, each returning an object the notebook shows.
"""

from __future__ import annotations

import logging

from profmon.errors import ProfmonError
from profmon.report.context import (
    ReportContext,
    load_context,
    resolve_municipality,
)
from profmon.report.display import Html, escape

__all__ = ["heading", "load", "setup", "title"]

log = logging.getLogger(__name__)

_STATE_SCHOOLS = "ГОУ"


def title(year: int, municipality: str | None = None) -> str:
    """Return the title of a report, in Russian.

    Parameters
    ----------
    year : int
        Monitoring year.
    municipality : str, optional
        Municipality of a municipal report; None for the regional report.

    Returns
    -------
    str
        E.g. «Мониторинг профориентации обучающихся, 2022 год: Ярославская
        область» or «…: Рыбинск».
    """
    from profmon.methodology import load_methodology

    if municipality is None:
        where = load_methodology(year).region_ru or "регион"
    else:
        where = resolve_municipality(municipality)
        if where == _STATE_SCHOOLS:
            where = "государственные общеобразовательные организации (ГОУ)"
    return f"Мониторинг профориентации обучающихся, {int(year)} год: {where}"


def setup() -> None:
    """Fix the plotting style and pandas display, for identical output every run.

    Charts are drawn under :func:`profmon.report.charts.theme` whatever the
    global settings; this also applies it globally, for anything a reader
    plots in the same kernel, and stops pandas truncating displayed frames.
    """
    import matplotlib as mpl
    import pandas as pd

    from profmon.report.charts import theme

    mpl.rcParams.update(theme())
    pd.set_option("display.max_columns", None)
    pd.set_option("display.max_rows", 500)


def load(data_dir, year: int, municipality: str | None = None) -> ReportContext:
    """Load a report's data (memoised) and record its parameters.

    Parameters
    ----------
    data_dir : str or path-like
        The data folder, absolute or relative to the working folder.
    year : int
        The report year.
    municipality : str, optional
        The municipality of a municipal report.

    Returns
    -------
    ReportContext
        See :func:`profmon.report.context.load_context`.

    Raises
    ------
    ProfmonError
        If the data are missing, or the municipality has no school that year.
    """
    parameters = {"year": year, "data_dir": str(data_dir)}
    if municipality is not None:
        parameters["municipality"] = municipality
    context = load_context(data_dir, int(year), parameters=parameters)
    if municipality is not None:
        name = resolve_municipality(municipality)
        if name not in context.municipalities():
            raise ProfmonError(
                f"В данных за {year} год нет ни одной ОО муниципального "
                f"образования «{name}»."
            )
    return context


def heading(ctx: ReportContext, municipality: str | None = None) -> Html:
    """Return the report's title and subtitle, as HTML.

    Parameters
    ----------
    ctx : ReportContext
        The report's data.
    municipality : str, optional
        The municipality of a municipal report (any usual spelling).
    """
    name = None if municipality is None else resolve_municipality(municipality)
    kind = "Региональный отчёт" if name is None else "Отчёт муниципального образования"
    subtitle = f"{kind}. {ctx.methodology.title_ru}, {ctx.year} год."
    return Html(
        f"<h1>{escape(title(ctx.year, name))}</h1>"
        f'<p class="subtitle">{escape(subtitle)}</p>'
    )

"""The municipalities side by side: a heatmap of distance to target."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from profmon.numbers import MISSING
from profmon.report.charts import _label, _png, _shown, _wrap, style
from profmon.report.context import ReportContext
from profmon.report.display import Image

__all__ = ["distance_to_target", "municipality_heatmap"]


def distance_to_target(ctx: ReportContext) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return, per municipality × indicator, distance to target and cell label.

    Rows are the municipalities with schools in the report year, in the
    region's order; columns are the short labels of the indicators in effect.

    Parameters
    ----------
    ctx : ReportContext
        The data of the report year (see
        :func:`~profmon.report.context.load_context`).

    Returns
    -------
    distance : pandas.DataFrame
        Shown (rounded) value minus target in percentage points, sign turned
        for indicators where lower is better, so positive is always better;
        NaN where there is no value, no target, or the value is hidden.
    labels : pandas.DataFrame
        What each cell prints: the value without «%», «—» or «c».
    """
    indicators = ctx.methodology.indicators_in_effect(ctx.year)
    rows = ctx.level("municipality")
    municipalities = list(ctx.municipalities())
    columns = [ind.label_ru for ind in indicators]
    distance = pd.DataFrame(np.nan, index=municipalities, columns=columns)
    labels = pd.DataFrame(MISSING, index=municipalities, columns=columns)
    for indicator in indicators:
        part = rows[rows["indicator"] == indicator.code]
        for row in part.itertuples():
            if row.municipality not in distance.index:
                continue
            if row.suppressed:
                labels.loc[row.municipality, indicator.label_ru] = "c"
                continue
            shown = _shown(row.value, indicator.precision)
            labels.loc[row.municipality, indicator.label_ru] = _label(
                shown, indicator.precision
            )
            if indicator.target is not None and not math.isnan(shown):
                sign = 1 if indicator.direction == "higher" else -1
                distance.loc[row.municipality, indicator.label_ru] = sign * (
                    shown - indicator.target
                )
    return distance, labels


def municipality_heatmap(ctx: ReportContext) -> Image:
    """Return a heatmap of municipalities × indicators coloured by distance to target.

    Parameters
    ----------
    ctx : ReportContext
        The data of the report year (see
        :func:`~profmon.report.context.load_context`).

    Returns
    -------
    Image
        Cells print the labels of :func:`distance_to_target` and are coloured by
        its distance, clipped to ±40 percentage points; cells with no distance
        are grey.
    """
    distance, labels = distance_to_target(ctx)
    limit = 40
    with style():
        figure = Figure(
            figsize=(0.62 * distance.shape[1] + 3, 0.36 * len(distance) + 2.5)
        )
        axes = figure.subplots()
        axes.set_facecolor("#e6e6e6")
        with warnings.catch_warnings():
            # seaborn 0.13 calls a colormap method matplotlib plans to rename
            warnings.simplefilter("ignore", PendingDeprecationWarning)
            sns.heatmap(
                distance.clip(-limit, limit),
                ax=axes,
                cmap="RdYlGn",
                center=0,
                vmin=-limit,
                vmax=limit,
                linewidths=0.5,
                linecolor="white",
                cbar_kws={
                    "label": "отклонение от целевого значения, п. п.",
                    "shrink": 0.6,
                },
            )
        axes.grid(False)
        for i in range(labels.shape[0]):
            for j in range(labels.shape[1]):
                axes.text(
                    j + 0.5,
                    i + 0.5,
                    labels.iat[i, j],
                    ha="center",
                    va="center",
                    fontsize=7,
                )
        axes.set_xticks(
            np.arange(labels.shape[1]) + 0.5, [_wrap(c, 22) for c in labels.columns]
        )
        axes.tick_params(axis="x", labelrotation=90)
        axes.tick_params(axis="y", labelrotation=0)
        axes.set_xlabel("")
        axes.set_ylabel("")
        png = _png(figure)
    return Image(
        png=png,
        alt=(
            f"Тепловая карта: муниципальные образования по строкам, показатели по "
            f"столбцам, {ctx.year} г. В ячейке — значение показателя в процентах; "
            "цвет — отклонение от целевого значения."
        ),
        caption=(
            "В ячейке — значение, %. Цвет — отклонение от целевого значения в "
            f"процентных пунктах (значение − цель), ограничено ±{limit} п. п.: "
            "зелёный — цель достигнута с запасом, жёлтый — около цели, красный — "
            "ниже цели. Серый — нет данных («—») или значение скрыто («c»)."
        ),
    )

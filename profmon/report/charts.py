"""Charts of the reports, drawn with matplotlib and seaborn into inline PNGs.

Figures are made without pyplot (no global state, nothing shown twice in a
notebook) under a fixed style, and saved without metadata, so the same data
give the same bytes. Values hidden by disclosure control are never drawn.
"""

from __future__ import annotations

import contextlib
import io
import math
import textwrap

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from profmon.clusters import CLUSTERS
from profmon.numbers import MISSING, round_half_up
from profmon.report.context import ReportContext, resolve_municipality
from profmon.report.display import Image, Stack

__all__ = [
    "STYLE",
    "block_charts",
    "cluster_chart",
    "municipality_trend",
    "region_trend",
    "style",
    "theme",
]

#: Matplotlib settings every chart is drawn under.
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "svg.hashsalt": "profmon",
}


def theme() -> dict:
    """Return every Matplotlib setting the charts are drawn under.

    Matplotlib's defaults, seaborn's ``whitegrid`` style and ``notebook``
    context, then :data:`STYLE`: the same whatever a kernel set before, so
    the same data give the same pixels.
    """
    return {
        **sns.axes_style("whitegrid"),
        **sns.plotting_context("notebook"),
        **STYLE,
    }


@contextlib.contextmanager
def style():
    """Draw under :func:`theme`, restoring the caller's settings afterwards.

    Yields
    ------
    None
        Control passes to the ``with`` block once Matplotlib's settings are
        reset to its defaults and updated with :func:`theme`.
    """
    with mpl.rc_context():
        mpl.rcdefaults()
        mpl.rcParams.update(theme())
        yield


_COLOURS = dict(
    zip([*CLUSTERS, "Регион"], sns.color_palette("colorblind", 5), strict=True)
)
_PERCENT = FuncFormatter(lambda value, _: f"{value:g}".replace(".", ","))


def _png(figure: Figure, tight: bool = True) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(
        buffer,
        format="png",
        bbox_inches="tight" if tight else None,
        metadata={"Software": None},
    )
    return buffer.getvalue()


def _wrap(text: str, width: int = 18) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _shown(value, precision: int) -> float:
    """Return the value as a reader sees it (rounded as published), NaN if none."""
    if value is None or pd.isna(value):
        return math.nan
    return float(round_half_up(float(value), precision))


def _label(value: float, precision: int) -> str:
    if math.isnan(value):
        return MISSING
    return f"{value:.{precision}f}".replace(".", ",")


def cluster_chart(ctx: ReportContext, block: str) -> Image:
    """Return bars of КГ1–КГ4 and the region per indicator of a block, targets marked.

    Parameters
    ----------
    ctx : ReportContext
        The data of the report year (see
        :func:`~profmon.report.context.load_context`).
    block : str
        Block code, a key of the edition's ``blocks`` (``"basic"``, say).

    Returns
    -------
    Image
        One group of five bars per indicator of the block in effect in the
        report year, values rounded as published (a missing value draws no
        bar), each target a black line across its group.
    """
    indicators = [
        ind
        for ind in ctx.methodology.indicators_in_effect(ctx.year)
        if ind.block == block
    ]
    clusters = ctx.level("cluster")
    region = ctx.level("region").set_index("indicator")
    groups = [*CLUSTERS, "Регион"]
    width = 0.8 / len(groups)
    with style():
        figure = Figure(figsize=(max(6.0, 1.9 * len(indicators) + 1.5), 4.0))
        axes = figure.subplots()
        for position, group in enumerate(groups):
            heights = []
            for indicator in indicators:
                if group == "Регион":
                    value = region.loc[indicator.code, "value"]
                else:
                    match = clusters[
                        (clusters["indicator"] == indicator.code)
                        & (clusters["cluster"].astype(str) == group)
                    ]
                    value = match["value"].iloc[0] if len(match) else math.nan
                heights.append(_shown(value, indicator.precision))
            offsets = np.arange(len(indicators)) + (position - 2) * width
            axes.bar(offsets, heights, width=width, label=group, color=_COLOURS[group])
        for n, indicator in enumerate(indicators):
            if indicator.target is not None:
                axes.hlines(
                    indicator.target,
                    n - 0.45,
                    n + 0.45,
                    colors="black",
                    linewidth=1.8,
                    label="Целевое значение" if n == 0 else None,
                )
        axes.set_xticks(
            range(len(indicators)), [_wrap(i.label_ru, 16) for i in indicators]
        )
        axes.set_ylabel("%")
        axes.yaxis.set_major_formatter(_PERCENT)
        axes.set_ylim(0, 105)
        axes.legend(
            ncols=6, loc="upper center", bbox_to_anchor=(0.5, -0.22), frameon=False
        )
        png = _png(figure)
    title = ctx.methodology.blocks[block]
    return Image(
        png=png,
        alt=(
            f"Столбчатая диаграмма: показатели блока «{title}» по кластерным группам "
            f"КГ1–КГ4 и по региону в {ctx.year} г.; чёрные отрезки — целевые значения."
        ),
        caption=(
            f"Кластерные группы и регион, {ctx.year} г.; чёрная черта — целевое "
            "значение."
        ),
    )


def _years_chart(indicators, values: dict, years, reference=None) -> Figure:
    """One row per indicator: each year's value as a dot, joined oldest to newest.

    Earlier years are hollow grey dots, the last year a filled dot with its
    value; the target is a red tick; `reference` (name, {code: value}) adds a
    black diamond (the region beside a municipality). One axes and one artist
    per kind of mark: it draws several times faster than a panel per
    indicator, which matters when twenty municipal reports are rendered.
    """
    last = years[-1]
    rows = np.arange(len(indicators))[::-1].astype(float)
    grid = np.array(
        [
            [_shown(values.get((ind.code, year)), ind.precision) for year in years]
            for ind in indicators
        ]
    ).reshape(len(indicators), len(years))
    figure = Figure(figsize=(9.0, 0.36 * len(indicators) + 1.2))
    axes = figure.subplots()
    segments = [
        [(np.nanmin(line), row), (np.nanmax(line), row)]
        for line, row in zip(grid, rows, strict=True)
        if np.isfinite(line).sum() > 1
    ]
    axes.add_collection(LineCollection(segments, colors="#9a9a9a", linewidths=1.2))
    earlier = grid[:, :-1].ravel()
    axes.plot(
        earlier,
        np.repeat(rows, len(years) - 1),
        "o",
        color="#9a9a9a",
        markerfacecolor="white",
        label=", ".join(map(str, years[:-1])),
    )
    axes.plot(grid[:, -1], rows, "o", color=_COLOURS["КГ1"], label=str(last))
    targets = [np.nan if ind.target is None else ind.target for ind in indicators]
    axes.plot(targets, rows, "|", color="#b42318", markersize=12, mew=2, label="цель")
    if reference is not None:
        marks = [
            _shown(reference[1].get(ind.code), ind.precision) for ind in indicators
        ]
        axes.plot(
            marks,
            rows,
            "D",
            color="black",
            markersize=4,
            label=f"{reference[0]}, {last}",
        )
    for row, value, ind in zip(rows, grid[:, -1], indicators, strict=True):
        if np.isfinite(value):
            axes.text(value + 1.5, row + 0.18, _label(value, ind.precision), fontsize=7)
    axes.set_yticks(rows, [_wrap(ind.label_ru, 30) for ind in indicators])
    axes.set_xlim(0, 108)
    axes.set_ylim(-0.7, len(indicators) - 0.3)
    axes.xaxis.set_major_formatter(_PERCENT)
    axes.set_xlabel("%")
    axes.grid(axis="y", visible=False)
    handles, labels = axes.get_legend_handles_labels()
    if len(years) == 1:
        handles, labels = handles[1:], labels[1:]
    axes.legend(
        handles,
        labels,
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncols=len(handles),
        frameon=False,
    )
    height = figure.get_figheight()
    figure.subplots_adjust(
        left=0.33, right=0.98, top=1 - 0.45 / height, bottom=0.5 / height
    )
    return figure


def _values(table: pd.DataFrame) -> dict:
    shown = table[~table.get("suppressed", False)]
    return {(row.indicator, int(row.year)): row.value for row in shown.itertuples()}


def region_trend(ctx: ReportContext, block: str) -> Image:
    """Chart the region's value of each indicator of a block over all years.

    Parameters
    ----------
    ctx : ReportContext
        The data of the report year (see
        :func:`~profmon.report.context.load_context`).
    block : str
        Block code, a key of the edition's ``blocks`` (``"basic"``, say).

    Returns
    -------
    Image
        One row per indicator of the block in effect in the report year: a dot
        per year of the panel, earlier years hollow, the report year filled and
        labelled, the target a red tick.
    """
    indicators = [
        ind
        for ind in ctx.methodology.indicators_in_effect(ctx.year)
        if ind.block == block
    ]
    values = _values(ctx.indicators["region"])
    with style():
        png = _png(_years_chart(indicators, values, list(ctx.years)), tight=False)
    years = f"{ctx.years[0]}–{ctx.years[-1]}" if len(ctx.years) > 1 else str(ctx.year)
    return Image(
        png=png,
        alt=(
            f"Точечная диаграмма: значения показателей блока "
            f"«{ctx.methodology.blocks[block]}» по региону за {years} гг.; "
            "красная черта — целевое значение."
        ),
        caption=(
            f"Динамика по региону, {years} гг.: полые точки — прошлые годы, "
            "закрашенная — последний; красная черта — целевое значение."
        ),
    )


def block_charts(ctx: ReportContext) -> Stack:
    """Return, for each block, its title, the cluster chart and the region's trend.

    Parameters
    ----------
    ctx : ReportContext
        The data of the report year (see
        :func:`~profmon.report.context.load_context`).

    Returns
    -------
    Stack
        Blocks in the edition's order, skipping a block with no indicator in
        effect in the report year; each is its Russian title,
        :func:`cluster_chart` and :func:`region_trend`.
    """
    items = []
    blocks = {ind.block for ind in ctx.methodology.indicators_in_effect(ctx.year)}
    for block, title in ctx.methodology.blocks.items():
        if block in blocks:
            items += [title, cluster_chart(ctx, block), region_trend(ctx, block)]
    return Stack(tuple(items))


def municipality_trend(ctx: ReportContext, municipality: str) -> Image:
    """Chart a municipality's value of every indicator by year, with the region.

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
    Image
        One row per indicator in effect in the report year: the municipality's
        value in each year of the panel (values hidden by disclosure control are
        not drawn), the region's value in the report year as a black diamond,
        the target as a red tick.

    Raises
    ------
    ProfmonError
        If `municipality` is not one of the region's municipalities or ГОУ.
    """
    municipality = resolve_municipality(municipality)
    indicators = ctx.methodology.indicators_in_effect(ctx.year)
    table = ctx.indicators["municipality"]
    own = _values(table[table["municipality"] == municipality])
    region = ctx.level("region")
    reference = ("регион", dict(zip(region["indicator"], region["value"], strict=True)))
    with style():
        png = _png(
            _years_chart(indicators, own, list(ctx.years), reference), tight=False
        )
    return Image(
        png=png,
        alt=(
            f"Точечная диаграмма: значения показателей МО «{municipality}» по годам "
            f"{', '.join(map(str, ctx.years))} и региона за {ctx.year} г.; красная "
            "черта — целевое значение."
        ),
        caption=(
            "Динамика показателей МО: полые точки — прошлые годы, закрашенная — "
            f"{ctx.year} г.; ромб — регион; красная черта — целевое значение."
        ),
    )

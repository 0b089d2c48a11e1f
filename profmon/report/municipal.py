"""Tables of a municipal report, and the municipal sheets of the workbook.

A municipality is compared with the region, with the schools of the same
cluster elsewhere in the region (pooled over the schools of that cluster
outside the municipality) and with the targets. Counts and shares of pupils
with ОВЗ or disability go through disclosure control
(:mod:`profmon.disclosure`).
"""

from __future__ import annotations

import pandas as pd

from profmon.clusters import CLUSTERS, total_pupils
from profmon.disclosure import (
    SUPPRESSED,
    hidden_shares,
    protect_count_table,
    sensitive_parts,
)
from profmon.engine import compute_indicators
from profmon.numbers import format_count
from profmon.report.context import ReportContext, resolve_municipality
from profmon.report.display import Table, value_text
from profmon.report.tables import LEGEND, rounded, status, target_text

__all__ = [
    "comparison",
    "contingent",
    "indicators_by_municipality",
    "protected_counts",
    "rest_of_region",
    "school_list",
    "schools_export",
    "schools_table",
    "sensitive_counts_export",
]

_SENSITIVE_MEASURES = {
    "pupils_ovz": "Обучающихся с ОВЗ",
    "pupils_disabled": "Обучающихся с инвалидностью",
}


def _schools(ctx: ReportContext, municipality: str) -> pd.DataFrame:
    schools = ctx.schools
    return schools[schools["municipality"] == municipality]


def school_list(ctx: ReportContext, municipality: str) -> Table:
    """List the municipality's schools, their clusters and pupils.

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
    Table
        One row per school of the report year, by cluster then name: code,
        name, type, cluster and pupils in grades 1–11; the export keeps the
        pupils as numbers.

    Raises
    ------
    ProfmonError
        If `municipality` is not one of the region's municipalities or ГОУ.
    """
    municipality = resolve_municipality(municipality)
    schools = _schools(ctx, municipality).sort_values(["cluster", "school_name"])
    export = pd.DataFrame(
        {
            "Код ОО": schools["school_id"].astype(str),
            "Наименование ОО": schools["school_name"].astype(str),
            "Тип ОО": schools["school_type"].astype(str),
            "КГ": schools["cluster"].astype(str),
            "Обучающихся": total_pupils(schools).astype("int64"),
        }
    ).reset_index(drop=True)
    text = export.assign(Обучающихся=export["Обучающихся"].map(format_count))
    return Table(
        text=text,
        caption=f"ОО муниципального образования «{municipality}» в мониторинге "
        f"{ctx.year} г.: {len(schools)}",
        row_headers=2,
        export=export,
    )


def protected_counts(ctx: ReportContext, measure: str):
    """Return a sensitive count by municipality × cluster and what to hide.

    Parameters
    ----------
    ctx : ReportContext
        The report's data.
    measure : str
        ``pupils_ovz`` or ``pupils_disabled``.

    Returns
    -------
    values, hidden : pandas.DataFrame
        Municipalities by clusters with an «ИТОГО» row and column (see
        :func:`profmon.disclosure.protect_count_table`). The whole region's
        table is protected at once, so every report hides the same cells and
        no two reports together reveal more than one.
    """
    schools = ctx.schools
    cells = (
        schools.pivot_table(
            index="municipality",
            columns="cluster",
            values=measure,
            aggfunc="sum",
            observed=False,
        )
        .reindex(index=list(ctx.municipalities()), columns=list(CLUSTERS))
        .fillna(0)
    )
    cells.columns = [str(column) for column in cells.columns]
    return protect_count_table(cells, ctx.methodology.disclosure_min_count)


def contingent(ctx: ReportContext, municipality: str) -> Table:
    """Count the municipality's schools and pupils by cluster, small counts hidden.

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
    Table
        One row per cluster the municipality has and a total row: schools,
        pupils, pupils with ОВЗ and with disability; the last two show «c»
        where :func:`protected_counts` hides the cell.

    Raises
    ------
    ProfmonError
        If `municipality` is not one of the region's municipalities or ГОУ.
    """
    municipality = resolve_municipality(municipality)
    schools = _schools(ctx, municipality)
    clusters = [c for c in CLUSTERS if (schools["cluster"] == c).any()]
    labels = [*clusters, "ИТОГО"]
    pupils = total_pupils(schools).groupby(schools["cluster"], observed=True).sum()
    count = schools.groupby("cluster", observed=True).size()
    text = {
        "КГ": [*clusters, "Всего по МО"],
        "Число ОО": [format_count(count.get(c, 0)) for c in clusters]
        + [format_count(len(schools))],
        "Обучающихся": [format_count(pupils.get(c, 0)) for c in clusters]
        + [format_count(pupils.sum())],
    }
    for measure, title in _SENSITIVE_MEASURES.items():
        values, hidden = protected_counts(ctx, measure)
        text[title] = [
            SUPPRESSED
            if hidden.loc[municipality, c]
            else format_count(values.loc[municipality, c])
            for c in labels
        ]
    return Table(
        text=pd.DataFrame(text),
        caption=f"Контингент по кластерным группам, {ctx.year} г.",
        notes=(
            "«c» — число меньше порога раскрытия или скрыто, чтобы его нельзя "
            "было вычислить из итогов.",
        ),
    )


def rest_of_region(ctx: ReportContext, municipality: str) -> pd.DataFrame:
    """Compute each cluster's indicators pooled over the schools outside a municipality.

    Parameters
    ----------
    ctx : ReportContext
        The data of the report year (see
        :func:`~profmon.report.context.load_context`).
    municipality : str
        Canonical name of the municipality to leave out (it is not resolved
        here: a name no school has leaves every school in).

    Returns
    -------
    pandas.DataFrame
        Engine rows at cluster level for the report year, with ``suppressed``
        by the share rule of :mod:`profmon.disclosure`.
    """
    others = ctx.schools[ctx.schools["municipality"] != municipality]
    if others.empty:
        return ctx.level("cluster").iloc[0:0].assign(suppressed=False)
    table = compute_indicators(others, ctx.methodology, by="cluster")
    top, bottom = sensitive_parts(ctx.methodology)
    table["suppressed"] = hidden_shares(
        table["numerator"],
        table["denominator"],
        ctx.methodology.disclosure_min_count,
        sensitive_numerator=table["indicator"].isin(top).to_numpy(),
        sensitive_denominator=table["indicator"].isin(bottom).to_numpy(),
    )
    table["met"] = table["met"].astype("boolean").mask(table["suppressed"])
    return table


def _pick(table: pd.DataFrame, **where) -> dict:
    rows = table
    for column, value in where.items():
        rows = rows[rows[column].astype(str) == value]
    return {row.indicator: row for row in rows.itertuples()}


def comparison(ctx: ReportContext, municipality: str) -> Table:
    """Compare the municipality's indicators with targets, region and its clusters.

    Columns: target; the municipality this year and last; the region; then,
    for each cluster the municipality has, its schools of that cluster and
    the schools of the same cluster in the rest of the region.

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
    Table
        One row per indicator in effect under a section row per block, values
        marked met or missed; values hidden by disclosure control show «c».

    Raises
    ------
    ProfmonError
        If `municipality` is not one of the region's municipalities or ГОУ.
    """
    municipality = resolve_municipality(municipality)
    mine = _pick(ctx.level("municipality"), municipality=municipality)
    region = _pick(ctx.level("region"))
    own_clusters = ctx.level("municipality_cluster")
    own_clusters = own_clusters[own_clusters["municipality"] == municipality]
    clusters = [c for c in CLUSTERS if (own_clusters["cluster"].astype(str) == c).any()]
    rest = rest_of_region(ctx, municipality)
    columns = {
        ("Показатель", ""): None,
        ("Целевое значение", ""): None,
        ("МО", f"{ctx.year} г."): None,
        ("МО", f"{ctx.previous_year} г."): None,
        ("Регион", f"{ctx.year} г."): None,
    }
    for cluster in clusters:
        columns[(cluster, "ОО МО")] = None
        columns[(cluster, "остальные ОО региона")] = None

    own_by_cluster = {c: _pick(own_clusters, cluster=c) for c in clusters}
    rest_by_cluster = {c: _pick(rest, cluster=c) for c in clusters}
    text_rows, marks_rows, sections, block = [], [], {}, None
    for indicator in ctx.methodology.indicators_in_effect(ctx.year):
        if indicator.block != block:
            block = indicator.block
            sections[len(text_rows)] = ctx.methodology.blocks[block]
        code, digits = indicator.code, indicator.precision
        text = {("Показатель", ""): indicator.name_ru}
        marks = {("Показатель", ""): ""}
        text[("Целевое значение", "")] = target_text(indicator)
        marks[("Целевое значение", "")] = ""
        own = mine.get(code)
        cells = [
            (("МО", f"{ctx.year} г."), own, "value", "met", "suppressed"),
            (
                ("МО", f"{ctx.previous_year} г."),
                own,
                "previous_value",
                "previous_met",
                "previous_suppressed",
            ),
            (("Регион", f"{ctx.year} г."), region.get(code), "value", "met", None),
        ]
        for cluster in clusters:
            in_mun = own_by_cluster[cluster].get(code)
            elsewhere = rest_by_cluster[cluster].get(code)
            cells.append(((cluster, "ОО МО"), in_mun, "value", "met", "suppressed"))
            cells.append(
                (
                    (cluster, "остальные ОО региона"),
                    elsewhere,
                    "value",
                    "met",
                    "suppressed",
                )
            )
        for key, row, value, met, hidden in cells:
            suppressed = (
                bool(getattr(row, hidden)) if row is not None and hidden else False
            )
            shown = None if row is None else getattr(row, value)
            text[key] = value_text(shown, digits, suppressed=suppressed)
            marks[key] = "" if row is None or suppressed else status(getattr(row, met))
        text_rows.append(text)
        marks_rows.append(marks)
    index = pd.MultiIndex.from_tuples(list(columns))
    text = pd.DataFrame(text_rows).reindex(columns=index)
    text.columns = pd.MultiIndex.from_tuples(
        [(upper, lower or upper) for upper, lower in index]
    )
    marks = pd.DataFrame(marks_rows).reindex(columns=index).fillna("")
    return Table(
        text=text,
        status=marks,
        sections=sections,
        caption=(
            f"Показатели МО «{municipality}» в сравнении с целевыми значениями, "
            "регионом и ОО тех же кластерных групп в остальном регионе"
        ),
        notes=(LEGEND,),
    )


def _school_rows(ctx: ReportContext, municipality: str | None = None) -> pd.DataFrame:
    rows = ctx.level("school")
    if municipality is not None:
        rows = rows[rows["municipality"] == municipality]
    return rows


def schools_table(ctx: ReportContext, municipality: str) -> Table:
    """Return school × indicator values (percent) of a municipality, targets marked.

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
    Table
        One row per school of the report year, by cluster then name, one column
        per indicator in effect; «c» where disclosure control hides a value.

    Raises
    ------
    ProfmonError
        If `municipality` is not one of the region's municipalities or ГОУ.
    """
    municipality = resolve_municipality(municipality)
    rows = _school_rows(ctx, municipality)
    schools = _schools(ctx, municipality).sort_values(["cluster", "school_name"])
    indicators = ctx.methodology.indicators_in_effect(ctx.year)
    by_school = {key: _pick(part) for key, part in rows.groupby("school_id")}
    text_rows, marks_rows = [], []
    for school in schools.itertuples():
        values = by_school.get(school.school_id, {})
        text = {"ОО": school.school_name, "КГ": str(school.cluster)}
        marks = {"ОО": "", "КГ": ""}
        for indicator in indicators:
            row = values.get(indicator.code)
            hidden = bool(row.suppressed) if row is not None else False
            text[indicator.label_ru] = value_text(
                None if row is None else row.value,
                indicator.precision,
                suppressed=hidden,
            )
            marks[indicator.label_ru] = "" if row is None or hidden else status(row.met)
        text_rows.append(text)
        marks_rows.append(marks)
    return Table(
        text=pd.DataFrame(text_rows),
        status=pd.DataFrame(marks_rows),
        caption=f"Показатели ОО муниципального образования «{municipality}», "
        f"{ctx.year} г., %",
        notes=(LEGEND,),
        row_headers=2,
    )


def _wide_export(
    rows: pd.DataFrame, ctx: ReportContext, keys: list[str]
) -> pd.DataFrame:
    indicators = ctx.methodology.indicators_in_effect(ctx.year)
    precision = {ind.code: ind.precision for ind in indicators}
    rows = rows[rows["indicator"].isin(precision)]
    shown = [
        SUPPRESSED if hidden else rounded(value, precision[code])
        for code, value, hidden in zip(
            rows["indicator"], rows["value"], rows["suppressed"], strict=True
        )
    ]
    wide = (
        rows.assign(shown=shown)
        .pivot(index=keys, columns="indicator", values="shown")
        .reindex(columns=list(precision))
    )
    wide.columns = [f"{ind.label_ru}, %" for ind in indicators]
    return wide.reset_index()


def indicators_by_municipality(ctx: ReportContext) -> pd.DataFrame:
    """Return municipality × indicator values for the workbook («c» where hidden).

    Parameters
    ----------
    ctx : ReportContext
        The data of the report year (see
        :func:`~profmon.report.context.load_context`).

    Returns
    -------
    pandas.DataFrame
        One row per municipality (region order) with the column «Муниципальное
        образование» and one column per indicator in effect, percentages
        rounded as published.
    """
    wide = _wide_export(ctx.level("municipality"), ctx, ["municipality"])
    order = {name: n for n, name in enumerate(ctx.municipalities())}
    wide = wide.sort_values("municipality", key=lambda s: s.map(order))
    return wide.rename(
        columns={"municipality": "Муниципальное образование"}
    ).reset_index(drop=True)


def schools_export(ctx: ReportContext) -> pd.DataFrame:
    """Return school × indicator values of the region for the workbook.

    Parameters
    ----------
    ctx : ReportContext
        The data of the report year (see
        :func:`~profmon.report.context.load_context`).

    Returns
    -------
    pandas.DataFrame
        One row per school of the report year: municipality, cluster, code and
        name, then one column per indicator in effect, percentages rounded as
        published, «c» where disclosure control hides a value.
    """
    rows = ctx.level("school")
    wide = _wide_export(rows, ctx, ["municipality", "cluster", "school_id"])
    names = ctx.schools.set_index("school_id")["school_name"].astype(str)
    wide.insert(3, "school_name", wide["school_id"].map(names))
    wide["cluster"] = wide["cluster"].astype(str)
    return wide.rename(
        columns={
            "municipality": "Муниципальное образование",
            "cluster": "КГ",
            "school_id": "Код ОО",
            "school_name": "Наименование ОО",
        }
    )


def sensitive_counts_export(ctx: ReportContext) -> pd.DataFrame:
    """Return pupils with ОВЗ and with disability by municipality × cluster, protected.

    Parameters
    ----------
    ctx : ReportContext
        The data of the report year (see
        :func:`~profmon.report.context.load_context`).

    Returns
    -------
    pandas.DataFrame
        One row per municipality and a total row; for each of the two measures a
        column per cluster and a total column, «c» where
        :func:`protected_counts` hides the cell.
    """
    parts = []
    for measure, title in _SENSITIVE_MEASURES.items():
        values, hidden = protected_counts(ctx, measure)
        shown = values.astype(object).mask(hidden, SUPPRESSED)
        shown.columns = [f"{title}, {column}" for column in shown.columns]
        parts.append(shown)
    table = pd.concat(parts, axis=1)
    table.index.name = "Муниципальное образование"
    return table.reset_index()

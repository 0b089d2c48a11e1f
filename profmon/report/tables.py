"""Tables of the regional report, and the Excel workbook of report tables.

Each function takes a :class:`~profmon.report.context.ReportContext` and
returns a :class:`~profmon.report.display.Table`: the figures come from the
engine's tables, formatted the Russian way, with disclosure control applied.
"""

from __future__ import annotations

import pandas as pd

from profmon.clusters import CLUSTERS
from profmon.contingent import TOTAL, contingent_table
from profmon.municipalities import STATE_SCHOOLS
from profmon.numbers import MISSING, format_count, round_half_up
from profmon.report.context import ReportContext, load_context
from profmon.report.display import Table, value_text

__all__ = [
    "LEGEND",
    "contingent",
    "export_tables",
    "indicator_table",
    "municipality_targets",
    "participation",
    "rounded",
    "status",
    "target_text",
    "targets_met_by_municipality",
]

#: Legend printed under tables that mark targets.
LEGEND = (
    "✓ — целевое значение достигнуто, ✗ — не достигнуто; «—» — нет данных; "
    "«c» — не показано: малое число обучающихся с ОВЗ или инвалидностью."
)


def status(met) -> str:
    """Return ``"met"``, ``"missed"`` or ``""`` for a nullable met flag.

    Parameters
    ----------
    met : bool or None
        Whether the target was met, as in the engine's ``met`` column; None or
        NA when it was not assessed.

    Returns
    -------
    str
        A key of :data:`~profmon.report.display.MARKS`, or ``""`` when `met`
        is missing.
    """
    if met is None or pd.isna(met):
        return ""
    return "met" if bool(met) else "missed"


def target_text(indicator) -> str:
    """Return an indicator's target as printed («90 %», «—» when none).

    Parameters
    ----------
    indicator : Indicator
        An indicator of the edition.

    Returns
    -------
    str
        A whole target without decimals, any other with the indicator's
        precision; «—» when the edition sets no target.
    """
    if indicator.target is None:
        return MISSING
    digits = 0 if float(indicator.target).is_integer() else indicator.precision
    return value_text(indicator.target, digits)


def rounded(value, precision: int):
    """Return a value rounded as published, or None (for Excel cells).

    Parameters
    ----------
    value : float or None
        Percent value; None, NaN or NA gives None.
    precision : int
        Decimals to keep, rounded half up.

    Returns
    -------
    float or None
        The rounded value; None so that the Excel cell stays empty.
    """
    if value is None or pd.isna(value):
        return None
    return float(round_half_up(float(value), precision))


def _by_indicator(rows: pd.DataFrame) -> dict:
    return {row.indicator: row for row in rows.itertuples()}


def participation(ctx: ReportContext) -> Table:
    """Return the schools that took part, by municipality and cluster, with totals.

    Parameters
    ----------
    ctx : ReportContext
        The data of the report year (see
        :func:`~profmon.report.context.load_context`).

    Returns
    -------
    Table
        One row per municipality with schools in the report year (region
        order) and a total row; a column per cluster and a «Всего» column.
    """
    schools = ctx.schools
    counts = (
        pd.crosstab(schools["municipality"], schools["cluster"])
        .reindex(index=list(ctx.municipalities()), columns=list(CLUSTERS))
        .fillna(0)
        .astype("int64")
    )
    counts["Всего"] = counts.sum(axis=1)
    counts.loc[TOTAL] = counts.sum(axis=0)
    counts.index.name = "Муниципальное образование"
    export = counts.reset_index()
    text = export.map(
        lambda value: value if isinstance(value, str) else format_count(value)
    )
    state_schools = schools["municipality"] == STATE_SCHOOLS
    formations = schools.loc[~state_schools, "municipality"].nunique()
    state = f" и {STATE_SCHOOLS}" if state_schools.any() else ""
    return Table(
        text=text,
        caption=(
            f"Участники мониторинга {ctx.year} года: {len(schools)} ОО "
            f"{formations} МО{state}, по кластерным группам"
        ),
        export=export,
    )


def contingent(ctx: ReportContext) -> Table:
    """Return schools, pupils, pupils with ОВЗ and with disability by cluster.

    Parameters
    ----------
    ctx : ReportContext
        The data of the report year (see
        :func:`~profmon.report.context.load_context`).

    Returns
    -------
    Table
        One row per cluster and a total row; for each measure the previous year,
        the report year and the change («—» where a year has no data). Counts
        are not hidden: disclosure control does not apply to clusters and the
        region.
    """
    years = [ctx.previous_year, ctx.year]
    panel = ctx.panel[ctx.panel["year"].isin(years)]
    table = contingent_table(panel, by="cluster").set_index(["cluster", "year"])
    labels = ctx.methodology.clusters.labels
    measures = {
        "schools": "Число ОО",
        "pupils": "Обучающихся",
        "pupils_ovz": "Из них с ОВЗ",
        "pupils_disabled": "Из них с инвалидностью",
    }
    text_rows, export_rows = [], []
    for cluster in [*CLUSTERS, TOTAL]:
        text = {("КГ", "КГ"): cluster, ("ОО", "ОО"): labels.get(cluster, "")}
        export = {"КГ": cluster, "ОО": labels.get(cluster, "")}
        for measure, title in measures.items():
            values = [
                table[measure].get((cluster, year), float("nan")) for year in years
            ]
            for year, value in zip(years, values, strict=True):
                text[(title, f"{year} г.")] = format_count(value)
                export[f"{title}, {year} г."] = None if pd.isna(value) else int(value)
            change = values[1] - values[0]
            text[(title, "изм.")] = _signed_count(change)
            export[f"{title}, изменение"] = None if pd.isna(change) else int(change)
        text_rows.append(text)
        export_rows.append(export)
    text = pd.DataFrame(text_rows)
    text.columns = pd.MultiIndex.from_tuples(text.columns)
    return Table(
        text=text,
        caption="Контингент обучающихся по кластерным группам",
        row_headers=2,
        export=pd.DataFrame(export_rows),
    )


def _signed_count(value) -> str:
    if value is None or pd.isna(value):
        return MISSING
    text = format_count(abs(value))
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"−{text}"
    return text


def indicator_table(ctx: ReportContext) -> Table:
    """Lay out the indicators as the source document does, targets marked.

    Rows are the indicators in edition order under a section row per block;
    columns the target, КГ1–КГ4 of the report year and the region this year
    and last year. Every value is marked met or missed against the target.

    Parameters
    ----------
    ctx : ReportContext
        The data of the report year (see
        :func:`~profmon.report.context.load_context`).

    Returns
    -------
    Table
        The display table with target marks, the legend and the edition's
        remarks on targets as notes, and an export version with values rounded
        as published.
    """
    methodology = ctx.methodology
    clusters = ctx.level("cluster")
    region = _by_indicator(ctx.level("region"))
    this, last = f"Регион, {ctx.year} г.", f"Регион, {ctx.previous_year} г."
    text_rows, status_rows, export_rows, sections = [], [], [], {}
    block = None
    for indicator in methodology.indicators_in_effect(ctx.year):
        if indicator.block != block:
            block = indicator.block
            sections[len(text_rows)] = methodology.blocks[block]
        digits = indicator.precision
        text = {
            "Показатель": indicator.name_ru,
            "Целевое значение": target_text(indicator),
        }
        marks = {"Показатель": "", "Целевое значение": ""}
        export = {
            "Блок": methodology.blocks[indicator.block],
            "Код": indicator.code,
            "Показатель": indicator.name_ru,
            "Целевое значение, %": indicator.target,
        }
        rows = clusters[clusters["indicator"] == indicator.code]
        by_cluster = {str(row.cluster): row for row in rows.itertuples()}
        for cluster in CLUSTERS:
            row = by_cluster.get(cluster)
            value = None if row is None else row.value
            text[cluster] = value_text(value, digits)
            marks[cluster] = "" if row is None else status(row.met)
            export[f"{cluster}, %"] = rounded(value, digits)
        row = region.get(indicator.code)
        text[this] = value_text(row.value, digits)
        marks[this] = status(row.met)
        text[last] = value_text(row.previous_value, digits)
        marks[last] = status(row.previous_met)
        export[f"{this}, %"] = rounded(row.value, digits)
        export[f"{last}, %"] = rounded(row.previous_value, digits)
        export["Целевое значение достигнуто (регион)"] = {
            "met": "да",
            "missed": "нет",
        }.get(status(row.met), "")
        text_rows.append(text)
        status_rows.append(marks)
        export_rows.append(export)
    notes = [LEGEND]
    notes += [
        f"{ind.name_ru}: {ind.target_note_ru}."
        for ind in methodology.indicators_in_effect(ctx.year)
        if ind.target_note_ru
    ]
    return Table(
        text=pd.DataFrame(text_rows),
        status=pd.DataFrame(status_rows),
        sections=sections,
        caption=(
            f"Достижение целевых показателей: кластерные группы {ctx.year} г., "
            f"регион {ctx.year} и {ctx.previous_year} гг."
        ),
        notes=tuple(notes),
        export=pd.DataFrame(export_rows),
    )


def targets_met_by_municipality(ctx: ReportContext) -> pd.DataFrame:
    """Count each municipality's targets met, missed and not assessed.

    Only indicators in effect in the report year are counted.

    Parameters
    ----------
    ctx : ReportContext
        The data of the report year (see
        :func:`~profmon.report.context.load_context`).

    Returns
    -------
    pandas.DataFrame
        One row per municipality (region order): ``municipality``,
        ``schools``, ``met``, ``missed``, ``not_assessed`` (no value, no
        target, or hidden by disclosure control).
    """
    rows = ctx.level("municipality")
    codes = [ind.code for ind in ctx.methodology.indicators_in_effect(ctx.year)]
    rows = rows[rows["indicator"].isin(codes)]
    met = rows["met"].astype("boolean")
    summary = (
        rows.assign(
            met_=met.eq(True).fillna(False).astype(int),
            missed_=met.eq(False).fillna(False).astype(int),
            open_=met.isna().astype(int),
        )
        .groupby("municipality", sort=False)
        .agg(
            met=("met_", "sum"),
            missed=("missed_", "sum"),
            not_assessed=("open_", "sum"),
        )
    )
    schools = ctx.schools.groupby("municipality").size()
    order = list(ctx.municipalities())
    summary = summary.reindex(order)
    summary.insert(0, "schools", schools.reindex(order).astype("int64"))
    return summary.reset_index()


def municipality_targets(ctx: ReportContext) -> Table:
    """Return each municipality's count of targets met, missed and not assessed.

    Parameters
    ----------
    ctx : ReportContext
        The data of the report year (see
        :func:`~profmon.report.context.load_context`).

    Returns
    -------
    Table
        The counts of :func:`targets_met_by_municipality` with the share of
        met targets among assessed ones, in percent («—» when none was
        assessed).
    """
    summary = targets_met_by_municipality(ctx)
    assessed = summary["met"] + summary["missed"]
    share = 100.0 * summary["met"] / assessed.where(assessed > 0)
    export = pd.DataFrame(
        {
            "Муниципальное образование": summary["municipality"],
            "Число ОО": summary["schools"],
            "Достигнуто": summary["met"],
            "Не достигнуто": summary["missed"],
            "Нет оценки": summary["not_assessed"],
            "Доля достигнутых, %": [rounded(value, 0) for value in share],
        }
    )
    text = export.copy()
    for column in ("Число ОО", "Достигнуто", "Не достигнуто", "Нет оценки"):
        text[column] = text[column].map(format_count)
    text["Доля достигнутых, %"] = [value_text(value, 0) for value in share]
    return Table(
        text=text,
        caption=(
            "Целевые показатели, достигнутые муниципальными образованиями "
            f"в {ctx.year} г."
        ),
        notes=(
            "«Нет оценки» — нет данных, нет целевого значения или значение скрыто "
            "из-за малого числа обучающихся с ОВЗ или инвалидностью; доля "
            "достигнутых считается от оценённых показателей.",
        ),
        export=export,
    )


def _export_frame(table: Table) -> pd.DataFrame:
    return table.export if table.export is not None else table.text


def export_tables(data_dir, year: int) -> dict[str, pd.DataFrame]:
    """Return the report tables of a year for ``tables.xlsx``.

    Parameters
    ----------
    data_dir : str or path-like
        The data folder.
    year : int
        The report year.

    Returns
    -------
    dict of str to pandas.DataFrame
        Sheet name -> table with Russian headers; figures are numbers
        (percentages rounded as published), «c» where disclosure control
        hides a figure, empty where there is no value.
    """
    from profmon.recommendations import to_frame
    from profmon.report import advice, municipal

    ctx = load_context(data_dir, year)
    sheets = {
        "Участники": participation(ctx),
        "Контингент": contingent(ctx),
        "Показатели": indicator_table(ctx),
        "Цели по МО": municipality_targets(ctx),
    }
    frames = {name: _export_frame(table) for name, table in sheets.items()}
    frames["Показатели МО"] = municipal.indicators_by_municipality(ctx)
    frames["ОВЗ по МО и КГ"] = municipal.sensitive_counts_export(ctx)
    frames["Показатели ОО"] = municipal.schools_export(ctx)
    frames["Рекомендации"] = to_frame(advice.region_recommendations(ctx))
    return frames

"""The appendix of a report: methodology, data quality, provenance."""

from __future__ import annotations

import re

import pandas as pd

from profmon.disclosure import SENSITIVE_COUNTS, SUPPRESSED, is_small
from profmon.fields import by_name
from profmon.methodology import SCHOOLS
from profmon.report.context import ReportContext, resolve_municipality
from profmon.report.display import Html, Stack, Table, escape
from profmon.report.tables import target_text

__all__ = [
    "appendix",
    "data_quality",
    "formula_text",
    "methodology",
    "provenance",
    "report_warnings",
]

_BAND = re.compile(r"^grade_(\d{1,2}):(\d{1,2})$")
_DIRECTION = {"higher": "не ниже целевого", "lower": "не выше целевого"}


def _term(term: str) -> str:
    band = _BAND.match(term)
    if band:
        return f"обучающиеся {band.group(1)}–{band.group(2)}-х классов"
    if term == SCHOOLS:
        return "число ОО"
    return f"«{by_name(term).header_ru}»"


def formula_text(expression: str) -> str:
    """Describe a numerator or denominator expression in Russian words.

    Parameters
    ----------
    expression : str
        Terms joined by ``+`` as written in the edition file: contract field
        names, ``schools``, or grade bands ``grade_A:B``.

    Returns
    -------
    str
        The terms joined by «+»: a field as its Russian header in quotes, a band
        as «обучающиеся A–B-х классов», ``schools`` as «число ОО».

    Raises
    ------
    KeyError
        If a term is not a contract field, ``schools`` or a grade band.
    """
    return " + ".join(_term(term.strip()) for term in str(expression).split("+"))


def methodology(ctx: ReportContext) -> Stack:
    """Return the formulas, targets and cluster rules of the edition in use.

    Parameters
    ----------
    ctx : ReportContext
        The data of the report year (see
        :func:`~profmon.report.context.load_context`).

    Returns
    -------
    Stack
        A text part (edition, how indicators are pooled, cluster thresholds,
        disclosure rule with the edition's threshold) and a table of every
        indicator in effect in the report year: numerator, denominator, target,
        direction and decimals.
    """
    edition = ctx.methodology
    rows = [
        {
            "Показатель": ind.name_ru,
            "Числитель": formula_text(ind.numerator_text),
            "Знаменатель": formula_text(ind.denominator_text),
            "Целевое значение": target_text(ind)
            + (f" ({ind.target_note_ru})" if ind.target_note_ru else ""),
            "Достигнуто, если значение": _DIRECTION[ind.direction],
            "Знаков после запятой": str(ind.precision),
        }
        for ind in edition.indicators_in_effect(ctx.year)
    ]
    rules = edition.clusters
    labels = rules.labels
    clusters = [
        f"КГ1 — {labels.get('КГ1', '')}: тип ОО {', '.join(rules.selective_types)}, "
        "независимо от численности.",
        f"КГ2 — {labels.get('КГ2', '')}: более {rules.large_above} обучающихся 1–11-х "
        "классов.",
        f"КГ3 — {labels.get('КГ3', '')}: от {rules.medium_from} до {rules.large_above} "
        "обучающихся включительно.",
        f"КГ4 — {labels.get('КГ4', '')}: менее {rules.medium_from} обучающихся.",
    ]
    source = edition.source.name if edition.source else "—"
    text = (
        f"<p>Редакция методики {escape(edition.edition)} (действует с "
        f"{edition.effective_from} г., файл {escape(source)}). Каждый показатель — "
        "отношение сумм по всем ОО группы (числитель к знаменателю, в процентах); "
        "среднее долей отдельных ОО не используется. Если знаменатель равен нулю, "
        "значения нет («—»). Цель считается достигнутой по значению, округлённому "
        "так, как оно напечатано.</p>"
        "<h4>Кластерные группы</h4><ul>"
        + "".join(f"<li>{escape(line)}</li>" for line in clusters)
        + "</ul><h4>Защита персональных данных</h4>"
        f"<p>Число обучающихся или выпускников с ОВЗ или инвалидностью от 1 до "
        f"{edition.disclosure_min_count - 1} по ОО, муниципальному образованию или "
        "сочетанию МО × кластерная группа не печатается («c»), как и доля, по "
        "которой такое число можно восстановить; где скрытое число можно было бы "
        "вычислить из итога строки или столбца, скрывается ещё одна ячейка. Нули "
        "печатаются. Итоги по региону и кластерным группам не скрываются.</p>"
    )
    table = Table(
        text=pd.DataFrame(rows),
        caption="Формулы и целевые значения показателей",
    )
    return Stack((Html(text), table))


def report_warnings(ctx: ReportContext) -> pd.DataFrame:
    """Return the validation warnings that concern the report's schools.

    Parameters
    ----------
    ctx : ReportContext
        The data of the report year; a ``municipality`` entry in its
        parameters makes it a municipal report.

    Returns
    -------
    pandas.DataFrame
        For the regional report, every warning of the year. For a municipal
        report, the warnings on its own schools' rows, on a school of its own
        that was there last year and is missing now, and on files that hold
        its schools: the data its dependency key covers (see
        :func:`profmon.provenance.report_fingerprint`), so that a report left
        as it is by an incremental rebuild never lists another
        municipality's warnings out of date.
    """
    warnings = ctx.warnings
    municipality = ctx.parameters.get("municipality")
    if municipality is None or warnings.empty:
        return warnings
    name = resolve_municipality(str(municipality))
    panel = ctx.panel
    this_year = panel[panel["year"] == ctx.year]
    own = this_year["municipality"].astype(str) == name
    own_rows = pd.MultiIndex.from_arrays(
        [
            this_year.loc[own, "source_file"].astype(str),
            this_year.loc[own, "source_row"].astype("int64"),
        ]
    )
    own_files = set(this_year.loc[own, "source_file"].astype(str))
    last_year = panel[panel["year"] == ctx.year - 1]
    own_last_year = set(
        last_year.loc[last_year["municipality"].astype(str) == name, "school_id"]
    )

    files = warnings["file"].fillna("").astype(str)
    located = warnings["row"].notna()
    rows = warnings["row"].fillna(0).astype("int64")
    on_own_row = pd.MultiIndex.from_arrays([files, rows]).isin(own_rows)
    disappeared = warnings["code"].astype(str) == "school_disappeared"
    own_school_gone = disappeared & warnings["value"].astype(str).isin(own_last_year)
    own_file = ~located & ~disappeared & files.isin(own_files)
    kept = (located & on_own_row) | own_school_gone | own_file
    return warnings.loc[kept].reset_index(drop=True)


def data_quality(ctx: ReportContext) -> Html | Table:
    """Return the validation warnings of the report (small ОВЗ counts hidden).

    Parameters
    ----------
    ctx : ReportContext
        The data of the report year (see
        :func:`~profmon.report.context.load_context`).

    Returns
    -------
    Html or Table
        A sentence when there are no warnings; otherwise a table with one row
        per warning (file, sheet, row, column, value, message), where a value
        of a sensitive count column from 1 to below the disclosure threshold
        shows «c». A municipal report lists only its own warnings (see
        :func:`report_warnings`).
    """
    warnings = report_warnings(ctx)
    if warnings.empty:
        return Html(f"<p>Предупреждений проверки данных за {ctx.year} год нет.</p>")
    values = warnings["value"].astype(object).where(warnings["value"].notna(), "")
    numbers = pd.to_numeric(values, errors="coerce")
    sensitive = warnings["column"].isin(SENSITIVE_COUNTS) & is_small(
        numbers, ctx.methodology.disclosure_min_count
    )
    text = pd.DataFrame(
        {
            "Файл": warnings["file"].fillna("").astype(str),
            "Лист": warnings["sheet"].fillna("").astype(str),
            "Строка": warnings["row"].map(lambda r: "" if pd.isna(r) else str(int(r))),
            "Столбец": warnings["column"].fillna("").astype(str),
            "Значение": values.astype(str).mask(sensitive, SUPPRESSED),
            "Сообщение": warnings["message"].fillna("").astype(str),
        }
    )
    return Table(
        text=text,
        caption=f"Предупреждения проверки данных за {ctx.year} год: {len(text)}",
        row_headers=0,
    )


def provenance(ctx: ReportContext) -> Html:
    """Return data fingerprint, profmon version, parameters and generation time.

    Parameters
    ----------
    ctx : ReportContext
        The data of the report year (see
        :func:`~profmon.report.context.load_context`).

    Returns
    -------
    Html
        A list of facts; the SHA-256 fingerprint of the data is given only
        when the context was read from a data folder. The regional report
        shows the fingerprint of every raw file; a municipal report, that of
        the data it depends on (see
        :func:`profmon.provenance.report_fingerprint`).
    """
    from profmon import provenance as origin

    if ctx.data_dir is not None:
        facts = origin.provenance(ctx.data_dir, ctx.year, ctx.parameters, context=ctx)
        if "municipality" in ctx.parameters:
            data = (
                f"<li>Отпечаток данных отчёта (SHA-256; {escape(facts['report_scope'])}"
                f"): <code>{escape(facts['report_fingerprint'])}</code></li>"
            )
        else:
            data = (
                f"<li>Отпечаток исходных данных (SHA-256 файлов за "
                f"{', '.join(map(str, facts['years']))} гг., {facts['files']} "
                f"файлов): <code>{escape(facts['data_fingerprint'])}</code></li>"
            )
    else:
        facts = {
            "profmon_version": origin.package_version(),
            "generated_at": origin.generation_time().isoformat(),
        }
        data = "<li>Данные переданы напрямую, без папки данных.</li>"
    parameters = ", ".join(
        f"{escape(key)} = {escape(repr(value))}"
        for key, value in ctx.parameters.items()
    )
    return Html(
        "<ul>"
        + data
        + f"<li>Версия profmon: {escape(facts['profmon_version'])}</li>"
        + f"<li>Редакция методики: {escape(ctx.methodology.edition)}</li>"
        + f"<li>Параметры отчёта: {parameters or '—'}</li>"
        + f"<li>Сформирован: {escape(facts['generated_at'])}</li>"
        + "</ul>"
    )


def appendix(ctx: ReportContext) -> Stack:
    """Return the whole appendix: methodology, data quality, provenance.

    Parameters
    ----------
    ctx : ReportContext
        The data of the report year (see
        :func:`~profmon.report.context.load_context`).

    Returns
    -------
    Stack
        :func:`methodology`, :func:`data_quality` and :func:`provenance`, each
        under a Russian heading.
    """
    return Stack(
        (
            "Методика",
            methodology(ctx),
            "Качество данных",
            data_quality(ctx),
            "Происхождение отчёта",
            provenance(ctx),
        )
    )

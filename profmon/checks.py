"""The validation rules, each run on whole columns of a year's submissions.

:func:`check_submissions` types every cell (:mod:`profmon.cells`) and applies
every rule; a :class:`RowReport` gathers the findings of all rules (lazily, the
way a schema check reports a whole frame instead of stopping at the first
failure) and remembers which rows have an error. Messages are templates whose
``{name}`` slots are filled per flagged row, so even a message naming each
row's own values is built without a loop over rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from profmon.cells import CLOSED_LISTS, LARGEST_COUNT, parse_closed, parse_counts
from profmon.fields import FIELDS, GRADE_FIELDS, by_name
from profmon.findings import SEVERITY, Reason, Severity, cell_findings, file_finding
from profmon.intake import PROVENANCE, Submissions
from profmon.methodology import SCHOOLS, Methodology

__all__ = [
    "PART_WHOLE",
    "Checked",
    "RowReport",
    "check_submissions",
    "place",
    "total",
]

#: Parts and wholes checked besides each indicator's numerator and denominator.
PART_WHOLE: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("pupils_ovz",), GRADE_FIELDS),
    (("pupils_disabled",), GRADE_FIELDS),
    (("graduates_9_ovz",), ("graduates_9",)),
    (("graduates_11_ovz",), ("graduates_11",)),
    (("poo_ovz_9",), ("graduates_9_ovz",)),
    (("poo_ovz_11",), ("graduates_11_ovz",)),
    (("vuz_profile_region_11",), ("vuz_profile_11",)),
    (("survey_satisfied_9_11",), ("survey_respondents_9_11",)),
    (("survey_respondents_9_11",), ("grade_9", "grade_11")),
)


_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_CLOSED_LIST_REASONS = {
    "flag": Reason.BAD_FLAG,
    "municipality": Reason.UNKNOWN_MUNICIPALITY,
    "school_type": Reason.UNKNOWN_SCHOOL_TYPE,
    "settlement": Reason.UNKNOWN_SETTLEMENT,
}


# --- reporting ----------------------------------------------------------------


def _shown(values: np.ndarray) -> np.ndarray:
    """Return values as the findings table shows them (decimal comma)."""
    text = pd.Series(values).astype(str)
    if values.dtype.kind == "f":
        text = text.str.replace(r"\.0$", "", regex=True).str.replace(".", ",")
    return text.to_numpy(dtype=object)


class RowReport:
    """Findings about the rows of one table, and which rows have an error.

    Parameters
    ----------
    rows : pandas.DataFrame
        The table, with the provenance columns ``source_file``,
        ``source_sheet`` and ``source_row``.

    Attributes
    ----------
    parts : list of pandas.DataFrame
        Findings tables, one per call of :meth:`add` that flagged rows.
    errors : numpy.ndarray
        Whether each row has at least one error.
    """

    def __init__(self, rows: pd.DataFrame):
        self.rows = rows
        self.parts: list[pd.DataFrame] = []
        self.errors = np.zeros(len(rows), dtype=bool)

    def add(self, mask, code: Reason, column: str, template: str, **values) -> None:
        """Report the rows under `mask`.

        Parameters
        ----------
        mask : array-like of bool
            Rows to report, aligned with the table.
        code : Reason
            Reason code; its severity decides whether the rows count as
            having an error.
        column : str
            Column the findings are about.
        template : str
            The message; each ``{name}`` in it is filled from the keyword
            `name`: a string as is, a Series or array (aligned with the
            table) by each flagged row's own value.
        **values : str, pandas.Series or numpy.ndarray
            The fillings; ``value`` also fills the findings' value column.
        """
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        shown = {
            key: item if isinstance(item, str) else _shown(np.asarray(item)[mask])
            for key, item in values.items()
        }
        message = np.full(int(mask.sum()), "", dtype=object)
        for position, piece in enumerate(_PLACEHOLDER.split(template)):
            message = message + (shown[piece] if position % 2 else piece)
        findings = cell_findings(
            self.rows.loc[mask], code, column, message, shown.get("value")
        )
        self.parts.append(findings)
        if SEVERITY[code] is Severity.ERROR:
            self.errors |= mask


def _header(name: str) -> str:
    return f"«{by_name(name).header_ru}»"


def _described(fields: tuple[str, ...]) -> str:
    grades = [int(name[6:]) for name in fields if name in GRADE_FIELDS]
    band = list(range(grades[0], grades[-1] + 1)) if grades else []
    if len(fields) > 1 and grades == band and len(band) == len(fields):
        return f"обучающихся {band[0]}–{band[-1]} кл. (сумма по классам)"
    return " + ".join(_header(name) for name in fields)


def place(rows: pd.DataFrame) -> pd.Series:
    """Return where each row is, in Russian: «file, лист sheet, строка N».

    Parameters
    ----------
    rows : pandas.DataFrame
        Rows with the provenance columns ``source_file``, ``source_sheet`` (empty
        string for a CSV file, which has no sheets) and ``source_row``.

    Returns
    -------
    pandas.Series
        One string per row, on the index of `rows`; the sheet part is left out
        where ``source_sheet`` is empty.
    """
    sheet = np.where(rows["source_sheet"] != "", ", лист " + rows["source_sheet"], "")
    return rows["source_file"] + sheet + ", строка " + rows["source_row"].astype(str)


# --- the checks ---------------------------------------------------------------


@dataclass(frozen=True)
class Checked:
    """A year's rows, typed and checked.

    Parameters
    ----------
    text : pandas.DataFrame
        Identity and да/нет fields of every row, canonical; NA where a cell
        is empty or not recognised.
    counts : pandas.DataFrame
        Count fields of every row as float64 (one block); NaN where a cell
        is empty, not whole or negative.
    provenance : pandas.DataFrame
        ``source_file``, ``source_sheet`` and ``source_row`` of every row.
    errors : numpy.ndarray
        Whether each row has an error (its own, or its file's).
    findings : list of pandas.DataFrame
        Findings of reading and of every rule.
    required : frozenset of str
        The fields required in that year.
    """

    text: pd.DataFrame
    counts: pd.DataFrame
    provenance: pd.DataFrame
    errors: np.ndarray
    findings: list[pd.DataFrame]
    required: frozenset[str]


def total(counts: pd.DataFrame, fields) -> pd.Series:
    """Return the sum of `fields` per row; NaN where any of them is NaN.

    Parameters
    ----------
    counts : pandas.DataFrame
        Count fields of every row as float64, NaN where a cell was unusable (the
        ``counts`` block of :class:`Checked`).
    fields : iterable of str
        Names of the count columns to add up; each must be a column of `counts`.

    Returns
    -------
    pandas.Series
        Float64 sum per row, on the index of `counts`.
    """
    positions = counts.columns.get_indexer(list(fields))
    return pd.Series(counts.to_numpy().T[positions].sum(axis=0), index=counts.index)


def _check_columns(submissions: Submissions, required: frozenset[str]):
    """Report required columns missing from a file; mark rows of broken files."""
    names = [field.name for field in FIELDS if field.name in required]
    absent = submissions.columns.loc[:, names].eq("").stack()
    findings = [
        file_finding(
            file,
            Reason.MISSING_COLUMN,
            f"В файле нет обязательного столбца {_header(name)} ({name}). Добавьте "
            "столбец с этим заголовком, как в шаблоне, и заполните его.",
            column=name,
        )
        for file, name in absent.index[absent.to_numpy()]
    ]
    reading = submissions.findings
    whole_file = reading["row"].isna() & (reading["severity"] == Severity.ERROR)
    broken = {*reading.loc[whole_file, "file"], *(f["file"].iloc[0] for f in findings)}
    files = submissions.rows["source_file"]
    if not broken:
        return findings, np.zeros(len(files), dtype=bool)
    return findings, files.isin(broken).to_numpy()


def _check_empty(
    submissions: Submissions, empty: pd.DataFrame, required, report: RowReport
) -> None:
    """Report empty cells of required columns (in files that have the column)."""
    rows, absent = submissions.rows, submissions.columns.eq("")
    names = [field.name for field in FIELDS if field.name in required]
    empty = empty.loc[:, names].to_numpy()
    for position in np.flatnonzero(empty.any(axis=0)):
        name = names[position]
        present = ~rows["source_file"].map(absent[name]).to_numpy(bool)
        hint = "если таких нет, укажите 0" if by_name(name).kind == "count" else ""
        report.add(
            present & empty[:, position],
            Reason.MISSING_VALUE,
            name,
            f"Не заполнена обязательная ячейка {_header(name)}. Заполните её"
            + (f" ({hint})." if hint else " по шаблону."),
        )


def _check_counts(
    rows: pd.DataFrame, empty: pd.DataFrame, report: RowReport
) -> pd.DataFrame:
    """Parse every count column; report values that are not whole or negative."""
    names = [field.name for field in FIELDS if field.kind == "count"]
    # One (fields x schools) array: pandas keeps it as a single block. A column
    # the CSV parser read as integers holds whole numbers already.
    numbers = np.empty((len(names), len(rows)))
    whole = np.empty(numbers.shape, dtype=bool)
    for position, name in enumerate(names):
        numbers[position] = values = parse_counts(rows[name])
        whole[position] = np.abs(values) < LARGEST_COUNT  # false for NaN, inf
        if not pd.api.types.is_integer_dtype(rows[name]):
            whole[position] &= values == np.floor(values)
    not_whole = ~empty.loc[:, names].to_numpy().T & ~whole
    negative = whole & (numbers < 0)

    for position in np.flatnonzero(not_whole.any(axis=1) | negative.any(axis=1)):
        name = names[position]
        report.add(
            not_whole[position],
            Reason.NOT_INTEGER,
            name,
            "{header}: «{value}» — не целое число обучающихся. Укажите целое "
            "число не меньше 0, без дробной части, пробелов и текста.",
            header=_header(name),
            value=rows[name],
        )
        report.add(
            negative[position],
            Reason.NEGATIVE,
            name,
            "{header}: отрицательное число {value}. Укажите число не меньше 0.",
            header=_header(name),
            value=rows[name],
        )
    numbers[~whole | negative] = np.nan
    return pd.DataFrame(numbers.T, columns=names, index=rows.index)


def _check_choices(rows: pd.DataFrame, report: RowReport) -> pd.DataFrame:
    """Bring identity and да/нет cells to canonical values; report the rest."""
    text = {}
    for field in FIELDS:
        raw = rows[field.name]
        if field.kind in CLOSED_LISTS:
            text[field.name] = parsed = parse_closed(raw, field.kind)
            report.add(
                raw.notna().to_numpy() & parsed.isna().to_numpy(),
                _CLOSED_LIST_REASONS[field.kind],
                field.name,
                "{header}: значение «{value}» не подходит. Допустимо: {allowed}.",
                header=_header(field.name),
                value=raw,
                allowed=CLOSED_LISTS[field.kind].allowed_ru,
            )
        elif field.kind != "count":
            text[field.name] = raw.astype("str")
    return pd.DataFrame(text)


def _part_whole_pairs(methodology: Methodology, year: int) -> list[tuple]:
    pairs = [
        (indicator.numerator, indicator.denominator)
        for indicator in methodology.indicators_in_effect(year)
        if SCHOOLS not in indicator.denominator
    ]
    return list(dict.fromkeys([*pairs, *PART_WHOLE]))


def _check_parts(counts: pd.DataFrame, pairs, report: RowReport) -> None:
    fields = counts.to_numpy().T  # one contiguous row of schools per field
    row_of = {name: position for position, name in enumerate(counts.columns)}
    for part_fields, whole_fields in pairs:
        part = fields[[row_of[name] for name in part_fields]].sum(axis=0)
        whole = fields[[row_of[name] for name in whole_fields]].sum(axis=0)
        # a missing or bad cell is NaN, and NaN > x is false: no finding
        report.add(
            part > whole,
            Reason.PART_EXCEEDS_WHOLE,
            " + ".join(part_fields),
            "{part} = {value} больше, чем {whole} = {total}: часть не может быть "
            "больше целого. Проверьте оба значения и исправьте ошибочное.",
            part=" + ".join(_header(name) for name in part_fields),
            value=part,
            whole=_described(whole_fields),
            total=whole,
        )


def _check_duplicates(ids: pd.Series, rows: pd.DataFrame, report: RowReport) -> None:
    repeated = ids.notna() & ids.duplicated(keep=False)
    if not repeated.any():
        return
    places = pd.DataFrame({"school_id": ids[repeated], "place": place(rows[repeated])})
    pairs = places.reset_index().merge(places.reset_index(), on="school_id")
    pairs = pairs[pairs["index_x"] != pairs["index_y"]]
    others = pairs.groupby("index_x")["place_y"].agg("; ".join)
    report.add(
        repeated,
        Reason.DUPLICATE_SCHOOL_ID,
        "school_id",
        "Код ОО «{value}» повторяется: он же в {others}. Код ОО должен быть "
        "уникален в пределах года: исправьте код или удалите повторную строку.",
        value=ids,
        others=others.reindex(ids.index),
    )


def _check_plausibility(counts: pd.DataFrame, report: RowReport) -> None:
    for graduates, grade in (("graduates_9", "grade_9"), ("graduates_11", "grade_11")):
        report.add(
            counts[graduates] > counts[grade],
            Reason.GRADUATES_EXCEED_GRADE,
            graduates,
            "{graduates} = {value} больше, чем {grade} = {pupils}. Проверьте оба "
            "значения: выпускников обычно не больше, чем обучающихся этого класса.",
            graduates=_header(graduates),
            value=counts[graduates],
            grade=_header(grade),
            pupils=counts[grade],
        )

    university = counts[["vuz_profile_11", "vuz_labour_market_11"]].max(axis=1)
    admitted = counts["poo_region_11"] + university
    report.add(
        admitted > counts["graduates_11"],
        Reason.ADMISSIONS_EXCEED_GRADUATES,
        "poo_region_11",
        "Поступивших в ПОО региона ({value}) и в ООВО (не меньше {university}) "
        "вместе больше, чем выпускников 11 кл. ({graduates}). Проверьте числа "
        "поступивших и выпускников.",
        value=counts["poo_region_11"],
        university=university,
        graduates=counts["graduates_11"],
    )


def check_submissions(submissions: Submissions, methodology: Methodology) -> Checked:
    """Type every cell of a year's submissions and apply every rule.

    Parameters
    ----------
    submissions : Submissions
        What :func:`profmon.intake.read_year` read.
    methodology : Methodology
        Decides the required fields of the year and the indicators whose
        numerators must not exceed their denominators.

    Returns
    -------
    Checked
        Typed rows, which of them have errors, and all findings (reading
        included).
    """
    rows = submissions.rows
    required = frozenset(methodology.required_fields(submissions.year))
    report = RowReport(rows)
    missing, broken = _check_columns(submissions, required)

    empty = rows.isna()
    _check_empty(submissions, empty, required, report)
    counts = _check_counts(rows, empty, report)
    text = _check_choices(rows, report)
    _check_duplicates(text["school_id"], rows, report)
    _check_parts(counts, _part_whole_pairs(methodology, submissions.year), report)
    _check_plausibility(counts, report)

    return Checked(
        text=text,
        counts=counts,
        provenance=rows.loc[:, PROVENANCE],
        errors=report.errors | broken,
        findings=[submissions.findings, *missing, *report.parts],
        required=required,
    )

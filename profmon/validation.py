"""Validation of a year's submissions: every rule, every finding at once.

:func:`validate_year` reads the files of a year (:mod:`profmon.intake`), turns
each cell into its type, and runs every rule on whole columns at once. All
problems go into one findings table (:mod:`profmon.findings`), the way a lazy
schema check reports a whole frame instead of stopping at the first failure.

Errors block the build: a required column missing from a file; an empty
required cell; a count that is not a whole number or is negative; a да/нет cell
holding anything else; an unknown municipality, school type or settlement; a
``school_id`` used twice in the year; a part larger than its whole (each
numerator of an indicator in effect above its denominator, and the pairs of
:data:`PART_WHOLE`); a file that cannot be read or holds no data.

Warnings are reported and the build goes on: graduates above the pupils of
their grade; college plus university admissions above the graduates of grade
11; a school present last year and missing now; a school's pupils changed by
more than half since last year; unknown columns and files that are not read.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from profmon.clusters import classify
from profmon.fields import (
    FIELDS,
    GRADE_FIELDS,
    NO,
    SCHOOL_TYPES,
    SETTLEMENTS,
    YES,
    by_name,
)
from profmon.findings import (
    SEVERITY,
    Reason,
    Severity,
    cell_findings,
    combine_findings,
    file_finding,
    format_findings,
    summarise_findings,
    write_findings_csv,
)
from profmon.intake import PROVENANCE, Submissions, read_year, year_folder
from profmon.methodology import SCHOOLS, Methodology, load_methodology
from profmon.municipalities import MUNICIPALITIES, normalise_municipality

__all__ = [
    "PART_WHOLE",
    "ValidationResult",
    "format_findings",
    "summarise_findings",
    "validate_year",
    "write_findings_csv",
]

log = logging.getLogger(__name__)

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

# A count this large is no plausible number of pupils (and would overflow an
# integer column); it is reported as not a whole number of pupils.
_LARGEST_COUNT = 10**9

_FLAGS = {YES: True, NO: False, "1": True, "0": False, "1.0": True, "0.0": False}
_SCHOOL_TYPES = {kind.lower(): kind for kind in SCHOOL_TYPES}
_SETTLEMENTS = {kind.replace("ё", "е"): kind for kind in SETTLEMENTS}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class ValidationResult:
    """The outcome of validating a year.

    Parameters
    ----------
    year : int
        Monitoring year.
    schools : pandas.DataFrame
        The validated schools frame: only the rows without errors, typed
        (counts ``int64``, or nullable ``Int64`` for count fields not
        required that year; да/нет ``bool``; municipality, school type and
        settlement in canonical spelling), then ``year``, ``cluster`` and the
        provenance columns. Rows with an error are left out; the findings say
        where they are.
    findings : pandas.DataFrame
        Every finding, errors and warnings, with the columns
        :data:`profmon.findings.FINDING_COLUMNS`.
    """

    year: int
    schools: pd.DataFrame
    findings: pd.DataFrame

    @property
    def has_errors(self) -> bool:
        """Whether any finding blocks the build."""
        return bool((self.findings["severity"] == Severity.ERROR.value).any())


# --- reporting ----------------------------------------------------------------


def _shown(values: np.ndarray) -> np.ndarray:
    """Return values as the findings table shows them (decimal comma)."""
    text = pd.Series(values).astype(str)
    if values.dtype.kind == "f":
        text = text.str.replace(r"\.0$", "", regex=True).str.replace(".", ",")
    return text.to_numpy(dtype=object)


class _Report:
    """Findings about the rows of one table, and which rows have an error."""

    def __init__(self, rows: pd.DataFrame):
        self.rows = rows
        self.parts: list[pd.DataFrame] = []
        self.errors = np.zeros(len(rows), dtype=bool)

    def add(self, mask, code: Reason, column: str, template: str, **values) -> None:
        """Report the rows under `mask`.

        `template` is the message; each ``{name}`` in it is filled from the
        keyword `name`: a string as is, a Series or array (aligned with the
        rows) by the flagged row's own value. The keyword ``value`` also fills the
        findings' value column.
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


def _place(rows: pd.DataFrame) -> pd.Series:
    sheet = np.where(rows["source_sheet"] != "", ", лист " + rows["source_sheet"], "")
    return rows["source_file"] + sheet + ", строка " + rows["source_row"].astype(str)


# --- cells to types -----------------------------------------------------------


def _fold(text: str) -> str:
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").lower().split())


def _lookup(column: pd.Series, parse: Callable[[str], object], dtype) -> pd.Series:
    """Parse each distinct cell once, then spread the results over the column.

    A cell `parse` does not recognise (None) and an empty cell become NA.
    """
    codes, distinct = pd.factorize(column)
    parsed = pd.array([parse(str(value)) for value in distinct], dtype=dtype)
    return pd.Series(parsed.take(codes, allow_fill=True), index=column.index)


#: Reason and parser of each kind of field with a closed list of values.
_CHOICES = {
    "flag": (Reason.BAD_FLAG, lambda text: _FLAGS.get(_fold(text).replace(",", "."))),
    "municipality": (Reason.UNKNOWN_MUNICIPALITY, normalise_municipality),
    "school_type": (
        Reason.UNKNOWN_SCHOOL_TYPE,
        lambda text: _SCHOOL_TYPES.get(_fold(text)),
    ),
    "settlement": (
        Reason.UNKNOWN_SETTLEMENT,
        lambda text: _SETTLEMENTS.get(_fold(text)),
    ),
}
_ALLOWED = {
    "flag": "«да» или «нет» (также 1 или 0)",
    "municipality": ", ".join(MUNICIPALITIES),
    "school_type": ", ".join(SCHOOL_TYPES),
    "settlement": ", ".join(SETTLEMENTS),
}


def _numbers(column: pd.Series) -> np.ndarray:
    """Parse a count column to float64: NaN where empty or not a number."""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return column.to_numpy(dtype="float64", na_value=np.nan)
    numbers = pd.to_numeric(column, errors="coerce").astype("float64")
    retry = numbers.isna() & column.notna()
    if retry.any():
        cleaned = (
            column[retry]
            .astype(str)
            .str.replace(r"[\s\u00a0\u202f]", "", regex=True)
            .str.replace(",", ".", regex=False)
        )
        numbers[retry] = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    return numbers.to_numpy()


# --- the checks ---------------------------------------------------------------


@dataclass(frozen=True)
class _Checked:
    """A year's rows typed and checked; all rows, NaN where a cell is bad."""

    text: pd.DataFrame
    counts: pd.DataFrame
    provenance: pd.DataFrame
    errors: np.ndarray
    findings: list[pd.DataFrame]
    required: frozenset[str]


def _sum(counts: pd.DataFrame, fields) -> pd.Series:
    """Return the sum of `fields` per row; NaN where any of them is NaN."""
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
    submissions: Submissions, empty: pd.DataFrame, required, report: _Report
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
    rows: pd.DataFrame, empty: pd.DataFrame, report: _Report
) -> pd.DataFrame:
    """Parse every count column; report values that are not whole or negative."""
    names = [field.name for field in FIELDS if field.kind == "count"]
    # One (fields x schools) array: pandas keeps it as a single block. A column
    # the CSV parser read as integers holds whole numbers already.
    numbers = np.empty((len(names), len(rows)))
    whole = np.empty(numbers.shape, dtype=bool)
    for position, name in enumerate(names):
        numbers[position] = values = _numbers(rows[name])
        whole[position] = np.abs(values) < _LARGEST_COUNT  # false for NaN, inf
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


def _check_choices(rows: pd.DataFrame, report: _Report) -> pd.DataFrame:
    """Bring identity and да/нет cells to canonical values; report the rest."""
    text = {}
    for field in FIELDS:
        raw = rows[field.name]
        if field.kind not in _CHOICES:
            if field.kind != "count":
                text[field.name] = raw.astype("str")
            continue
        code, parse = _CHOICES[field.kind]
        dtype = "boolean" if field.kind == "flag" else "str"
        text[field.name] = parsed = _lookup(raw, parse, dtype)
        report.add(
            raw.notna().to_numpy() & parsed.isna().to_numpy(),
            code,
            field.name,
            "{header}: значение «{value}» не подходит. Допустимо: {allowed}.",
            header=_header(field.name),
            value=raw,
            allowed=_ALLOWED[field.kind],
        )
    return pd.DataFrame(text)


def _part_whole_pairs(methodology: Methodology, year: int) -> list[tuple]:
    pairs = [
        (indicator.numerator, indicator.denominator)
        for indicator in methodology.indicators_in_effect(year)
        if SCHOOLS not in indicator.denominator
    ]
    return list(dict.fromkeys([*pairs, *PART_WHOLE]))


def _check_parts(counts: pd.DataFrame, pairs, report: _Report) -> None:
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


def _check_duplicates(ids: pd.Series, rows: pd.DataFrame, report: _Report) -> None:
    repeated = ids.notna() & ids.duplicated(keep=False)
    if not repeated.any():
        return
    places = pd.DataFrame({"school_id": ids[repeated], "place": _place(rows[repeated])})
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


def _check_plausibility(counts: pd.DataFrame, report: _Report) -> None:
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


def _check(submissions: Submissions, methodology: Methodology) -> _Checked:
    rows = submissions.rows
    required = frozenset(methodology.required_fields(submissions.year))
    report = _Report(rows)
    missing, broken = _check_columns(submissions, required)

    empty = rows.isna()
    _check_empty(submissions, empty, required, report)
    counts = _check_counts(rows, empty, report)
    text = _check_choices(rows, report)
    _check_duplicates(text["school_id"], rows, report)
    _check_parts(counts, _part_whole_pairs(methodology, submissions.year), report)
    _check_plausibility(counts, report)

    return _Checked(
        text=text,
        counts=counts,
        provenance=rows.loc[:, PROVENANCE],
        errors=report.errors | broken,
        findings=[submissions.findings, *missing, *report.parts],
        required=required,
    )


# --- the previous year --------------------------------------------------------


def _identified(checked: _Checked) -> pd.DataFrame:
    """Rows with a school id (the first of each id) and their total pupils."""
    schools = checked.text.loc[:, ["school_id", "school_name", "municipality"]].join(
        checked.provenance
    )
    schools["pupils"] = _sum(checked.counts, GRADE_FIELDS)
    ids = schools["school_id"]
    return schools[ids.notna() & ~ids.duplicated()]


def _compare_with_previous(
    data_dir: str | Path, checked: _Checked, year: int, methodology: Methodology
) -> list[pd.DataFrame]:
    folder = year_folder(data_dir, year - 1)
    if not folder.is_dir():
        return []
    last = _check(read_year(data_dir, year - 1), methodology)
    problems = combine_findings(last.findings)
    blocking = problems[problems["row"].isna() & (problems["severity"] == "error")]
    if len(blocking):
        first = blocking.iloc[0]
        message = (
            f"Данные за {year - 1} год прочитаны не полностью ({first['file']}: "
            f"{first['message']}), поэтому сравнение с прошлым годом пропущено. "
            f"Проверьте их командой profmon validate --year {year - 1}."
        )
        return [file_finding(str(folder), Reason.PREVIOUS_YEAR_UNREADABLE, message)]

    now, then = _identified(checked), _identified(last)
    gone = then[~then["school_id"].isin(now["school_id"])]
    located = gone.assign(source_file="", source_sheet="", source_row=pd.NA)
    disappeared = _Report(located)
    disappeared.add(
        np.ones(len(gone), dtype=bool),
        Reason.SCHOOL_DISAPPEARED,
        "school_id",
        "ОО «{name}» (код {value}, {municipality}) есть в данных за {last} год "
        "({place}), но её нет в данных за {year} год. Проверьте, не пропущены ли "
        "строка или файл; если ОО закрыта или реорганизована, предупреждение можно "
        "не учитывать.",
        name=gone["school_name"].fillna(""),
        value=gone["school_id"],
        municipality=gone["municipality"].fillna("МО не указано"),
        place=_place(gone),
        last=str(year - 1),
        year=str(year),
    )

    both = now.merge(
        then[["school_id", "pupils"]], on="school_id", suffixes=("", "_last")
    )
    changed = _Report(both)
    change = both["pupils"] - both["pupils_last"]
    changed.add(
        change.abs() > 0.5 * both["pupils_last"],
        Reason.PUPILS_CHANGED,
        "grade_1:11",
        "Обучающихся 1–11 кл. {value}, в {last} году было {before}: изменение "
        "больше чем наполовину. Проверьте численность по классам; если изменение "
        "действительно было, предупреждение можно не учитывать.",
        value=both["pupils"],
        before=both["pupils_last"],
        last=str(year - 1),
    )
    return [*disappeared.parts, *changed.parts]


# --- the validated schools frame ----------------------------------------------


def _schools(checked: _Checked, year: int, methodology: Methodology) -> pd.DataFrame:
    keep = ~checked.errors
    everything = keep.all()
    counts = checked.counts if everything else checked.counts.loc[keep]
    text = checked.text if everything else checked.text.loc[keep]
    provenance = checked.provenance if everything else checked.provenance.loc[keep]

    numbers = counts.to_numpy()
    columns = {}
    for field in FIELDS:
        if field.kind == "count":
            values = numbers[:, counts.columns.get_loc(field.name)]
            # a required count has no NaN left in rows without errors
            required = field.name in checked.required
            columns[field.name] = (
                values.astype("int64") if required else pd.array(values, dtype="Int64")
            )
        elif field.kind == "flag":
            kind = "bool" if field.name in checked.required else "boolean"
            columns[field.name] = text[field.name].astype(kind).array
        else:
            columns[field.name] = text[field.name].array
    columns["year"] = np.full(len(counts), year, dtype="int64")
    sizes = pd.DataFrame(
        {name: columns[name] for name in ["school_type", *GRADE_FIELDS]}
    )
    columns["cluster"] = classify(sizes, methodology.clusters).array
    columns.update({name: provenance[name].array for name in PROVENANCE})
    return pd.DataFrame(columns)


def validate_year(
    data_dir: str | Path,
    year: int,
    methodology: Methodology | None = None,
    previous: bool = True,
) -> ValidationResult:
    """Read and check every submission of a year, reporting all findings at once.

    Parameters
    ----------
    data_dir : str or Path
        The data folder; files are read from ``DIR/raw/<year>/`` and never
        changed.
    year : int
        Monitoring year.
    methodology : Methodology, optional
        The edition whose indicators decide the required columns
        (:meth:`Methodology.required_fields`) and the part/whole checks; by
        default the edition in effect in `year`.
    previous : bool
        Compare with ``DIR/raw/<year - 1>/`` when that folder exists: a
        school that disappeared, or whose pupils changed by more than half,
        is a warning. The previous year's own findings are not reported.

    Returns
    -------
    ValidationResult
        The validated schools (rows without errors) and every finding.

    Notes
    -----
    A да/нет cell takes «да» or «нет» in any case, or 1 and 0. A count takes
    a decimal comma when the fraction is zero («12,0» is 12) and spaces
    between thousands; «12,5» is an error. A part is compared with its whole
    only where both are valid counts, so one bad cell gives one finding, not
    a cascade.
    """
    methodology = load_methodology(year) if methodology is None else methodology
    submissions = read_year(data_dir, year)
    checked = _check(submissions, methodology)
    findings = list(checked.findings)
    if previous:
        findings += _compare_with_previous(data_dir, checked, year, methodology)
    findings = combine_findings(findings)

    schools = _schools(checked, year, methodology)
    log.info(
        "validated %d: %d of %d row(s) accepted; %s",
        year,
        len(schools),
        len(submissions.rows),
        summarise_findings(findings),
    )
    return ValidationResult(year=year, schools=schools, findings=findings)

"""Validation of a year's submissions: every rule, every finding at once.

:func:`validate_year` reads the files of a year (:mod:`profmon.intake`), checks
them (:mod:`profmon.checks`), compares them with the year before, and returns
the validated schools with one findings table (:mod:`profmon.findings`) that
holds every problem found, not just the first.

Errors block the build: a required column missing from a file; an empty
required cell; a count that is not a whole number or is negative; a да/нет cell
holding anything else; an unknown municipality, school type or settlement; a
``school_id`` used twice in the year; a part larger than its whole (each
numerator of an indicator in effect above its denominator, and the pairs of
:data:`profmon.checks.PART_WHOLE`); a file that cannot be read or holds no
data.

Warnings are reported and the build goes on: graduates above the pupils of
their grade; college plus university admissions above the graduates of grade
11; a school present last year and missing now; a school's pupils changed by
more than half since last year; unknown columns and files that are not read.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from profmon.checks import (
    PART_WHOLE,
    Checked,
    RowReport,
    check_submissions,
    place,
    total,
)
from profmon.clusters import classify
from profmon.fields import FIELDS, GRADE_FIELDS
from profmon.findings import (
    Reason,
    Severity,
    combine_findings,
    file_finding,
    format_findings,
    summarise_findings,
    write_findings_csv,
)
from profmon.intake import PROVENANCE, read_year, year_folder
from profmon.methodology import Methodology, load_methodology

__all__ = [
    "PART_WHOLE",
    "ValidationResult",
    "format_findings",
    "summarise_findings",
    "validate_year",
    "write_findings_csv",
]

log = logging.getLogger(__name__)


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


# --- the previous year --------------------------------------------------------


def _identified(checked: Checked) -> pd.DataFrame:
    """Rows with a school id (the first of each id) and their total pupils."""
    schools = checked.text.loc[:, ["school_id", "school_name", "municipality"]].join(
        checked.provenance
    )
    schools["pupils"] = total(checked.counts, GRADE_FIELDS)
    ids = schools["school_id"]
    return schools[ids.notna() & ~ids.duplicated()]


def _compare_with_previous(
    data_dir: str | Path, checked: Checked, year: int, methodology: Methodology
) -> list[pd.DataFrame]:
    folder = year_folder(data_dir, year - 1)
    if not folder.is_dir():
        return []
    last = check_submissions(read_year(data_dir, year - 1), methodology)
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
    disappeared = RowReport(located)
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
        place=place(gone),
        last=str(year - 1),
        year=str(year),
    )

    both = now.merge(
        then[["school_id", "pupils"]], on="school_id", suffixes=("", "_last")
    )
    changed = RowReport(both)
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


def _schools(checked: Checked, year: int, methodology: Methodology) -> pd.DataFrame:
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
    checked = check_submissions(submissions, methodology)
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

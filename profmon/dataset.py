"""Loading validated schools: one year, or every year as a panel.

These are the entry points of the analysis: each year is read and checked by
:func:`profmon.validation.validate_year`, and a year with errors is refused
with a :class:`~profmon.errors.DataError` that carries the findings, so no
figure is ever computed from data that failed a check.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from profmon.errors import DataError
from profmon.findings import Severity, summarise_findings
from profmon.methodology import Methodology, load_methodology
from profmon.validation import validate_year

__all__ = ["available_years", "load_panel", "load_year"]

log = logging.getLogger(__name__)


def available_years(data_dir: str | Path) -> list[int]:
    """Return the years that have a folder under ``DIR/raw``, oldest first.

    Parameters
    ----------
    data_dir : str or Path
        The data folder.

    Returns
    -------
    list of int
        Years whose folder name is four digits; empty when ``DIR/raw`` does
        not exist.
    """
    raw = Path(data_dir) / "raw"
    if not raw.is_dir():
        return []
    return sorted(
        int(path.name)
        for path in raw.iterdir()
        if path.is_dir() and len(path.name) == 4 and path.name.isdigit()
    )


def load_year(
    data_dir: str | Path, year: int, methodology: Methodology | None = None
) -> pd.DataFrame:
    """Return the validated schools of a year, refusing data with errors.

    Parameters
    ----------
    data_dir : str or Path
        The data folder; submissions are read from ``DIR/raw/<year>/``.
    year : int
        Monitoring year.
    methodology : Methodology, optional
        Edition used for the required columns, the part/whole checks and the
        clusters; by default the edition in effect in `year`.

    Returns
    -------
    pandas.DataFrame
        The validated schools frame: every contract field, ``year``,
        ``cluster`` and the provenance columns, one row per school.

    Raises
    ------
    DataError
        If any finding is an error; the message counts them and the findings
        table is attached as ``findings``.

    Notes
    -----
    The comparison with the previous year gives only warnings, so it is
    skipped here; :func:`profmon.validation.validate_year` reports it.
    """
    methodology = load_methodology(year) if methodology is None else methodology
    result = validate_year(data_dir, year, methodology, previous=False)
    if result.has_errors:
        errors = int((result.findings["severity"] == Severity.ERROR.value).sum())
        raise DataError(
            f"Данные за {year} год не приняты: ошибок — {errors} "
            f"({summarise_findings(result.findings).lower()}). Список с указанием "
            f"файлов, строк и столбцов выведет команда "
            f"profmon validate --data {data_dir} --year {year}.",
            result.findings,
        )
    warnings = result.findings
    if len(warnings):
        log.warning("%d: %s", year, summarise_findings(warnings))
    return result.schools


def load_panel(
    data_dir: str | Path,
    years: list[int] | None = None,
    methodology: Methodology | None = None,
) -> pd.DataFrame:
    """Return the validated schools of several years, one after another.

    Parameters
    ----------
    data_dir : str or Path
        The data folder.
    years : list of int, optional
        Years to load; by default every year with a folder under ``DIR/raw``.
    methodology : Methodology, optional
        One edition for every year, so that indicators and clusters are
        computed alike; by default the edition in effect in the newest year.
        Each year still requires only the fields its indicators measured
        then (:meth:`Methodology.required_fields`).

    Returns
    -------
    pandas.DataFrame
        The years' schools frames concatenated, sorted by year.

    Raises
    ------
    DataError
        If there is no year to load, or any year has errors (the first such
        year, in order).
    """
    years = available_years(data_dir) if years is None else sorted(years)
    if not years:
        raise DataError(
            f"В папке {Path(data_dir) / 'raw'} нет папок с годами (например, "
            "raw/2022). Положите файлы ОО в папку своего года."
        )
    methodology = load_methodology(years[-1]) if methodology is None else methodology
    frames = [load_year(data_dir, year, methodology) for year in years]
    return pd.concat(frames, ignore_index=True)

"""Build a year: validated schools and every indicator, as parquet files.

``profmon build`` reads ``DIR/raw/<year>/`` (never changing it), refuses data
with errors, and writes to ``DIR/processed/<year>/``:

- ``schools.parquet``: the validated schools with their cluster;
- ``indicators.parquet``: every indicator at every level (region, cluster,
  municipality, municipality × cluster, school) with the previous year's value
  and the change where the previous year's data is there;
- ``contingent.parquet``: schools, pupils, ОВЗ and disability by cluster;
- ``findings.parquet``: the validation warnings.

Each file is written atomically: a crash leaves the previous file or none.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from profmon.atomic import atomic_path
from profmon.contingent import contingent_table
from profmon.dataset import available_years, load_year
from profmon.engine import LEVELS, compute_indicators, with_previous_year
from profmon.errors import DataError
from profmon.findings import Severity, summarise_findings
from profmon.methodology import Methodology, load_methodology
from profmon.validation import validate_year

__all__ = ["BuildResult", "build_year", "indicator_table"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildResult:
    """What :func:`build_year` wrote.

    Parameters
    ----------
    year : int
        Monitoring year.
    folder : Path
        ``DIR/processed/<year>/``.
    files : tuple of Path
        Files written.
    schools : int
        Schools in the validated table.
    warnings : int
        Validation warnings.
    """

    year: int
    folder: Path
    files: tuple[Path, ...]
    schools: int
    warnings: int


def indicator_table(
    schools: pd.DataFrame, methodology: Methodology, levels=tuple(LEVELS)
) -> pd.DataFrame:
    """Compute every indicator at each of `levels`, one table.

    Parameters
    ----------
    schools : pandas.DataFrame
        Validated schools of one or more years.
    methodology : Methodology
        Indicators and targets.
    levels : sequence of str
        Levels of :data:`profmon.engine.LEVELS`.

    Returns
    -------
    pandas.DataFrame
        :func:`profmon.engine.compute_indicators` tables stacked, with
        ``previous_value`` and ``change`` from the year before.
    """
    tables = [compute_indicators(schools, methodology, by=level) for level in levels]
    table = pd.concat(tables, ignore_index=True)
    table["cluster"] = table["cluster"].astype("string")
    return with_previous_year(table)


def _write_parquet(frame: pd.DataFrame, path: Path) -> Path:
    with atomic_path(path) as temporary:
        frame.to_parquet(temporary, index=False)
    return path


def build_year(
    data_dir: str | Path, year: int, methodology: Methodology | None = None
) -> BuildResult:
    """Validate a year's submissions and write the processed tables.

    Parameters
    ----------
    data_dir : str or Path
        The data folder (``raw/`` and ``processed/`` inside it).
    year : int
        Monitoring year.
    methodology : Methodology, optional
        By default the edition in effect in `year`.

    Returns
    -------
    BuildResult
        The files written.

    Raises
    ------
    DataError
        If the year's submissions have errors; nothing is written then.
    """
    methodology = load_methodology(year) if methodology is None else methodology
    validation = validate_year(data_dir, year, methodology)
    if validation.has_errors:
        summary = summarise_findings(validation.findings).lower()
        raise DataError(
            f"Данные за {year} год не приняты ({summary}); сборка не выполнена. "
            f"Подробности: profmon validate --data {data_dir} --year {year}.",
            validation.findings,
        )
    schools = validation.schools
    panel = schools
    if year - 1 in available_years(data_dir):
        try:
            previous = load_year(data_dir, year - 1, methodology)
        except DataError:
            log.warning("%d has errors: changes from it are not computed", year - 1)
        else:
            panel = pd.concat([previous, schools], ignore_index=True)

    indicators = indicator_table(panel, methodology)
    indicators = indicators.loc[indicators["year"] == year].reset_index(drop=True)
    warnings = validation.findings.loc[
        validation.findings["severity"] == Severity.WARNING.value
    ]
    folder = Path(data_dir) / "processed" / str(year)
    folder.mkdir(parents=True, exist_ok=True)
    files = (
        _write_parquet(schools, folder / "schools.parquet"),
        _write_parquet(indicators, folder / "indicators.parquet"),
        _write_parquet(contingent_table(schools), folder / "contingent.parquet"),
        _write_parquet(warnings.reset_index(drop=True), folder / "findings.parquet"),
    )
    for path in files:
        log.info("wrote %s", path)
    return BuildResult(year, folder, files, len(schools), len(warnings))

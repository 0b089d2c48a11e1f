"""Everything a report of one year reads, loaded once per process.

:func:`load_context` reads the raw submissions of every year up to the report
year, validates them, computes every indicator at every level with disclosure
control applied, and keeps the validation warnings of the report year. The
result is memoised on a fingerprint of the raw files, so the 21 reports of a
year rendered in one kernel read the data once, and an edited file is read
again.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from profmon.disclosure import flag_shares
from profmon.engine import LEVELS, compute_indicators
from profmon.errors import DataError, ProfmonError
from profmon.methodology import Methodology, load_methodology
from profmon.municipalities import MUNICIPALITIES, normalise_municipality

__all__ = [
    "ReportContext",
    "build_context",
    "clear_cache",
    "load_context",
    "resolve_data_dir",
    "resolve_municipality",
]

log = logging.getLogger(__name__)

_CACHE: dict[tuple, ReportContext] = {}


@dataclass(frozen=True)
class ReportContext:
    """The data of one report year.

    Parameters
    ----------
    year : int
        The report year.
    methodology : Methodology
        Edition in effect that year; its targets apply to every year shown.
    panel : pandas.DataFrame
        Validated schools of every year up to `year` (``year`` and
        ``cluster`` columns).
    indicators : dict of str to pandas.DataFrame
        Engine level -> indicator table of every year, with ``suppressed``
        (disclosure control), ``previous_value``, ``previous_met``,
        ``previous_suppressed`` and ``change`` (percentage points).
    warnings : pandas.DataFrame
        Validation findings of severity ``warning`` for `year`.
    data_dir : Path or None
        Where the data were read from; None for a context built from frames.
    parameters : dict
        The report's parameters as given, for the provenance appendix.
    """

    year: int
    methodology: Methodology
    panel: pd.DataFrame
    indicators: dict[str, pd.DataFrame]
    warnings: pd.DataFrame
    data_dir: Path | None = None
    parameters: dict = field(default_factory=dict)

    @property
    def years(self) -> tuple[int, ...]:
        """Years present in the panel, ascending."""
        return tuple(sorted(int(year) for year in self.panel["year"].unique()))

    @property
    def previous_year(self) -> int:
        """The year before the report year (its data may be absent)."""
        return self.year - 1

    @property
    def schools(self) -> pd.DataFrame:
        """Validated schools of the report year."""
        return self.panel[self.panel["year"] == self.year]

    def level(self, level: str, year: int | None = None) -> pd.DataFrame:
        """Return the indicator rows of a level for one year (report year default).

        Parameters
        ----------
        level : str
            An engine level: region, cluster, municipality,
            municipality_cluster or school.
        year : int, optional
            Year; the report year by default.

        Returns
        -------
        pandas.DataFrame
            Rows of that level and year, in engine order.
        """
        table = self.indicators[level]
        year = self.year if year is None else year
        return table[table["year"] == year].reset_index(drop=True)

    def municipalities(self) -> tuple[str, ...]:
        """Municipalities with schools in the report year, in the region's order."""
        present = set(self.schools["municipality"].astype(str))
        return tuple(name for name in MUNICIPALITIES if name in present)


def _with_previous(table: pd.DataFrame) -> pd.DataFrame:
    keys = ["level", "group", "indicator"]
    previous = table.loc[:, ["year", *keys, "value", "met", "suppressed"]].copy()
    previous["year"] = previous["year"] + 1
    previous = previous.rename(
        columns={
            "value": "previous_value",
            "met": "previous_met",
            "suppressed": "previous_suppressed",
        }
    )
    result = table.merge(previous, on=["year", *keys], how="left")
    result["previous_suppressed"] = (
        result["previous_suppressed"].astype("boolean").fillna(False).astype(bool)
    )
    result["previous_met"] = result["previous_met"].astype("boolean")
    result["change"] = result["value"] - result["previous_value"]
    return result


def build_context(
    panel: pd.DataFrame,
    year: int,
    methodology: Methodology | None = None,
    warnings: pd.DataFrame | None = None,
    data_dir: str | os.PathLike | None = None,
    parameters: dict | None = None,
) -> ReportContext:
    """Compute the indicator tables of a report from validated schools.

    Parameters
    ----------
    panel : pandas.DataFrame
        Validated schools of one or more years (later years are dropped).
    year : int
        The report year; `panel` must hold it.
    methodology : Methodology, optional
        Edition to use; by default the one in effect in `year`.
    warnings : pandas.DataFrame, optional
        Validation warnings of `year`.
    data_dir : str or path-like, optional
        Where the data came from.
    parameters : dict, optional
        The report's parameters, for the provenance appendix.

    Returns
    -------
    ReportContext
        The report's data.

    Raises
    ------
    ProfmonError
        If `panel` has no school in `year`.
    """
    methodology = methodology or load_methodology(year)
    panel = panel[panel["year"] <= year].reset_index(drop=True)
    if not (panel["year"] == year).any():
        raise ProfmonError(f"Нет данных ни об одной ОО за {year} год.")
    indicators = {}
    for level in LEVELS:
        table = compute_indicators(panel, methodology, by=level)
        indicators[level] = _with_previous(flag_shares(table, methodology))
    if warnings is None:
        warnings = pd.DataFrame(
            columns=["file", "sheet", "row", "column", "value", "code", "message"]
        )
    return ReportContext(
        year=int(year),
        methodology=methodology,
        panel=panel,
        indicators=indicators,
        warnings=warnings.reset_index(drop=True),
        data_dir=None if data_dir is None else Path(data_dir),
        parameters=dict(parameters or {}),
    )


def resolve_data_dir(data_dir: str | os.PathLike) -> Path:
    """Find the data folder a report parameter names.

    Parameters
    ----------
    data_dir : str or path-like
        Absolute, or relative to the working folder. A notebook's default
        (``../data``) is written for a kernel started in ``notebooks/``; it
        is also tried against ``notebooks/`` under the working folder, so the
        same value works when the kernel starts at the project root.

    Returns
    -------
    Path
        An absolute folder that holds ``raw/``.

    Raises
    ------
    ProfmonError
        If no candidate holds ``raw/``; the message lists the paths tried.
    """
    path = Path(data_dir).expanduser()
    candidates = [path] if path.is_absolute() else [Path.cwd() / path]
    if not path.is_absolute():
        candidates.append(Path.cwd() / "notebooks" / path)
    for candidate in candidates:
        if (candidate / "raw").is_dir():
            return candidate.resolve()
    tried = ", ".join(str(candidate.resolve()) for candidate in candidates)
    raise ProfmonError(
        f"Папка данных {str(data_dir)!r} не найдена: нет подпапки raw/ "
        f"(проверены пути: {tried}). Укажите параметр data_dir."
    )


def resolve_municipality(name: str) -> str:
    """Return the canonical name of a report's municipality parameter.

    Parameters
    ----------
    name : str
        The municipality as the user wrote it; case, ё/е, extra spaces and
        suffixes such as «район» or «г.» do not matter (see
        :func:`~profmon.municipalities.normalise_municipality`).

    Returns
    -------
    str
        One of :data:`~profmon.municipalities.MUNICIPALITIES`.

    Raises
    ------
    ProfmonError
        If the name is not one of the region's municipalities or ГОУ.
    """
    canonical = normalise_municipality(name)
    if canonical is None:
        raise ProfmonError(
            f"Неизвестное муниципальное образование {name!r}; допустимы: "
            f"{', '.join(MUNICIPALITIES)}."
        )
    return canonical


def _fingerprint(raw: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(raw.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(raw).as_posix().encode("utf-8"))
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _years(data_dir: Path, year: int) -> list[int]:
    raw = data_dir / "raw"
    years = sorted(
        int(child.name)
        for child in raw.iterdir()
        if child.is_dir() and child.name.isdigit() and int(child.name) <= year
    )
    if year not in years:
        raise ProfmonError(
            f"Нет данных за {year} год: папка {raw / str(year)} не найдена."
        )
    return years


def load_context(
    data_dir: str | os.PathLike, year: int, parameters: dict | None = None
) -> ReportContext:
    """Read, validate and compute everything a report of `year` shows.

    Parameters
    ----------
    data_dir : str or path-like
        The data folder (see :func:`resolve_data_dir`).
    year : int
        The report year.
    parameters : dict, optional
        The report's parameters as given, shown in its provenance appendix.

    Returns
    -------
    ReportContext
        Memoised per process on the data folder, the year and a fingerprint
        of every raw file: a second report of the same year reuses it.

    Raises
    ------
    DataError
        If a year's submissions have blocking errors.
    ProfmonError
        If the folder or the year's data are missing.
    """
    from profmon.dataset import load_panel, load_year
    from profmon.validation import validate_year

    folder = resolve_data_dir(data_dir)
    year = int(year)
    key = (str(folder), year, _fingerprint(folder / "raw"))
    context = _CACHE.get(key)
    if context is None:
        log.info("reading the data of %d from %s", year, folder)
        years = _years(folder, year)
        methodology = load_methodology(year)
        # The report year is validated once, with the comparison to the year
        # before (its warnings go to the appendix); on errors the loader
        # raises its own DataError. Earlier years come from the loader.
        result = validate_year(folder, year, methodology)
        if result.has_errors:
            load_year(folder, year, methodology)  # raises the loader's DataError
            raise DataError(f"Данные за {year} год содержат ошибки.", result.findings)
        earlier = [known for known in years if known < year]
        frames = [result.schools]
        if earlier:
            frames.insert(0, load_panel(folder, years=earlier, methodology=methodology))
        panel = pd.concat(frames, ignore_index=True)
        warnings = result.findings[result.findings["severity"] == "warning"]
        context = build_context(panel, year, methodology, warnings, folder)
        _CACHE.clear()  # one data set at a time keeps memory flat
        _CACHE[key] = context
    if parameters is not None:
        return replace(context, parameters=dict(parameters))
    return context


def clear_cache() -> None:
    """Forget memoised contexts (tests use it)."""
    _CACHE.clear()

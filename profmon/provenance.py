"""Provenance of a report: which data, which code, which parameters, when.

Every report ends with an appendix that lets a reader check where its figures
come from: a fingerprint of the raw files it was computed from, the profmon
version and the parameters it was run with. The generation time honours
``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) so that two runs on
the same inputs give byte-identical reports.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

import profmon
from profmon.errors import ProfmonError

__all__ = [
    "IGNORED_NAMES",
    "available_years",
    "data_fingerprint",
    "frame_digest",
    "generation_time",
    "package_fingerprint",
    "package_version",
    "provenance",
    "raw_files",
    "report_fingerprint",
]

log = logging.getLogger(__name__)

#: Names the reader skips in ``raw/<year>/`` (besides hidden and lock files).
IGNORED_NAMES = frozenset({"thumbs.db", "desktop.ini"})

_PACKAGE_DIR = Path(profmon.__file__).resolve().parent
_YEAR_DIR = re.compile(r"^\d{4}$")


def generation_time() -> datetime.datetime:
    """Return the moment reports say they were generated, in UTC.

    Returns
    -------
    datetime.datetime
        ``SOURCE_DATE_EPOCH`` (seconds since 1970-01-01 UTC) when that
        environment variable is set, otherwise the current time; timezone-aware,
        whole seconds.

    Raises
    ------
    ProfmonError
        If ``SOURCE_DATE_EPOCH`` is set but is not a whole number of seconds.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None or epoch.strip() == "":
        return datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    try:
        seconds = int(epoch.strip())
    except ValueError:
        raise ProfmonError(
            f"Переменная окружения SOURCE_DATE_EPOCH={epoch!r} должна быть целым "
            "числом секунд с 1970-01-01 UTC (например, 1700000000) или не "
            "задаваться вовсе."
        ) from None
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC)


def package_version() -> str:
    """Return the installed version of profmon (``0+unknown`` if not installed)."""
    return profmon.__version__


def package_fingerprint() -> str:
    """Return a sha256 over the package's own files (code, methodology, assets).

    Returns
    -------
    str
        Hex digest over the sorted relative paths and bytes of every file under
        the ``profmon`` package directory, byte-compiled caches excepted. It
        changes whenever the code a report runs changes, even without a new
        version number.
    """
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE_DIR.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        if path.suffix in (".pyc", ".pyo"):
            continue
        _update(digest, path.relative_to(_PACKAGE_DIR).as_posix(), path.read_bytes())
    return digest.hexdigest()


def available_years(data_dir: str | os.PathLike) -> list[int]:
    """Return the years that have a folder under ``<data_dir>/raw``, ascending.

    Parameters
    ----------
    data_dir : str or path-like
        The data directory.

    Returns
    -------
    list of int
        Years whose folder name is four digits; empty without ``raw/``.
    """
    raw = Path(data_dir) / "raw"
    if not raw.is_dir():
        return []
    return sorted(
        int(child.name)
        for child in raw.iterdir()
        if child.is_dir() and _YEAR_DIR.match(child.name)
    )


def raw_files(data_dir: str | os.PathLike, year: int) -> list[Path]:
    """Return the raw submission files of a year, sorted by name.

    Parameters
    ----------
    data_dir : str or path-like
        The data directory (``raw/<year>/`` inside it).
    year : int
        Monitoring year.

    Returns
    -------
    list of Path
        Every file the reader looks at: hidden files, Excel's lock files
        (``~$name.xlsx``) and :data:`IGNORED_NAMES` are left out, as the reader
        leaves them. Files in formats the reader does not read are kept: the
        reader reports them, so they change what a report says about the data.
    """
    folder = Path(data_dir) / "raw" / str(year)
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.iterdir()
        if path.is_file()
        and not path.name.startswith((".", "~$"))
        and path.name.lower() not in IGNORED_NAMES
    )


def data_fingerprint(data_dir: str | os.PathLike, years: Iterable[int]) -> str:
    """Return a sha256 over the raw files of the given years.

    Parameters
    ----------
    data_dir : str or path-like
        The data directory.
    years : iterable of int
        Years whose ``raw/<year>/`` files are included; a year without a folder
        contributes nothing.

    Returns
    -------
    str
        Hex digest over each file's path relative to `data_dir` (with ``/``
        separators, so the same data gives the same fingerprint on every
        system) and its bytes, in sorted order. Moving the data directory does
        not change it; renaming, adding or editing a file does.
    """
    root = Path(data_dir)
    digest = hashlib.sha256()
    for year in sorted(set(years)):
        for path in raw_files(root, year):
            _update(digest, path.relative_to(root).as_posix(), path.read_bytes())
    return digest.hexdigest()


def frame_digest(frame: pd.DataFrame) -> str:
    """Return a sha256 of a frame's columns and values, independent of row order.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any frame; the index is ignored.

    Returns
    -------
    str
        Hex digest over the sorted column names with their dtypes and the
        sorted per-row hashes (:func:`pandas.util.hash_pandas_object`).
    """
    named = frame.set_axis([str(column) for column in frame.columns], axis=1)
    columns = sorted(named.columns)
    digest = hashlib.sha256()
    for column in columns:
        digest.update(f"{column}:{named[column].dtype}\n".encode())
    rows = pd.util.hash_pandas_object(named.loc[:, columns], index=False)
    digest.update(np.sort(rows.to_numpy()).astype("<u8").tobytes())
    return digest.hexdigest()


def report_fingerprint(context, municipality: str | None = None) -> str:
    """Return the fingerprint of the data one report depends on.

    Parameters
    ----------
    context : profmon.report.context.ReportContext
        The report year's data (read from a data folder).
    municipality : str, optional
        The municipality of a municipal report; None for the regional report.

    Returns
    -------
    str
        For the regional report, :func:`data_fingerprint` of every raw file of
        the context's years. For a municipal report, a sha256 over the
        municipality's own schools (all columns, all years of the context),
        the region- and cluster-level indicator tables and the contingent by
        cluster: the figures it is compared with. The incremental rebuild
        (:mod:`profmon.report_manifest`) renders a municipal report again
        exactly when this changes, so a report that shows it never shows a
        stale one.
    """
    if municipality is None:
        years = available_years(context.data_dir)
        return data_fingerprint(
            context.data_dir, [known for known in years if known <= context.year]
        )
    from profmon.contingent import contingent_table

    panel = context.panel
    own = panel.loc[panel["municipality"].astype(str) == municipality]
    digest = hashlib.sha256()
    for table in (
        own,
        context.indicators["region"],
        context.indicators["cluster"],
        contingent_table(panel, "cluster"),
    ):
        digest.update(frame_digest(table).encode())
    return digest.hexdigest()


def provenance(
    data_dir: str | os.PathLike,
    year: int,
    parameters: Mapping[str, object] | None = None,
    *,
    context=None,
) -> dict:
    """Describe where a report of `year` comes from, for its appendix.

    Parameters
    ----------
    data_dir : str or path-like
        The data directory the report reads.
    year : int
        The report's monitoring year.
    parameters : mapping, optional
        The parameters the report was run with (shown as given); a
        ``municipality`` entry makes it a municipal report.
    context : profmon.report.context.ReportContext, optional
        The report's data, for a municipal report's fingerprint; loaded
        (memoised) from `data_dir` when not given.

    Returns
    -------
    dict
        ``years`` (the years up to `year` with raw data, which a report may
        use for trends), ``data_fingerprint`` (see :func:`data_fingerprint`,
        over those years), ``files`` (the number of raw files),
        ``report_fingerprint`` and ``report_scope`` (what the report depends
        on, see :func:`report_fingerprint`, and a Russian phrase saying what
        it covers), ``profmon_version``, ``package_fingerprint``,
        ``methodology_edition``, ``parameters`` and ``generated_at`` (ISO 8601,
        see :func:`generation_time`).

    Notes
    -----
    A municipal report should show ``report_fingerprint``, not
    ``data_fingerprint``: a rebuild after another municipality's data changed
    leaves it as it is (see :mod:`profmon.report_manifest`), and a
    fingerprint of all files would then be out of date on it.
    """
    from profmon.methodology import load_methodology

    years = [known for known in available_years(data_dir) if known <= year]
    files = sum(len(raw_files(data_dir, known)) for known in years)
    fingerprint = data_fingerprint(data_dir, years)
    shown_years = ", ".join(map(str, years))
    municipality = (parameters or {}).get("municipality")
    if municipality is None:
        report, scope = fingerprint, f"все исходные файлы за {shown_years} гг."
    else:
        from profmon.municipalities import normalise_municipality

        if context is None:
            from profmon.report.context import load_context

            context = load_context(data_dir, year)
        name = normalise_municipality(municipality) or str(municipality)
        report = report_fingerprint(context, name)
        scope = (
            f"данные ОО «{name}» за {shown_years} гг., показатели региона и "
            "кластерных групп"
        )
    return {
        "years": years,
        "data_fingerprint": fingerprint,
        "files": files,
        "report_fingerprint": report,
        "report_scope": scope,
        "profmon_version": package_version(),
        "package_fingerprint": package_fingerprint(),
        "methodology_edition": load_methodology(year).edition,
        "parameters": dict(parameters or {}),
        "generated_at": generation_time().isoformat(),
    }


def _update(digest, name: str, content: bytes) -> None:
    # Length prefixes keep "ab" + "c" apart from "a" + "bc".
    encoded = name.encode("utf-8")
    digest.update(len(encoded).to_bytes(8, "big"))
    digest.update(encoded)
    digest.update(len(content).to_bytes(8, "big"))
    digest.update(content)

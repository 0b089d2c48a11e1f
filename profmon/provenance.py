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

import profmon
from profmon.errors import ProfmonError

__all__ = [
    "IGNORED_NAMES",
    "available_years",
    "data_fingerprint",
    "generation_time",
    "package_fingerprint",
    "package_version",
    "provenance",
    "raw_files",
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
    """Return the years that have a folder under ``<data_dir>/raw``, ascending."""
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


def provenance(
    data_dir: str | os.PathLike,
    year: int,
    parameters: Mapping[str, object] | None = None,
) -> dict:
    """Describe where a report of `year` comes from, for its appendix.

    Parameters
    ----------
    data_dir : str or path-like
        The data directory the report reads.
    year : int
        The report's monitoring year.
    parameters : mapping, optional
        The parameters the report was run with (shown as given).

    Returns
    -------
    dict
        ``years`` (the years up to `year` with raw data, which a report may
        use for trends), ``data_fingerprint`` (see :func:`data_fingerprint`,
        over those years), ``files`` (the number of raw files),
        ``profmon_version``, ``package_fingerprint``, ``methodology_edition``,
        ``parameters`` and ``generated_at`` (ISO 8601, see
        :func:`generation_time`).
    """
    from profmon.methodology import load_methodology

    years = [known for known in available_years(data_dir) if known <= year]
    files = sum(len(raw_files(data_dir, known)) for known in years)
    methodology = load_methodology(year)
    return {
        "years": years,
        "data_fingerprint": data_fingerprint(data_dir, years),
        "files": files,
        "profmon_version": package_version(),
        "package_fingerprint": package_fingerprint(),
        "methodology_edition": methodology.edition,
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

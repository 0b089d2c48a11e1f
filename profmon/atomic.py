"""Atomic writes: an output appears whole or not at all.

Every file profmon produces (parquet tables, workbooks, reports) is first
written to a temporary file in the destination's own directory and then moved
onto the destination with :func:`os.replace`, which is atomic on one file
system. A crash or an exception halfway through leaves the previous version of
the output untouched and no temporary file behind.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_path", "write_bytes_atomic", "write_text_atomic"]

log = logging.getLogger(__name__)

TEMP_SUFFIX = ".tmp"


def _current_umask() -> int:
    # os.umask can only be read by setting it; put the old value straight back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mode_for(path: Path) -> int:
    # The output keeps the mode of the file it replaces; a new file gets the
    # mode an ordinary open() would give it (mkstemp makes temp files 0600).
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return 0o666 & ~_current_umask()


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as stream:
        os.fsync(stream.fileno())


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable. Not every platform can open a
    # directory (Windows cannot); the rename is still atomic there.
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Give a temporary path to write to, moved onto `path` on success.

    Parameters
    ----------
    path : str or path-like
        The final destination. Missing parent directories are created.

    Yields
    ------
    Path
        An empty temporary file in the same directory as `path`, named
        ``.<name>.<random>.tmp``. Write the whole output to it (any writer
        that takes a path will do, it may replace the file).

    Raises
    ------
    FileNotFoundError
        If the block removed the temporary file and wrote nothing in its
        place; `path` is left as it was.

    Notes
    -----
    When the block finishes, the temporary file is flushed to disk and moved
    onto `path` in one step, so a reader sees either the old file or the new
    one, never a half-written file. When the block raises (including
    ``KeyboardInterrupt``), the temporary file is deleted, `path` is not
    touched and the exception propagates.

    Examples
    --------
    >>> with atomic_path("data/processed/2022/schools.parquet") as temp:
    ...     frame.to_parquet(temp)  # doctest: +SKIP
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent
    )
    os.close(descriptor)
    temp = Path(name)

    try:
        yield temp
        os.chmod(temp, _mode_for(target))
        _fsync_file(temp)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise

    _fsync_directory(target.parent)
    log.debug("wrote %s", target)


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write `data` to `path` atomically.

    Parameters
    ----------
    path : str or path-like
        Destination; parent directories are created.
    data : bytes
        The whole content of the file.

    Returns
    -------
    Path
        The destination.
    """
    with atomic_path(path) as temp:
        temp.write_bytes(data)
    return Path(path)


def write_text_atomic(
    path: str | os.PathLike, text: str, *, encoding: str = "utf-8"
) -> Path:
    """Write `text` to `path` atomically.

    Parameters
    ----------
    path : str or path-like
        Destination; parent directories are created.
    text : str
        The whole content of the file. Line ends are written as given (no
        translation to the platform's line end), so output is the same on
        every system.
    encoding : str
        Text encoding.

    Returns
    -------
    Path
        The destination.
    """
    with atomic_path(path) as temp:
        with open(temp, "w", encoding=encoding, newline="") as stream:
            stream.write(text)
    return Path(path)

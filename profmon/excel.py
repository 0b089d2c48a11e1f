"""Saving openpyxl workbooks atomically and byte for byte reproducibly.

openpyxl stamps every workbook with the time of saving, both in the document
properties and on each member of the zip archive, so saving the same content
twice gives two different files, and regenerated sample data would show up as
changed in version control. :func:`save_workbook` fixes both stamps to a date
derived from the monitoring year and writes through :func:`atomic_path`.
"""

from __future__ import annotations

import datetime
import logging
import os
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from profmon.atomic import atomic_path

__all__ = ["save_workbook"]

log = logging.getLogger(__name__)


class _ReproducibleZip(zipfile.ZipFile):
    """A zip archive whose members all carry one fixed timestamp.

    Parameters
    ----------
    file : str or path-like
        The archive to create.
    stamp : tuple of int
        Year, month, day, hour, minute, second written on every member.
    """

    def __init__(self, file, stamp: tuple[int, ...]):
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self._stamp = stamp

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        name = getattr(zinfo_or_arcname, "filename", zinfo_or_arcname)
        member = zipfile.ZipInfo(name, date_time=self._stamp)
        member.compress_type = zipfile.ZIP_DEFLATED
        member.external_attr = 0o644 << 16
        super().writestr(member, data)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        with open(filename, "rb") as stream:
            self.writestr(arcname or os.path.basename(filename), stream.read())


def save_workbook(workbook: Workbook, path: str | os.PathLike, *, year: int) -> Path:
    """Save `workbook` to `path` atomically, with reproducible bytes.

    Parameters
    ----------
    workbook : openpyxl.Workbook
        The workbook to save.
    path : str or path-like
        Destination ``.xlsx``; parent directories are created.
    year : int
        Monitoring year; the document and archive timestamps are set to
        1 January of it instead of the current time.

    Returns
    -------
    Path
        The destination.
    """
    moment = datetime.datetime(year, 1, 1)
    workbook.properties.creator = "profmon"
    workbook.properties.lastModifiedBy = "profmon"
    workbook.properties.created = moment
    workbook.properties.modified = moment
    with atomic_path(path) as temp:
        archive = _ReproducibleZip(temp, moment.timetuple()[:6])
        try:
            ExcelWriter(workbook, archive).save()
        finally:
            archive.close()  # save() closes it too; a second close does nothing
    log.info("wrote %s", path)
    return Path(path)

"""What each report depends on, and the manifest that lets a rebuild skip it.

A report is rendered again only when something it depends on has changed.
Its *key* is a sha256 over all of it: the notebook's bytes, the profmon code
(version and a hash of the package's files, methodology included), the
parameters and the data the report reads:

- the regional report, ``tables.xlsx`` and ``index.html`` read all the raw
  files of the years up to the report's year;
- a municipal report reads its own schools' rows in those years, plus the
  region- and cluster-level indicator tables and the contingent by cluster
  (the figures it is compared with): see
  :func:`profmon.provenance.report_fingerprint`, which the report can show.

So a change to one municipality's data that leaves the region's and the
clusters' figures as they were (a school renamed, a settlement corrected, a
row moved to another file) re-renders that municipality's report, the
regional report and the index and tables, and nothing else. A change that
moves a regional figure re-renders every report, as it must: each shows it.

The manifest, ``manifest.json`` beside the reports, records each output's key
and the sha256 of the file written; an output is skipped when both still
match.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path

from profmon.atomic import write_text_atomic
from profmon.provenance import (
    package_fingerprint,
    package_version,
    report_fingerprint,
)

__all__ = ["MANIFEST_NAME", "DependencyKeys", "Manifest", "file_sha256"]

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.json"

# Bump when the way outputs are produced changes without a code change that
# the package fingerprint would see (it sees every file of the package).
_FORMAT = 1


def file_sha256(path: str | os.PathLike) -> str | None:
    """Return the sha256 of a file's bytes, or None if there is no such file.

    Parameters
    ----------
    path : str or path-like
        The file.

    Returns
    -------
    str or None
        Hex digest.
    """
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


class DependencyKeys:
    """Compute the key of every output of one year's bundle.

    Parameters
    ----------
    context : profmon.report.context.ReportContext
        The year's data, read from its data folder (what the reports read).
    """

    def __init__(self, context):
        from profmon.methodology import load_methodology

        self._context = context
        self._shared = hashlib.sha256()
        for part in (
            f"format={_FORMAT}",
            f"profmon={package_version()}",
            f"package={package_fingerprint()}",
        ):
            self._shared.update(part.encode() + b"\n")
        source = load_methodology(context.year).source
        if source is not None:
            self._shared.update(Path(source).read_bytes())
        self.all_data = report_fingerprint(context)

    def _key(self, *parts: str | bytes) -> str:
        digest = self._shared.copy()
        for part in parts:
            encoded = part if isinstance(part, bytes) else part.encode("utf-8")
            digest.update(len(encoded).to_bytes(8, "big"))
            digest.update(encoded)
        return digest.hexdigest()

    def _report(self, kind: str, notebook: Path, parameters: Mapping, data: str) -> str:
        # a report depends on its notebook, its parameters and its data
        return self._key(kind, notebook.read_bytes(), _json(parameters), data)

    def region(self, notebook: Path, parameters: Mapping) -> str:
        """Return the key of the regional report.

        Parameters
        ----------
        notebook : Path
            The regional report's notebook (its bytes count).
        parameters : mapping
            The parameters it is run with.

        Returns
        -------
        str
            Hex digest over the shared parts, the notebook, the parameters and
            the fingerprint of every raw file of the years up to the report's.
        """
        return self._report("region", notebook, parameters, self.all_data)

    def municipality(self, notebook: Path, parameters: Mapping, name: str) -> str:
        """Return the key of a municipal report.

        Parameters
        ----------
        notebook : Path
            The municipal report's notebook (its bytes count).
        parameters : mapping
            The parameters it is run with.
        name : str
            The canonical name of the municipality.

        Returns
        -------
        str
            Hex digest over the shared parts, the notebook, the parameters and
            :func:`profmon.provenance.report_fingerprint` of the municipality.
        """
        data = report_fingerprint(self._context, name)
        return self._report("municipality", notebook, parameters, data)

    def bundle(self, what: str, *extra: str) -> str:
        """Return the key of a whole-bundle output (``tables.xlsx``).

        Parameters
        ----------
        what : str
            Which output.
        *extra : str
            Anything else it depends on.

        Returns
        -------
        str
            Hex digest over the shared parts, `what`, all raw files and `extra`.
        """
        return self._key(what, self.all_data, *extra)


def _json(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


class Manifest:
    """The record of what was written to one year's report folder.

    Parameters
    ----------
    folder : path-like
        The year's output folder (``reports/<year>``).
    """

    def __init__(self, folder: str | os.PathLike):
        self.path = Path(folder) / MANIFEST_NAME
        self.entries: dict[str, dict] = {}
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as error:
            log.warning("ignoring unreadable %s (%s): rendering all", self.path, error)
            return
        if document.get("format") == _FORMAT:
            self.entries = dict(document.get("outputs", {}))

    def is_current(self, name: str, key: str) -> bool:
        """Tell whether output `name` was written with `key` and is still as written.

        Parameters
        ----------
        name : str
            Output file name, relative to the folder.
        key : str
            Its dependency key now.

        Returns
        -------
        bool
            True when the recorded key is `key` and the file's sha256 is the
            recorded one (so a file edited or deleted by hand is rendered
            again).
        """
        entry = self.entries.get(name)
        if entry is None or entry.get("key") != key:
            return False
        return file_sha256(self.path.parent / name) == entry.get("sha256")

    def record(self, name: str, key: str, **details) -> None:
        """Record that output `name` was just written with `key`.

        Parameters
        ----------
        name : str
            Output file name, relative to the folder (the file must exist).
        key : str
            Its dependency key.
        **details
            Anything else to keep with it (title, municipality, summary …).
        """
        self.entries[name] = {
            "key": key,
            "sha256": file_sha256(self.path.parent / name),
            **details,
        }

    def forget(self, name: str) -> None:
        """Drop output `name` from the record (it failed or was removed).

        Parameters
        ----------
        name : str
            Output file name, relative to the folder.
        """
        self.entries.pop(name, None)

    def save(self) -> Path:
        """Write the manifest atomically, entries sorted by name."""
        document = {
            "format": _FORMAT,
            "outputs": dict(sorted(self.entries.items())),
        }
        text = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True)
        return write_text_atomic(self.path, text + "\n")

"""Render a year's bundle of reports: notebooks in, offline HTML files out.

:func:`render_reports` executes the report notebooks with papermill and
exports them with :mod:`profmon.html_export` into ``<out_dir>/<year>/``:

- ``region.html``, the regional report;
- one report per municipality that has schools that year, named by
  :func:`report_file_name` (``mo_yaroslavl.html``, ``gou.html`` …);
- ``index.html`` linking them, with a one-line summary each;
- ``tables.xlsx``, the report tables for people who work in Excel;
- ``executed/<name>.ipynb``, every executed notebook, kept for audit (a failed
  one carries papermill's error banner);
- ``manifest.json``, what each output was made from (see
  :mod:`profmon.report_manifest`).

Speed comes from reuse: ``jobs`` worker threads each keep one warm kernel
(:mod:`profmon.warm_kernel`) and one exporter, and run report after report;
an output whose inputs have not changed since it was written is not rendered
again. One failing report does not stop the others; it is listed in the
:class:`RenderSummary`, which gives the CLI its exit code.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from profmon.errors import ProfmonError
from profmon.municipalities import MUNICIPALITIES, normalise_municipality
from profmon.provenance import available_years, generation_time
from profmon.render_batch import EXECUTED_DIR, RenderPool, ReportJob, ReportResult
from profmon.report_index import IndexEntry, write_index
from profmon.report_manifest import MANIFEST_NAME, DependencyKeys, Manifest
from profmon.report_names import (
    INDEX_FILE,
    REGION_FILE,
    TABLES_FILE,
    report_file_name,
    safe_file_stem,
)

__all__ = [
    "EXECUTED_DIR",
    "INDEX_FILE",
    "MUNICIPALITY_NOTEBOOK",
    "REGION_FILE",
    "REGION_NOTEBOOK",
    "TABLES_FILE",
    "RenderSummary",
    "ReportJob",
    "ReportResult",
    "default_notebooks_dir",
    "render_reports",
    "report_file_name",
    "safe_file_stem",
]

log = logging.getLogger(__name__)

REGION_NOTEBOOK = "region_report.ipynb"
MUNICIPALITY_NOTEBOOK = "municipality_report.ipynb"


def default_notebooks_dir() -> Path:
    """Return the folder of the report notebooks (``notebooks/`` of the project)."""
    return Path(__file__).resolve().parent.parent / "notebooks"


def _title(year: int, municipality: str | None) -> str:
    from profmon.report import title

    return title(year, municipality)


@dataclass
class RenderSummary:
    """The outcome of :func:`render_reports`.

    Parameters
    ----------
    year : int
        Monitoring year.
    folder : Path
        The year's output folder.
    results : list of ReportResult
        One per output considered (reports, ``tables.xlsx``).
    index : Path or None
        The index page written.
    seconds : float
        Wall time of the whole run.
    """

    year: int
    folder: Path
    results: list[ReportResult] = field(default_factory=list)
    index: Path | None = None
    seconds: float = 0.0

    def _with(self, status: str) -> list[ReportResult]:
        return [result for result in self.results if result.status == status]

    @property
    def rendered(self) -> list[ReportResult]:
        """Outputs written in this run."""
        return self._with("rendered")

    @property
    def skipped(self) -> list[ReportResult]:
        """Outputs left as they were: their inputs had not changed."""
        return self._with("skipped")

    @property
    def failed(self) -> list[ReportResult]:
        """Outputs that could not be made."""
        return self._with("failed")

    @property
    def ok(self) -> bool:
        """Whether nothing failed."""
        return not self.failed

    @property
    def exit_code(self) -> int:
        """0 when everything was made, 1 when something failed."""
        return 0 if self.ok else 1

    def describe(self) -> str:
        """Say in Russian what was done, for the end of the CLI's output."""
        lines = [
            f"Отчёты за {self.year} год: сформировано {len(self.rendered)}, "
            f"без изменений {len(self.skipped)}, с ошибкой {len(self.failed)} "
            f"(за {_seconds(self.seconds)})."
        ]
        for result in self.failed:
            lines.append(f"Ошибка: {result.name}: {result.error}")
            if result.executed is not None:
                lines.append(f"  выполненный блокнот: {result.executed}")
        if self.index is not None:
            lines.append(f"Оглавление: {self.index}")
        return "\n".join(lines)


def _seconds(value: float) -> str:
    return f"{value:.1f} с".replace(".", ",")


def _resolve_municipality(name: str, present: list[str], year: int) -> str:
    canonical = normalise_municipality(name)
    if canonical is None:
        raise ProfmonError(
            f"Неизвестное муниципальное образование {name!r}. Допустимо одно из: "
            f"{', '.join(MUNICIPALITIES)}."
        )
    if canonical not in present:
        raise ProfmonError(
            f"В данных за {year} год нет ни одной ОО муниципального образования "
            f"«{canonical}»: отчёт по нему не формируется. Есть данные по: "
            f"{', '.join(present)}."
        )
    return canonical


def _notebooks(folder: Path) -> dict[str, Path]:
    notebooks = {
        "region": folder / REGION_NOTEBOOK,
        "municipality": folder / MUNICIPALITY_NOTEBOOK,
    }
    for path in notebooks.values():
        if not path.is_file():
            raise ProfmonError(
                f"Не найден блокнот отчёта {path}. Отчёты строятся по блокнотам "
                "из папки notebooks/ проекта: установите profmon из папки проекта "
                "(pip install -e .)."
            )
    return notebooks


def _load(data_dir: Path, year: int):
    from profmon.report.context import load_context

    if year not in available_years(data_dir):
        raise ProfmonError(
            f"Нет данных за {year} год: папка {data_dir / 'raw' / str(year)} не "
            "найдена. Укажите другую папку данных (--data) или год (--year)."
        )
    return load_context(data_dir, year)


def _summary(data_dir: Path, year: int, municipality: str | None) -> str | None:
    from profmon.report.summary import one_line

    try:
        return one_line(data_dir, year, municipality)
    except Exception as error:  # the index still lists the report
        log.warning("no summary for %s: %s", municipality or "region", error)
        return None


def _plan(
    context, notebooks: dict[str, Path]
) -> tuple[list[ReportJob], DependencyKeys]:
    year = context.year
    keys = DependencyKeys(context)
    region_parameters = {"year": year, "data_dir": str(context.data_dir)}
    jobs = [
        ReportJob(
            REGION_FILE,
            _title(year, None),
            None,
            notebooks["region"],
            region_parameters,
            keys.region(notebooks["region"], region_parameters),
        )
    ]
    for name in context.municipalities():
        parameters = {**region_parameters, "municipality": name}
        jobs.append(
            ReportJob(
                report_file_name(name),
                _title(year, name),
                name,
                notebooks["municipality"],
                parameters,
                keys.municipality(notebooks["municipality"], parameters, name),
            )
        )
    return jobs, keys


def render_reports(
    data_dir: str | os.PathLike,
    year: int,
    *,
    municipality: str | None = None,
    all_: bool = False,
    out_dir: str | os.PathLike | None = None,
    jobs: int | None = None,
    progress: bool = True,
    force: bool = False,
    notebooks_dir: str | os.PathLike | None = None,
) -> RenderSummary:
    """Render a year's reports into ``<out_dir>/<year>/``.

    Parameters
    ----------
    data_dir : str or path-like
        The data directory (``raw/<year>/`` inside it).
    year : int
        Monitoring year.
    municipality : str, optional
        Render only this municipality's report (any usual spelling), then
        refresh the index.
    all_ : bool
        Render the regional report, every municipality's report, the index
        and ``tables.xlsx``.
    out_dir : str or path-like, optional
        Output root; default ``reports`` in the current directory.
    jobs : int, optional
        Reports rendered in parallel, one kernel each; default the number of
        CPU cores.
    progress : bool
        Show a progress bar (on stderr) over the reports.
    force : bool
        Render every requested output even if its inputs have not changed.
    notebooks_dir : str or path-like, optional
        Folder of ``region_report.ipynb`` and ``municipality_report.ipynb``;
        default :func:`default_notebooks_dir`.

    Returns
    -------
    RenderSummary
        What was rendered, skipped and failed; ``exit_code`` is 1 when
        anything failed.

    Raises
    ------
    ProfmonError
        If both `municipality` and `all_` are given, the municipality is
        unknown or has no schools that year, there is no data for the year, a
        notebook is missing, or the data has blocking errors
        (:class:`~profmon.errors.DataError`).

    Notes
    -----
    Without `municipality` or `all_`, the regional report, the index and
    ``tables.xlsx`` are made. An output is skipped when its dependency key
    (see :mod:`profmon.report_manifest`) and its file are as recorded in the
    folder's manifest, unless `force`. A failed report's old page is
    removed, so that the folder never offers a page that no longer matches
    the data; its executed notebook stays in ``executed/``.
    """
    started = time.perf_counter()
    if municipality is not None and all_:
        raise ProfmonError("Укажите либо одно муниципальное образование, либо --all.")
    data_dir = Path(data_dir).resolve()
    folder = Path(out_dir if out_dir is not None else "reports") / str(year)
    notebooks_folder = Path(notebooks_dir or default_notebooks_dir()).resolve()
    notebooks = _notebooks(notebooks_folder)
    workers = jobs or os.cpu_count() or 1
    summary = RenderSummary(year, folder)

    with contextlib.ExitStack() as stack:
        # A first or forced build renders everything: start the kernels now,
        # so that they warm up while the data are read.
        pool = None
        if municipality is None and (force or not (folder / MANIFEST_NAME).exists()):
            pool = stack.enter_context(
                _pool(folder, workers, notebooks_folder, data_dir, year)
            )

        context = _load(data_dir, year)
        planned, keys = _plan(context, notebooks)
        requested = _requested(planned, municipality, all_, year)
        folder.mkdir(parents=True, exist_ok=True)
        manifest = Manifest(folder)
        to_render = []
        for job in requested:
            if force or not manifest.is_current(job.name, job.key):
                to_render.append(job)
                continue
            log.info("skipped %s: its inputs have not changed", job.name)
            summary.results.append(
                ReportResult(
                    job.name,
                    "skipped",
                    folder / job.name,
                    executed=folder / job.executed_name,
                    municipality=job.municipality,
                )
            )
        if to_render and pool is None:
            workers = min(workers, len(to_render))
            pool = stack.enter_context(
                _pool(folder, workers, notebooks_folder, data_dir, year)
            )

        bar = stack.enter_context(
            _progress(len(to_render), enabled=progress and bool(to_render))
        )
        if pool is not None:
            pool.on_done = lambda result: bar.update(1)
            pool.submit(to_render)
        if municipality is None:  # meanwhile, in this thread
            tables = _tables(data_dir, year, folder, keys, manifest, force)
        results = pool.finish() if pool is not None else []

    _record(results, to_render, manifest)
    if all_:
        _remove_orphans(folder, manifest, planned)
    summary.results.extend(results)
    if municipality is None:
        summary.results.append(tables)
    failed = {result.name for result in summary.failed}
    summary.index = _index(data_dir, year, folder, planned, keys, manifest, failed)
    manifest.save()
    summary.seconds = time.perf_counter() - started
    log.info(
        "year %d: %d rendered, %d skipped, %d failed in %.1f s",
        year,
        len(summary.rendered),
        len(summary.skipped),
        len(summary.failed),
        summary.seconds,
    )
    return summary


def _requested(planned, municipality, all_, year) -> list[ReportJob]:
    if municipality is not None:
        present = [job.municipality for job in planned if job.municipality]
        wanted = _resolve_municipality(municipality, present, year)
        return [job for job in planned if job.municipality == wanted]
    return planned if all_ else planned[:1]


def _pool(
    folder: Path, workers: int, notebooks_folder: Path, data_dir: Path, year: int
) -> RenderPool:
    folder.mkdir(parents=True, exist_ok=True)
    # Each kernel reads the year's data (memoised in the kernel) while this
    # process reads it too; every report then finds it ready.
    warm_code = (
        "import profmon.report.context\n"
        f"profmon.report.context.load_context({str(data_dir)!r}, {int(year)})"
    )
    return RenderPool(
        folder, workers=workers, kernel_cwd=notebooks_folder, warm_code=warm_code
    )


def _progress(total: int, *, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="Отчёты", unit="отч.", disable=not enabled)


def _record(results, jobs, manifest) -> None:
    jobs_by_name = {job.name: job for job in jobs}
    for result in results:
        job = jobs_by_name[result.name]
        if result.status == "rendered":
            manifest.record(
                job.name,
                job.key,
                title=job.title,
                municipality=job.municipality,
                executed=job.executed_name,
            )
        else:
            manifest.forget(job.name)


def _remove_orphans(folder: Path, manifest: Manifest, planned) -> None:
    # A report written earlier for a municipality that has no schools now
    # would sit in the folder, unlinked and out of date: remove it.
    kept = {job.name for job in planned} | {TABLES_FILE}
    for name in sorted(set(manifest.entries) - kept):
        (folder / name).unlink(missing_ok=True)
        manifest.forget(name)
        log.info("removed %s: no such report this year any more", name)


def _tables(data_dir, year, folder, keys, manifest, force) -> ReportResult:
    from profmon.tables_workbook import write_tables_workbook

    started = time.perf_counter()
    path = folder / TABLES_FILE
    key = keys.bundle("tables")
    if not force and manifest.is_current(TABLES_FILE, key):
        log.info("skipped %s: its inputs have not changed", TABLES_FILE)
        return ReportResult(TABLES_FILE, "skipped", path)
    try:
        from profmon.report.tables import export_tables

        write_tables_workbook(export_tables(data_dir, year), path, year=year)
    except Exception as error:  # the reports stand without the workbook
        log.debug("tables.xlsx failed", exc_info=True)
        log.error("%s failed: %s", TABLES_FILE, error)
        manifest.forget(TABLES_FILE)
        return ReportResult(
            TABLES_FILE,
            "failed",
            path,
            error=f"{type(error).__name__}: {error}",
            seconds=time.perf_counter() - started,
        )
    manifest.record(TABLES_FILE, key)
    seconds = time.perf_counter() - started
    log.info("rendered %s in %.1f s", TABLES_FILE, seconds)
    return ReportResult(TABLES_FILE, "rendered", path, seconds=seconds)


def _index(data_dir, year, folder, planned, keys, manifest, failed) -> Path:
    entries = []
    for job in planned:
        if manifest.is_current(job.name, job.key):
            record = manifest.entries[job.name]
            if "summary" not in record:
                record["summary"] = _summary(data_dir, year, job.municipality)
            state, summary = "current", record["summary"]
        elif job.name in failed:
            state, summary = "failed", None
        elif (folder / job.name).exists():
            state, summary = "stale", None
        else:
            state, summary = "missing", None
        entries.append(
            IndexEntry(
                job.title,
                job.name,
                job.municipality,
                summary,
                state,
                job.executed_name,
            )
        )
    path = folder / INDEX_FILE
    write_index(
        path,
        year,
        entries,
        generated_at=generation_time(),
        tables_name=TABLES_FILE if (folder / TABLES_FILE).exists() else None,
        data_fingerprint=keys.all_data,
    )
    log.info("wrote %s", path)
    return path

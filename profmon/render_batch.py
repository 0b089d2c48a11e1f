"""Execute and export a batch of report notebooks on a few warm kernels.

Each worker thread owns one :class:`~profmon.warm_kernel.WarmKernel` and one
:class:`~profmon.html_export.ReportExporter` and takes reports from a shared
queue until it is empty, so kernel start-up and imports are paid once per
worker, not once per report. A report that fails is recorded and the worker
goes on with the next one (on a new kernel).
"""

from __future__ import annotations

import logging
import os
import queue
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from profmon.warm_kernel import WarmKernel

__all__ = ["EXECUTED_DIR", "RenderPool", "ReportJob", "ReportResult", "run_batch"]

#: Folder of the executed notebooks, inside the year's folder.
EXECUTED_DIR = "executed"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReportJob:
    """One report to render.

    Parameters
    ----------
    name : str
        Output file name (``region.html``, ``mo_rybinsk.html`` …).
    title : str
        Page title.
    municipality : str or None
        Canonical municipality name; None for the regional report.
    notebook : Path
        The notebook to execute.
    parameters : dict
        Parameters injected by papermill.
    key : str
        Dependency key (see :mod:`profmon.report_manifest`).
    """

    name: str
    title: str
    municipality: str | None
    notebook: Path
    parameters: dict
    key: str

    @property
    def executed_name(self) -> str:
        """The executed notebook's path relative to the year's folder."""
        return f"{EXECUTED_DIR}/{Path(self.name).stem}.ipynb"


@dataclass
class ReportResult:
    """What happened to one output of the bundle.

    Parameters
    ----------
    name : str
        Output file name, relative to the year's folder.
    status : str
        ``rendered``, ``skipped`` (inputs unchanged) or ``failed``.
    path : Path
        The output file.
    executed : Path or None
        The executed notebook (reports only).
    error : str or None
        What went wrong, for a failed output.
    seconds : float
        Time spent on it.
    municipality : str or None
        The report's municipality, None for the others.
    """

    name: str
    status: str
    path: Path
    executed: Path | None = None
    error: str | None = None
    seconds: float = 0.0
    municipality: str | None = None


def _move_into_place(temp: Path, destination: Path) -> bool:
    # Papermill writes the executed notebook, even a failed one; when it
    # failed before writing anything, there is nothing to keep.
    if temp.exists() and temp.stat().st_size > 0:
        os.replace(temp, destination)
        return True
    temp.unlink(missing_ok=True)
    return False


def _render_one(job, folder: Path, kernel: WarmKernel, exporter):
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from profmon.html_export import ExportError, write_html
    from profmon.warm_engine import ENGINE_NAME

    started = time.perf_counter()
    html_path = folder / job.name
    executed = folder / job.executed_name
    executed.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(
        prefix=f".{executed.stem}.", suffix=".ipynb", dir=executed.parent
    )
    os.close(descriptor)
    temp = Path(name)

    def failed(message: str, written: bool = False) -> ReportResult:
        kept = _move_into_place(temp, executed) or written
        # Never leave a page, or an executed notebook, of an earlier run
        # beside a failure: they would not match the data of this one.
        html_path.unlink(missing_ok=True)
        if not kept:
            executed.unlink(missing_ok=True)
        log.error("report %s failed: %s (see %s)", job.name, message, executed)
        return ReportResult(
            job.name,
            "failed",
            html_path,
            executed=executed if kept else None,
            error=message,
            seconds=time.perf_counter() - started,
            municipality=job.municipality,
        )

    try:
        notebook = papermill.execute_notebook(
            str(job.notebook),
            str(temp),
            parameters=job.parameters,
            engine_name=ENGINE_NAME,
            warm_kernel=kernel,
            record_output_path=str(executed),
            kernel_name=kernel.kernel_name,
            request_save_on_cell_execute=False,
            progress_bar=False,
        )
    except PapermillExecutionError as error:
        return failed(f"{error.ename}: {error.evalue} (ячейка {error.exec_count})")
    except Exception as error:  # a bad notebook file, a kernel that will not start
        return failed(f"{type(error).__name__}: {error}")
    _move_into_place(temp, executed)
    executed_at = time.perf_counter()

    try:
        write_html(notebook, html_path, title=job.title, exporter=exporter)
    except ExportError as error:
        return failed(str(error), written=True)
    seconds = time.perf_counter() - started
    log.debug(
        "%s: executed in %.2f s, exported in %.2f s",
        job.name,
        executed_at - started,
        seconds - (executed_at - started),
    )
    log.info("rendered %s in %.1f s", job.name, seconds)
    return ReportResult(
        job.name,
        "rendered",
        html_path,
        executed=executed,
        seconds=seconds,
        municipality=job.municipality,
    )


class RenderPool:
    """Worker threads, each with a warm kernel, rendering submitted reports.

    The kernels start as soon as the pool is made, so their start-up overlaps
    whatever the caller does before submitting (reading the data, planning).

    Parameters
    ----------
    folder : Path
        The year's output folder.
    workers : int
        Number of worker threads, each with its own kernel.
    kernel_cwd : Path
        Working directory of the kernels (the notebooks' folder, as in
        JupyterLab).
    warm_code : str, optional
        Code each kernel runs once started, before any report (see
        :meth:`~profmon.warm_kernel.WarmKernel.warm`).
    """

    def __init__(
        self,
        folder: Path,
        *,
        workers: int,
        kernel_cwd: Path,
        warm_code: str | None = None,
    ):
        self.folder = folder
        self.kernel_cwd = kernel_cwd
        self.warm_code = warm_code
        self.on_done: Callable | None = None
        self._pending: queue.SimpleQueue = queue.SimpleQueue()
        self._results: dict[int, ReportResult] = {}
        self._jobs: list[ReportJob] = []
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._work, name=f"profmon-render-{n}", daemon=True)
            for n in range(max(1, workers))
        ]
        for thread in self._threads:
            thread.start()

    def _work(self) -> None:
        try:
            with WarmKernel(cwd=self.kernel_cwd) as kernel:
                kernel.ensure_started()  # now, while the caller reads the data
                # Imported only now: papermill and nbconvert take seconds to
                # import, and the kernels should not wait for them.
                from profmon.html_export import ReportExporter
                from profmon.warm_engine import register_engine

                register_engine()
                exporter = ReportExporter()
                if self.warm_code:
                    kernel.warm(self.warm_code)
                while not self._stop.is_set():
                    item = self._pending.get()
                    if item is None:
                        return
                    position, job = item
                    result = _render_one(job, self.folder, kernel, exporter)
                    self._results[position] = result
                    if self.on_done is not None:
                        self.on_done(result)
        except Exception:
            log.exception("a render worker stopped")

    def submit(self, jobs: Sequence[ReportJob]) -> None:
        """Queue reports for rendering, in the order given.

        Parameters
        ----------
        jobs : sequence of ReportJob
            The reports; :meth:`finish` returns their results in this order.
        """
        for job in jobs:
            self._pending.put((len(self._jobs), job))
            self._jobs.append(job)

    def finish(self) -> list[ReportResult]:
        """Wait for every submitted report; stop the workers and their kernels.

        Returns
        -------
        list of ReportResult
            One per submitted job, in submission order.
        """
        for _ in self._threads:
            self._pending.put(None)
        try:
            for thread in self._threads:
                while thread.is_alive():
                    thread.join(timeout=0.2)
        except KeyboardInterrupt:
            log.warning("interrupted: finishing the reports being rendered")
            self.stop()
            raise
        for position, job in enumerate(self._jobs):
            if position not in self._results:  # a worker died outside any report
                self._results[position] = ReportResult(
                    job.name,
                    "failed",
                    self.folder / job.name,
                    error="отчёт не выполнен: рабочий поток остановился",
                    municipality=job.municipality,
                )
        return [self._results[position] for position in range(len(self._jobs))]

    def stop(self) -> None:
        """Render nothing more; wait for the workers to end."""
        self._stop.set()
        for _ in self._threads:
            self._pending.put(None)
        for thread in self._threads:
            thread.join()

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if kind is not None:
            self.stop()


def run_batch(
    jobs: Sequence[ReportJob],
    folder: Path,
    *,
    workers: int,
    kernel_cwd: Path,
    on_done: Callable | None = None,
) -> list[ReportResult]:
    """Render `jobs` on `workers` warm kernels in parallel.

    Parameters
    ----------
    jobs : sequence of ReportJob
        Reports to render, longest first for the best balance.
    folder : Path
        The year's output folder.
    workers : int
        Number of worker threads (each with its own kernel); at most one per
        job is started.
    kernel_cwd : Path
        Working directory of the kernels.
    on_done : callable, optional
        Called with each :class:`ReportResult` as soon as it is known (from a
        worker thread), e.g. to advance a progress bar.

    Returns
    -------
    list of ReportResult
        In the order of `jobs`.
    """
    if not jobs:
        return []
    pool = RenderPool(folder, workers=min(workers, len(jobs)), kernel_cwd=kernel_cwd)
    pool.on_done = on_done
    with pool:
        pool.submit(jobs)
        return pool.finish()

"""The papermill engine that executes a notebook in a :class:`WarmKernel`.

Registered with papermill as :data:`ENGINE_NAME` by :func:`register_engine`;
pass ``engine_name=ENGINE_NAME, warm_kernel=<WarmKernel>`` to
:func:`papermill.execute_notebook`. Kept apart from :mod:`profmon.warm_kernel`
because papermill is slow to import and kernels should start first.
"""

from __future__ import annotations

import logging
import os

import nbformat
from nbclient.exceptions import CellControlSignal, DeadKernelError
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import Engine, papermill_engines

from profmon.warm_kernel import CELL_TIMEOUT, WarmKernel

__all__ = ["ENGINE_NAME", "WarmKernelEngine", "register_engine"]

log = logging.getLogger(__name__)

#: Name under which :class:`WarmKernelEngine` is registered with papermill.
ENGINE_NAME = "profmon-warm"


class WarmKernelEngine(Engine):
    """Papermill engine executing a notebook in a :class:`WarmKernel`.

    Pass the kernel as ``warm_kernel=`` to :func:`papermill.execute_notebook`
    together with ``engine_name=ENGINE_NAME``. Errors in a cell are recorded
    in the notebook as papermill records them (so papermill writes the failed
    notebook with its error banner); a kernel that dies or times out is
    recorded the same way, on the cell that was running.
    """

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        *,
        warm_kernel: WarmKernel,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        start_timeout=60,
        execution_timeout=None,
        record_output_path=None,
        **kwargs,
    ):
        """Execute ``nb_man.nb`` in `warm_kernel`; see the class docstring.

        ``record_output_path``, when given, replaces the output path papermill
        records in the notebook's metadata (the caller writes to a temporary
        file and moves it there).
        """
        if record_output_path is not None:
            nb_man.nb.metadata.papermill["output_path"] = os.fspath(record_output_path)
        warm_kernel.prepare()
        client = PapermillNotebookClient(
            nb_man,
            km=warm_kernel.km,
            kernel_name=warm_kernel.kernel_name,
            timeout=execution_timeout or CELL_TIMEOUT,
            interrupt_on_timeout=True,
            startup_timeout=start_timeout,
            record_timing=False,
            log=log,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        client.kc = warm_kernel.kc
        try:
            client.execute()
        except (DeadKernelError, CellControlSignal) as error:
            warm_kernel.discard()
            _record_failure(nb_man, error)
        except BaseException:
            warm_kernel.discard()
            raise
        if nb_man.nb.metadata.get("papermill", {}).get("exception"):
            warm_kernel.discard()
        return nb_man.nb


def _record_failure(nb_man, error: BaseException) -> None:
    # Put the error on the cell that was running, as a cell error would be.
    started = [
        cell
        for cell in nb_man.nb.cells
        if cell.metadata.get("papermill", {}).get("start_time") is not None
    ]
    if not started:
        started = nb_man.nb.cells[:1]
    if not started:
        return
    cell = started[-1]
    if cell.cell_type == "code":
        cell.outputs.append(
            nbformat.v4.new_output(
                "error",
                ename=type(error).__name__,
                evalue=str(error),
                traceback=[f"{type(error).__name__}: {error}"],
            )
        )
    nb_man.cell_exception(cell)


def register_engine() -> None:
    """Register :class:`WarmKernelEngine` with papermill (idempotent)."""
    papermill_engines.register(ENGINE_NAME, WarmKernelEngine)

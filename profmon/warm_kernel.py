"""A Jupyter kernel kept warm to run notebook after notebook.

Starting a Jupyter kernel and importing pandas, matplotlib and profmon in it
costs seconds, far more than computing one report. :class:`WarmKernel` keeps
a kernel alive across notebooks; :mod:`profmon.warm_engine` lets papermill
execute a notebook in it. Before each notebook the kernel is brought back to
the state of a fresh one: the user namespace is emptied (``%reset``), figures
are closed, matplotlib's and pandas' settings, NumPy's print options, warning
filters and the working directory are restored and the execution counter
starts again at 1, so that a report never sees another report's variables or
settings. After a failed notebook the kernel is replaced by a new one.

A :class:`WarmKernel` belongs to one thread: its client's sockets live on that
thread's event loop. Run several kernels in parallel with one per thread.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
import time

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

__all__ = ["CELL_TIMEOUT", "DEFAULT_PRELOAD", "KernelSetupError", "WarmKernel"]

log = logging.getLogger(__name__)

#: Seconds a single cell may run before the kernel is interrupted.
CELL_TIMEOUT = 600

_STARTUP_TIMEOUT = 120

# Runs once in a new kernel: imports what reports need, records the state a
# fresh kernel has and leaves a function that restores it (only what changed:
# resetting every pandas and matplotlib option costs a quarter of a second).
_WARMUP = """
def _profmon_warm_up(shell, modules):
    import os, sys, types, warnings
    shell.run_line_magic("matplotlib", "inline")
    for name in modules:
        try:
            __import__(name)
        except Exception:
            pass
    import matplotlib, matplotlib.pyplot, numpy

    def option_names(wrapper, prefix=""):
        names = []
        for name in dir(wrapper):
            value = getattr(wrapper, name)
            if type(value).__name__ == "DictWrapper":
                names += option_names(value, prefix + name + ".")
            else:
                names.append(prefix + name)
        return names

    state = types.ModuleType("_profmon_kernel_state")
    state.cwd = os.getcwd()
    state.filters = list(warnings.filters)
    state.rc = matplotlib.rcParams.copy()
    state.np_print = numpy.get_printoptions()
    state.np_err = numpy.geterr()
    state.pandas = {}
    pandas = sys.modules.get("pandas")
    if pandas is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for name in option_names(pandas.options):
                state.pandas[name] = pandas.get_option(name)

    def differs(old, new):
        try:
            return not bool(old == new)
        except Exception:
            return True

    def restore():
        os.chdir(state.cwd)
        warnings.filters[:] = state.filters
        matplotlib.pyplot.close("all")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            current = matplotlib.rcParams.copy()
            matplotlib.rcParams.update(
                {k: v for k, v in state.rc.items() if differs(current.get(k), v)}
            )
            numpy.set_printoptions(**state.np_print)
            numpy.seterr(**state.np_err)
            for name, value in state.pandas.items():
                if differs(pandas.get_option(name), value):
                    pandas.set_option(name, value)
        shell.reset(new_session=True)

    state.restore = restore
    sys.modules[state.__name__] = state
    shell.reset(new_session=True)


_profmon_warm_up(get_ipython(), __MODULES__)
"""

# Runs before every notebook, with history off so the counter is untouched.
_RESET = '__import__("sys").modules["_profmon_kernel_state"].restore()'

#: Modules every report imports, loaded once per kernel.
DEFAULT_PRELOAD = (
    "numpy",
    "pandas",
    "matplotlib.pyplot",
    "IPython.display",
    "profmon",
    "profmon.engine",
    "profmon.dataset",
    "profmon.report",
)


class KernelSetupError(RuntimeError):
    """The warm kernel could not be started or brought back to a fresh state."""


class WarmKernel:
    """A Jupyter kernel kept alive to execute one notebook after another.

    Parameters
    ----------
    kernel_name : str
        Kernel spec to start (``python3`` runs the current environment's
        ipykernel).
    preload : sequence of str
        Modules imported once when the kernel starts; a module that fails to
        import is skipped (the notebook that needs it reports the error).
    cwd : str or path-like, optional
        Working directory of the kernel (default: the current directory).
    env : mapping, optional
        Extra environment variables for the kernel. ``PYTHONHASHSEED`` is
        fixed to 0 unless given, so that set order, and thus report output,
        does not vary between runs.
    """

    def __init__(
        self,
        kernel_name: str = "python3",
        *,
        preload=DEFAULT_PRELOAD,
        cwd=None,
        env=None,
    ):
        self.kernel_name = kernel_name
        self.preload = tuple(preload)
        self.cwd = os.fspath(cwd) if cwd is not None else os.getcwd()
        self.env = {"PYTHONHASHSEED": "0", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
        self.env.update(env or {})
        self.km: AsyncKernelManager | None = None
        self.kc = None
        self.notebooks_run = 0
        self._fresh = False
        self._thread = None
        self._socket_dir = None

    @property
    def alive(self) -> bool:
        """Whether a kernel process is running."""
        return self.km is not None and run_sync(self.km.is_alive)()

    def start(self) -> None:
        """Start the kernel and its client, then import :attr:`preload`."""
        self._check_thread()
        started = time.perf_counter()
        environment = dict(os.environ)
        environment.update(self.env)
        self.km = AsyncKernelManager(kernel_name=self.kernel_name)
        if os.name == "posix":
            # Unix sockets: no TCP ports to race for, nothing to encrypt (the
            # kernel warns about plain TCP on every start). Their path must be
            # absolute and private, or a kernel started in another folder, or
            # a second kernel, would not meet its client.
            self._socket_dir = tempfile.mkdtemp(prefix="profmon-kernel-")
            self.km.transport = "ipc"
            self.km.ip = os.path.join(self._socket_dir, "kernel")
        run_sync(self.km.start_kernel)(
            cwd=self.cwd,
            env=environment,
            extra_arguments=["--HistoryManager.hist_file=:memory:"],
        )
        self.kc = self.km.client()
        self.kc.start_channels()
        try:
            run_sync(self.kc.wait_for_ready)(timeout=_STARTUP_TIMEOUT)
        except RuntimeError as error:
            self.shutdown()
            raise KernelSetupError(f"kernel did not start: {error}") from error
        self.kc.allow_stdin = False
        try:
            self.run(_WARMUP.replace("__MODULES__", repr(self.preload)))
        except KernelSetupError:
            self.shutdown()
            raise
        self._fresh = True
        log.debug(
            "kernel %s started and warmed up in %.1f s",
            self.km.kernel_id,
            time.perf_counter() - started,
        )

    def run(self, code: str, timeout: float = CELL_TIMEOUT) -> None:
        """Execute `code` in the kernel, outside any notebook's history.

        Parameters
        ----------
        code : str
            Python (IPython) code.
        timeout : float
            Seconds to wait for the reply.

        Raises
        ------
        KernelSetupError
            If the code raised in the kernel or no reply came in time.
        """
        errors = []

        def collect(message):
            if message["header"]["msg_type"] == "error":
                content = message["content"]
                errors.append(f"{content['ename']}: {content['evalue']}")

        try:
            reply = run_sync(self.kc.execute_interactive)(
                code,
                store_history=False,
                allow_stdin=False,
                timeout=timeout,
                output_hook=collect,
            )
        except TimeoutError as error:
            raise KernelSetupError(f"kernel did not answer in {timeout} s") from error
        if reply["content"]["status"] != "ok" or errors:
            raise KernelSetupError("; ".join(errors) or str(reply["content"]))

    def ensure_started(self) -> None:
        """Start the kernel unless one is running (to warm it up ahead of use)."""
        self._check_thread()
        if self.km is None or not self.alive:
            self.shutdown()
            self.start()

    def warm(self, code: str) -> None:
        """Run `code` ahead of the notebooks, e.g. to load the data they read.

        Parameters
        ----------
        code : str
            Python code. The kernel is started if needed; what `code` leaves
            in the user namespace is cleared before the next notebook, what it
            caches in modules stays. An error is logged and otherwise ignored:
            the notebook that needs the same thing will report it.
        """
        self.ensure_started()
        self._fresh = False
        try:
            self.run(code)
        except KernelSetupError as error:
            log.debug("warm-up code failed: %s", error)

    def prepare(self) -> None:
        """Make the kernel ready for the next notebook: fresh and alive."""
        self.ensure_started()
        if not self._fresh:
            try:
                self.run(_RESET, timeout=60)
            except KernelSetupError as error:
                log.warning("kernel reset failed (%s); starting a new kernel", error)
                self.shutdown()
                self.start()
        self._fresh = False
        self.notebooks_run += 1

    def discard(self) -> None:
        """Shut the kernel down so that the next notebook gets a new one."""
        self.shutdown()

    def shutdown(self) -> None:
        """Stop the client's channels and the kernel process, if running."""
        if self.kc is not None:
            self.kc.stop_channels()
            self.kc = None
        if self.km is not None:
            try:
                if run_sync(self.km.is_alive)():
                    run_sync(self.km.shutdown_kernel)(now=True)
            finally:
                run_sync(self.km.cleanup_resources)()
                self.km = None
        if self._socket_dir is not None:
            shutil.rmtree(self._socket_dir, ignore_errors=True)
            self._socket_dir = None
        self._fresh = False

    def _check_thread(self) -> None:
        current = threading.get_ident()
        if self._thread is None:
            self._thread = current
        elif self._thread != current:
            raise RuntimeError("a WarmKernel must be used from the thread that made it")

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.shutdown()

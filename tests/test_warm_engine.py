import nbformat
import pytest
from kernel_support import notebook, outputs, run
from papermill.exceptions import PapermillExecutionError

pytestmark = pytest.mark.slow


def test_a_failed_notebook_is_recorded_and_the_kernel_replaced(kernel, tmp_path):
    kernel.prepare()  # make sure a kernel runs
    before = kernel.km.kernel_id
    with pytest.raises(PapermillExecutionError, match="ValueError"):
        run(kernel, tmp_path / "bad.ipynb", notebook("raise ValueError('плохо')"))
    assert kernel.km is None  # discarded: the next notebook gets a fresh one

    good = run(kernel, tmp_path / "good.ipynb", notebook("print(1 + 1)"))
    assert outputs(good) == ["2\n"]
    assert kernel.km.kernel_id != before


def test_a_dead_kernel_fails_its_notebook_only(kernel, tmp_path):
    path = tmp_path / "dies.ipynb"
    with pytest.raises(PapermillExecutionError, match="DeadKernelError"):
        run(kernel, path, notebook("import os; os._exit(3)", "print('never')"))
    written = nbformat.read(path.with_suffix(".out.ipynb"), as_version=4)
    assert written.metadata["papermill"]["exception"] is True

    good = run(kernel, tmp_path / "after.ipynb", notebook("print('alive')"))
    assert outputs(good) == ["alive\n"]

import os

import nbformat
import papermill
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from profmon.warm_engine import ENGINE_NAME, register_engine
from profmon.warm_kernel import WarmKernel

pytestmark = pytest.mark.slow


def notebook(*sources):
    parameters = new_code_cell("name = 'default'")
    parameters.metadata["tags"] = ["parameters"]
    cells = [parameters, *(new_code_cell(source) for source in sources)]
    result = new_notebook(cells=cells)
    result.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return result


def run(kernel, path, notebook_node, **parameters):
    nbformat.write(notebook_node, path)
    return papermill.execute_notebook(
        str(path),
        str(path.with_suffix(".out.ipynb")),
        parameters=parameters,
        engine_name=ENGINE_NAME,
        warm_kernel=kernel,
        request_save_on_cell_execute=False,
        progress_bar=False,
    )


def outputs(executed):
    return [
        output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
        for cell in executed.cells
        for output in cell.get("outputs", [])
    ]


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    register_engine()
    with WarmKernel(cwd=tmp_path_factory.mktemp("kernel-cwd")) as instance:
        yield instance


def test_a_notebook_never_sees_the_previous_one(kernel, tmp_path):
    spoil = notebook(
        "leaked = 'from the first report'",
        "import os, warnings, pandas as pd, matplotlib as mpl, numpy as np",
        "pd.set_option('display.max_rows', 3); mpl.rcParams['font.size'] = 31",
        "np.set_printoptions(precision=1); warnings.simplefilter('error')",
        "import matplotlib.pyplot as plt; figure = plt.figure()",
        "os.chdir('/')",
    )
    check = notebook(
        "print('leaked' in globals(), 'pd' in globals())",
        "import os, warnings, pandas as pd, matplotlib as mpl, numpy as np",
        "import matplotlib.pyplot as plt",
        "print(pd.get_option('display.max_rows'), mpl.rcParams['font.size'])",
        "print(np.get_printoptions()['precision'], plt.get_fignums())",
        "print(os.getcwd())",
        "print(any(f[0] == 'error' and f[2] is Warning for f in warnings.filters))",
        "print(name)",
    )
    first = run(kernel, tmp_path / "spoil.ipynb", spoil, name="first")
    second = run(kernel, tmp_path / "check.ipynb", check, name="second")

    printed = outputs(second)
    assert printed[0] == "False False\n"
    assert printed[1] == "60 10.0\n"
    assert printed[2] == "8 []\n"
    assert printed[3] == f"{kernel.cwd}\n"
    assert printed[4] == "False\n"
    assert printed[5] == "second\n"
    counts = [cell.execution_count for cell in second.cells]
    assert counts == list(range(1, len(counts) + 1))  # as in a fresh kernel
    assert first.cells[0].execution_count == 1


def test_kernels_use_private_sockets(tmp_path):
    # Two kernels started in different folders must each meet their client.
    first_dir, second_dir = tmp_path / "a", tmp_path / "b"
    first_dir.mkdir()
    second_dir.mkdir()
    with WarmKernel(cwd=first_dir, preload=()) as first:
        with WarmKernel(cwd=second_dir, preload=()) as second:
            first.prepare()
            second.prepare()
            first.run("x = 1")
            second.run("x = 2")
    assert os.listdir(first_dir) == [] and os.listdir(second_dir) == []

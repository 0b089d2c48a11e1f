"""Small notebooks run in a :class:`~profmon.warm_kernel.WarmKernel` by papermill.

Shared by the tests of the warm kernel and of its papermill engine; the
``kernel`` fixture they use is in ``conftest.py``.
"""

import nbformat
import papermill
from nbformat.v4 import new_code_cell, new_notebook

from profmon.warm_engine import ENGINE_NAME


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

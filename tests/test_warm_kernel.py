import os

import pytest
from kernel_support import notebook, outputs, run

from profmon.warm_kernel import WarmKernel

pytestmark = pytest.mark.slow


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

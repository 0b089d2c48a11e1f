import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from profmon.render_batch import ReportJob, run_batch

pytestmark = pytest.mark.slow


def write_notebook(path, *sources):
    parameters = new_code_cell("name = 'default'")
    parameters.metadata["tags"] = ["parameters"]
    notebook = new_notebook(cells=[parameters, *map(new_code_cell, sources)])
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(notebook, path)
    return path


def job(file_name, notebook, **parameters):
    return ReportJob(file_name, f"Отчёт {file_name}", None, notebook, parameters, "k")


def test_results_come_back_in_order_with_their_failures(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "executed").mkdir()
    good = write_notebook(
        tmp_path / "good.ipynb",
        "from IPython.display import HTML",
        "HTML(f'<p>отчёт {name}</p>')",
    )
    scripted = write_notebook(
        tmp_path / "scripted.ipynb",
        "from IPython.display import HTML",
        "HTML('<script>alert(1)</script>')",
    )
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not a notebook", encoding="utf-8")
    # Leftovers of an earlier run must not survive beside the failures.
    for stale in ("broken.html", "scripted.html"):
        (folder / stale).write_text("old page")
    (folder / "executed" / "broken.ipynb").write_text("old notebook")

    results = run_batch(
        [
            job("first.html", good, name="один"),
            job("broken.html", broken),
            job("scripted.html", scripted),
            job("second.html", good, name="два"),
        ],
        folder,
        workers=2,
        kernel_cwd=tmp_path,
    )

    assert [r.name for r in results] == [
        "first.html",
        "broken.html",
        "scripted.html",
        "second.html",
    ]
    assert [r.status for r in results] == ["rendered", "failed", "failed", "rendered"]
    assert "отчёт один" in (folder / "first.html").read_text("utf-8")
    assert "отчёт два" in (folder / "second.html").read_text("utf-8")

    broken_result, scripted_result = results[1], results[2]
    assert broken_result.executed is None
    assert not (folder / "executed" / "broken.ipynb").exists()
    assert not (folder / "broken.html").exists()

    assert "<script>" in scripted_result.error
    assert scripted_result.executed == folder / "executed" / "scripted.ipynb"
    assert scripted_result.executed.is_file()  # kept for audit
    assert not (folder / "scripted.html").exists()
    leftovers = [p.name for p in (folder / "executed").iterdir() if p.name[0] == "."]
    assert leftovers == []


def test_an_empty_batch_starts_no_kernel(tmp_path):
    assert run_batch([], tmp_path, workers=2, kernel_cwd=tmp_path) == []

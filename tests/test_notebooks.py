"""The report notebooks: thin, parameterised, committed without outputs."""

import ast
import re
from pathlib import Path

import nbformat
import pytest
import report_sample as rs

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PARAMETERS = {
    "region_report.ipynb": {"year": 2022, "data_dir": "../data"},
    "municipality_report.ipynb": {
        "year": 2022,
        "municipality": "Рыбинск",
        "data_dir": "../data",
    },
}
MAX_LINES = 6


def read(name):
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


@pytest.mark.parametrize("name", PARAMETERS)
def test_notebook_is_valid_and_has_no_outputs(name):
    notebook = read(name)
    nbformat.validate(notebook)
    for cell in code_cells(notebook):
        assert cell.outputs == [], f"{name}: a cell has outputs"
        assert cell.execution_count is None


@pytest.mark.parametrize("name", PARAMETERS)
def test_exactly_one_parameters_cell_with_the_agreed_defaults(name):
    notebook = read(name)
    tagged = [
        cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", [])
    ]
    assert len(tagged) == 1
    assert notebook.cells.index(tagged[0]) == 0
    defaults = {}
    for statement in ast.parse(tagged[0].source).body:
        assert isinstance(statement, ast.Assign)
        defaults[statement.targets[0].id] = ast.literal_eval(statement.value)
    assert defaults == PARAMETERS[name]


@pytest.mark.parametrize("name", PARAMETERS)
def test_code_cells_only_call_the_library(name):
    for cell in code_cells(read(name))[1:]:
        lines = [line for line in cell.source.splitlines() if line.strip()]
        assert len(lines) <= MAX_LINES, cell.source
        for statement in ast.parse(cell.source).body:
            if isinstance(statement, ast.ImportFrom):
                assert statement.module.startswith("profmon")
                continue
            if isinstance(statement, ast.Import):
                assert all(a.name.startswith("profmon") for a in statement.names)
                continue
            assert isinstance(statement, ast.Expr | ast.Assign), cell.source
            assert isinstance(statement.value, ast.Call), cell.source
            for node in ast.walk(statement):
                assert not isinstance(
                    node, ast.Lambda | ast.comprehension | ast.BinOp | ast.Subscript
                ), cell.source


@pytest.mark.parametrize("name", PARAMETERS)
def test_headings_are_in_russian(name):
    headings = [
        line
        for cell in read(name).cells
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if line.startswith("#")
    ]
    assert len(headings) >= 5
    assert all(re.search("[а-яА-Я]", heading) for heading in headings)


@pytest.mark.slow
@pytest.mark.parametrize("name", PARAMETERS)
def test_notebook_runs_on_a_small_dataset(name, tmp_path):
    papermill = pytest.importorskip("papermill")
    rows = rs.missing_cluster_targets()
    rows[0]["school_name"] = "<script>alert(1)</script>"
    data = rs.write_data(tmp_path / "data", rs.two_years(rows))
    parameters = {**PARAMETERS[name], "data_dir": str(data)}
    output = tmp_path / name
    papermill.execute_notebook(
        str(NOTEBOOKS / name),
        str(output),
        parameters=parameters,
        cwd=str(NOTEBOOKS),
        progress_bar=False,
        kernel_name="python3",
    )
    executed = nbformat.read(output, as_version=4)
    html = "\n".join(
        output.data["text/html"]
        for cell in code_cells(executed)
        for output in cell.outputs
        if "text/html" in output.get("data", {})
    )
    errors = [
        output
        for cell in code_cells(executed)
        for output in cell.outputs
        if output.output_type == "error"
        or (output.output_type == "stream" and output.name == "stderr")
    ]
    assert errors == []
    assert "<h1>Мониторинг профориентации обучающихся, 2022 год" in html
    assert "✗" in html and "data:image/png;base64," in html
    assert "<script>" not in html
    if name == "region_report.ipynb":
        assert (
            "Руководителям общеобразовательных организаций кластерной группы КГ1"
            in html
        )
    else:
        assert "&lt;script&gt;" in html

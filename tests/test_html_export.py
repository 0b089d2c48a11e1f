import base64
import io
import logging
import struct
import zlib

import nbformat
import pytest
from html_page import Page
from nbformat.v4 import (
    new_code_cell,
    new_markdown_cell,
    new_notebook,
    new_output,
)

from profmon.html_export import (
    ExportError,
    ReportExporter,
    audit_html,
    export_html,
    notebook_title,
    write_html,
)


def _chunk(kind, data):
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def tiny_png(text_chunks=()):
    """A 1x1 white PNG, optionally with tEXt and tIME chunks, built by hand."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    chunks = [_chunk(b"IHDR", header)]
    for key, value in text_chunks:
        chunks.append(_chunk(b"tEXt", key + b"\x00" + value))
    if text_chunks:
        chunks.append(_chunk(b"tIME", struct.pack(">HBBBBB", 2023, 11, 14, 22, 13, 20)))
    chunks += [_chunk(b"IDAT", pixels), _chunk(b"IEND", b"")]
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks)


def report_notebook(*cells):
    """A notebook as papermill leaves it: parameters, injected parameters, cells."""
    parameters = new_code_cell("year = 2021", outputs=[])
    parameters.metadata["tags"] = ["parameters"]
    injected = new_code_cell(
        "# Parameters\nyear = 2022\n",
        outputs=[new_output("stream", name="stdout", text="INJECTED-OUTPUT\n")],
    )
    injected.metadata["tags"] = ["injected-parameters"]
    notebook = new_notebook(cells=[parameters, injected, *cells])
    notebook.metadata["papermill"] = {"start_time": "2023-01-01T00:00:00"}
    return notebook


def code(source, *outputs, count=7):
    return new_code_cell(source, outputs=list(outputs), execution_count=count)


def html_output(html):
    return new_output(
        "display_data", data={"text/html": html, "text/plain": "<IPython.HTML>"}
    )


def test_page_has_outputs_and_markdown_but_no_code():
    notebook = report_notebook(
        new_markdown_cell("## Участники"),
        code("secret_code_line = 1\nsecret_code_line", html_output("<p>вывод</p>")),
    )
    html = export_html(notebook, title="Отчёт")

    assert "<p>вывод</p>" in html
    assert "<h2" in html and "Участники" in html
    assert "secret_code_line" not in html
    assert "year = 20" not in html
    assert "INJECTED-OUTPUT" not in html
    for prompt in ("In [", "In&nbsp;[", "Out[", "jp-InputArea", "input_prompt"):
        assert prompt not in html


def test_page_is_russian_and_titled_with_escaped_title():
    html = export_html(report_notebook(), title="Отчёт <МО> & район")
    tags = Page(html).tags

    assert tags[0] == ("html", {"lang": "ru"})
    assert "<title>Отчёт &lt;МО&gt; &amp; район</title>" in html
    assert html.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in html


def test_title_comes_from_metadata_then_first_heading():
    notebook = report_notebook(new_markdown_cell("Вступление\n\n# Заголовок отчёта"))
    assert notebook_title(notebook) == "Заголовок отчёта"
    notebook.metadata["title"] = "Из метаданных"
    assert notebook_title(notebook) == "Из метаданных"
    assert "<title>Из метаданных</title>" in export_html(notebook)
    assert notebook_title(new_notebook()) == "Отчёт мониторинга профориентации"


def test_images_are_inline_and_png_metadata_is_stripped():
    png = tiny_png([(b"Software", b"Matplotlib version3, https://matplotlib.org/")])
    figure = new_output(
        "display_data",
        data={
            "image/png": base64.b64encode(png).decode(),
            "text/plain": "<Figure size 640x480 with 1 Axes>",
        },
    )
    html = export_html(report_notebook(code("plot()", figure)), title="t")
    images = Page(html).attributes("img")

    assert len(images) == 1
    source = images[0]["src"]
    assert source.startswith("data:image/png;base64,")
    data = base64.b64decode(source.split(",", 1)[1])
    assert data == tiny_png()  # same pixels, no tEXt and no tIME chunk
    assert images[0]["alt"] == "Диаграмма"
    assert "Figure size" not in html


def test_plain_text_from_the_data_is_escaped():
    evil = "<script>alert(1)</script>"
    notebook = report_notebook(
        code("print(name)", new_output("stream", name="stdout", text=evil)),
        code("name", new_output("execute_result", data={"text/plain": evil})),
    )
    html = export_html(notebook, title=evil)

    assert "<script" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3


def test_html_outputs_are_kept_as_the_report_wrote_them():
    table = (
        '<table class="indicators"><tr><td class="num">45,9&nbsp;%</td>'
        "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td></tr></table>"
    )
    html = export_html(report_notebook(code("t", html_output(table))), title="t")
    assert table in html


def test_stderr_is_left_out_and_logged(caplog):
    warning = new_output("stream", name="stderr", text="FutureWarning: old\n")
    notebook = report_notebook(code("x", warning, html_output("<p>ok</p>")))
    with caplog.at_level(logging.WARNING, logger="profmon.html_export"):
        html = export_html(notebook, title="t")
    assert "FutureWarning" not in html
    assert "FutureWarning: old" in caplog.text


def test_scripts_and_widgets_outputs_are_not_rendered():
    output = new_output(
        "display_data",
        data={"application/javascript": "alert(1)", "text/plain": "<JS>"},
    )
    html = export_html(report_notebook(code("js", output)), title="t")
    assert "alert(1)" not in html
    assert "<JS>" not in html  # plain text stands in: it is escaped
    assert "&lt;JS&gt;" in html


def test_remove_tags_drop_cells_and_outputs():
    removed = code("x", html_output("<p>HIDDEN-CELL</p>"))
    removed.metadata["tags"] = ["remove-cell"]
    quiet = code("y", html_output("<p>HIDDEN-OUTPUT</p>"))
    quiet.metadata["tags"] = ["remove-output"]
    html = export_html(report_notebook(removed, quiet), title="t")
    assert "HIDDEN" not in html


def test_page_refers_to_nothing_outside_itself():
    png = base64.b64encode(tiny_png()).decode()
    figure = new_output("display_data", data={"image/png": png})
    notebook = report_notebook(
        new_markdown_cell("# Отчёт\n\nТекст со [ссылкой](#section) и $x^2$."),
        code("t", html_output("<table><tr><td>1</td></tr></table>"), figure),
    )
    html = export_html(notebook, title="t")

    for tag, attrs in Page(html).tags:
        assert tag not in ("script", "link", "iframe", "object", "embed", "base")
        for name in ("src", "href", "srcset", "poster", "data", "action"):
            value = attrs.get(name) or ""
            assert "://" not in value and not value.startswith("//"), (tag, attrs)
    assert "url(" not in html and "@import" not in html
    assert "require.js" not in html and "mathjax" not in html.lower()


def test_export_refuses_a_page_that_would_load_or_run_anything():
    notebook = report_notebook(
        code("x", html_output('<script src="https://cdn.example/x.js"></script>'))
    )
    with pytest.raises(ExportError, match="<script>"):
        export_html(notebook, title="t")


@pytest.mark.parametrize(
    "fragment",
    [
        "<script>alert(1)</script>",
        '<link rel="stylesheet" href="https://fonts.example/css">',
        '<img src="https://example.org/x.png">',
        '<img src="figure.png">',
        '<img srcset="//example.org/x.png 2x" src="data:image/png;base64,AA==">',
        '<a href="https://example.org/">link</a>',
        '<a href="//example.org/">link</a>',
        '<a href="javascript:alert(1)">link</a>',
        '<div style="background: url(https://example.org/x.png)">x</div>',
        "<style>@import 'https://fonts.example/x.css';</style>",
        "<style>body { background: url('x.png') }</style>",
        '<img src="data:image/png;base64,AA==" onerror="alert(1)">',
        '<iframe src="data:text/html;base64,AA=="></iframe>',
        '<meta http-equiv="refresh" content="0; url=https://example.org">',
    ],
)
def test_audit_finds_every_way_out(fragment):
    assert audit_html(f"<html><body>{fragment}</body></html>")


@pytest.mark.parametrize(
    "fragment",
    [
        '<img src="data:image/png;base64,AA==" alt="x">',
        '<a href="#section">anchor</a>',
        '<a href="region.html">relative</a>',
        '<a href="executed/mo_rybinsk.ipynb">notebook</a>',
        '<a href="mailto:centre@example.org">mail</a>',
        "<style>td { color: red } .x { background: url(data:image/png;base64,AA==) }"
        "</style>",
        "<p>Текст про https://example.org не ссылка</p>",
        "<details open><summary>ok</summary></details>",
    ],
)
def test_audit_accepts_what_stays_inside(fragment):
    assert audit_html(f"<html><body>{fragment}</body></html>") == []


def test_export_is_deterministic_and_reuses_an_exporter():
    png = base64.b64encode(tiny_png([(b"Software", b"x")])).decode()
    notebook = report_notebook(
        new_markdown_cell("# Отчёт"),
        code(
            "t",
            html_output("<p>1</p>"),
            new_output("display_data", data={"image/png": png}),
        ),
    )
    exporter = ReportExporter()
    first = export_html(notebook, title="t", exporter=exporter)
    second = export_html(nbformat.from_dict(notebook), title="t", exporter=exporter)
    third = export_html(notebook, title="t")
    assert first == second == third


def test_write_html_reads_a_file_and_writes_atomically(tmp_path):
    path = tmp_path / "executed.ipynb"
    nbformat.write(report_notebook(code("t", html_output("<p>из файла</p>"))), path)
    target = tmp_path / "out" / "report.html"

    written = write_html(path, target, title="Файл")

    assert written == target
    assert "<p>из файла</p>" in target.read_text(encoding="utf-8")
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.html"]


def test_a_refused_page_leaves_no_file(tmp_path):
    notebook = report_notebook(code("x", html_output("<script>x()</script>")))
    target = tmp_path / "report.html"
    with pytest.raises(ExportError):
        write_html(notebook, target, title="t")
    assert list(tmp_path.iterdir()) == []


def test_css_is_inline_and_printable():
    html = export_html(report_notebook(), title="t")
    head = html.split("</head>")[0]
    assert "<style>" in head
    assert "@media print" in head
    assert "max-width" in head


def test_matplotlib_figure_round_trip_is_inline_png():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(2, 1))
    axes.plot([1, 2, 3])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    png = base64.b64encode(buffer.getvalue()).decode()
    output = new_output("display_data", data={"image/png": png})
    html = export_html(report_notebook(code("plot", output)), title="t")

    source = Page(html).attributes("img")[0]["src"]
    data = base64.b64decode(source.split(",", 1)[1])
    assert data.startswith(b"\x89PNG") and b"tEXt" not in data and b"IDAT" in data

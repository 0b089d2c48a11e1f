"""Export an executed report notebook to one self-contained, offline HTML file.

The page carries no code: no input cells, no prompts, neither the ``parameters``
cell nor the ``injected-parameters`` cell papermill adds. Images are inline
(``data:`` URIs), the styles sit in the page, and nothing refers to another
host: nbconvert's ``lab`` and ``classic`` templates load require.js and MathJax
from a CDN, so profmon renders with its own small template
(``profmon/report_assets``), built on nbconvert's ``base`` blocks.

Text is never sanitised here: HTML produced by the report (tables escaped by
the report code) is written as it is, plain text is escaped. Instead, every
page is audited after rendering (:func:`audit_html`) and refused when it
would load anything, run a script or link to another host.
"""

from __future__ import annotations

import base64
import functools
import logging
import os
import re
import struct
from html.parser import HTMLParser
from pathlib import Path

import nbformat
from nbconvert.exporters import TemplateExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor
from traitlets import default
from traitlets.config import Config

from profmon.atomic import write_text_atomic
from profmon.errors import ProfmonError
from profmon.provenance import package_version

__all__ = [
    "ASSETS_DIR",
    "REMOVED_CELL_TAGS",
    "ExportError",
    "ReportExporter",
    "audit_html",
    "export_html",
    "notebook_title",
    "report_css",
    "write_html",
]

log = logging.getLogger(__name__)

#: Template, styles and their nbconvert configuration.
ASSETS_DIR = Path(__file__).resolve().parent / "report_assets"

#: Cells with one of these tags are left out of the page entirely.
REMOVED_CELL_TAGS = frozenset(
    {
        "parameters",
        "injected-parameters",
        "papermill-error-cell-tag",
        "remove-cell",
        "remove_cell",
    }
)
_REMOVED_OUTPUT_TAGS = frozenset({"remove-output", "remove_output"})

#: Output formats in order of preference. Scripts and widgets are absent on
#: purpose: a report page runs no code.
DISPLAY_PRIORITY = (
    "text/html",
    "text/markdown",
    "image/png",
    "image/jpeg",
    "image/svg+xml",
    "text/plain",
)

_DEFAULT_TITLE = "Отчёт мониторинга профориентации"
_IMAGE_ALT = "Диаграмма"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Chunks that carry text or a time stamp, not pixels.
_PNG_METADATA_CHUNKS = frozenset({b"tEXt", b"zTXt", b"iTXt", b"tIME"})


class ExportError(ProfmonError):
    """A report page could not be made self-contained and offline."""


@functools.cache
def report_css() -> str:
    """Return the report style sheet, read once from :data:`ASSETS_DIR`."""
    return (ASSETS_DIR / "report.css").read_text(encoding="utf-8")


class _ReportPreprocessor(Preprocessor):
    """Drop stderr and ``remove-output`` outputs; strip PNG metadata."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        if _REMOVED_OUTPUT_TAGS & set(cell.metadata.get("tags", ())):
            cell.outputs = []
        kept = []
        for output in cell.get("outputs", ()):
            if output.output_type == "stream" and output.name == "stderr":
                log.warning(
                    "report %r: stderr of cell %d left out of the page: %s",
                    resources.get("profmon", {}).get("title"),
                    index,
                    output.text.strip()[:500],
                )
                continue
            png = output.get("data", {}).get("image/png")
            if png is not None:
                output.data["image/png"] = _strip_png_metadata(png)
            kept.append(output)
        cell.outputs = kept
        return cell, resources


class ReportExporter(TemplateExporter):
    """nbconvert exporter to profmon's offline report page.

    One instance can export many notebooks; it is not meant to be shared
    between threads (give each worker its own).

    Parameters
    ----------
    config : traitlets.config.Config, optional
        Settings for nbconvert, merged over profmon's defaults (no inputs,
        no prompts, no scripts or widgets).
    **kw
        Trait values passed on to :class:`nbconvert.exporters.TemplateExporter`.
    """

    export_from_notebook = None
    output_mimetype = "text/html"

    @default("file_extension")
    def _file_extension_default(self):
        return ".html"

    @default("template_name")
    def _template_name_default(self):
        return ASSETS_DIR.name

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self):
        return [str(ASSETS_DIR.parent)]

    @property
    def default_config(self):
        """Settings for nbconvert: no inputs, prompts, scripts or widgets."""
        config = Config(
            {
                "NbConvertBase": {"display_data_priority": list(DISPLAY_PRIORITY)},
                "TemplateExporter": {
                    "exclude_input": True,
                    "exclude_input_prompt": True,
                    "exclude_output_prompt": True,
                },
            }
        )
        if super().default_config:
            merged = super().default_config.copy()
            merged.merge(config)
            config = merged
        return config

    def __init__(self, config=None, **kw):
        super().__init__(config=config, **kw)
        self.register_preprocessor(
            TagRemovePreprocessor(
                remove_cell_tags=set(REMOVED_CELL_TAGS), enabled=True, parent=self
            ),
            enabled=True,
        )
        self.register_preprocessor(_ReportPreprocessor(parent=self), enabled=True)

    def default_filters(self):
        """Yield nbconvert's filters, with Markdown rendered without anchors.

        Yields
        ------
        tuple of (str, callable)
            A filter's name and the filter.
        """
        yield from super().default_filters()
        yield ("markdown2html", _markdown2html)


def _markdown2html(source: str) -> str:
    renderer = IPythonRenderer(escape=False, exclude_anchor_links=True)
    return MarkdownWithMath(renderer=renderer).render(source)


def notebook_title(notebook: nbformat.NotebookNode) -> str:
    """Return a notebook's title: its metadata, else its first heading.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        The notebook.

    Returns
    -------
    str
        ``metadata.title`` when set, otherwise the first Markdown heading of
        the first Markdown cell, otherwise a generic Russian title.
    """
    title = notebook.metadata.get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        match = re.search(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", cell.source, re.M)
        if match:
            return match.group(1)
        break
    return _DEFAULT_TITLE


def export_html(
    notebook: nbformat.NotebookNode | str | os.PathLike,
    *,
    title: str | None = None,
    exporter: ReportExporter | None = None,
) -> str:
    """Render an executed notebook as a self-contained offline HTML page.

    Parameters
    ----------
    notebook : nbformat.NotebookNode or path
        The executed notebook, or the path of its ``.ipynb`` file.
    title : str, optional
        Page title; by default :func:`notebook_title`.
    exporter : ReportExporter, optional
        An exporter to reuse (building one costs a few milliseconds).

    Returns
    -------
    str
        The whole page: ``<html lang="ru">``, the title, the styles inline, the
        notebook's outputs and Markdown, no code.

    Raises
    ------
    ExportError
        If the page would run a script, load or link to anything on another
        host (see :func:`audit_html`).
    """
    if not isinstance(notebook, nbformat.NotebookNode):
        notebook = nbformat.read(os.fspath(notebook), as_version=4)
    exporter = exporter or ReportExporter()
    page_title = title or notebook_title(notebook)
    resources = {
        "profmon": {
            "title": page_title,
            "css": report_css(),
            "version": package_version(),
            "image_alt": _IMAGE_ALT,
        }
    }
    html, _ = exporter.from_notebook_node(notebook, resources=resources)
    problems = audit_html(html)
    if problems:
        listed = "\n".join(f"  - {problem}" for problem in problems[:20])
        raise ExportError(
            f"Отчёт «{page_title}» нельзя сохранить как автономную страницу: "
            f"в нём есть ссылки на внешние ресурсы или исполняемый код.\n{listed}"
        )
    return html


def write_html(
    notebook: nbformat.NotebookNode | str | os.PathLike,
    path: str | os.PathLike,
    *,
    title: str | None = None,
    exporter: ReportExporter | None = None,
) -> Path:
    """Export `notebook` with :func:`export_html` and write it atomically.

    Parameters
    ----------
    notebook : nbformat.NotebookNode or path
        The executed notebook.
    path : str or path-like
        Destination ``.html``.
    title : str, optional
        Page title.
    exporter : ReportExporter, optional
        An exporter to reuse.

    Returns
    -------
    Path
        The destination.
    """
    html = export_html(notebook, title=title, exporter=exporter)
    return write_text_atomic(path, html)


def _strip_png_metadata(encoded: str) -> str:
    # Removes text and time chunks so the bytes depend on pixels only.
    try:
        data = base64.b64decode(encoded)
    except ValueError:
        return encoded
    if not data.startswith(_PNG_SIGNATURE):
        return encoded
    chunks = [_PNG_SIGNATURE]
    position = len(_PNG_SIGNATURE)
    while position + 12 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        end = position + 12 + length
        kind = data[position + 4 : position + 8]
        if kind not in _PNG_METADATA_CHUNKS:
            chunks.append(data[position:end])
        position = end
    if position != len(data):  # truncated or trailing bytes: leave untouched
        return encoded
    return base64.b64encode(b"".join(chunks)).decode("ascii")


# Attributes that make a browser fetch or navigate to their value.
_URL_ATTRIBUTES = frozenset(
    {
        "src",
        "href",
        "srcset",
        "poster",
        "data",
        "action",
        "formaction",
        "background",
        "xlink:href",
        "manifest",
        "ping",
    }
)
# Attributes whose value is fetched: only data: URIs or in-page anchors do.
_FETCHED_ATTRIBUTES = _URL_ATTRIBUTES - {"href", "xlink:href"}
_FORBIDDEN_TAGS = frozenset({"script", "link", "base", "iframe", "object", "embed"})
_EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|//|\\\\)", re.I)
_HARMLESS_SCHEMES = re.compile(r"^\s*(?:data:|mailto:|tel:)", re.I)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)|@import", re.I | re.S)


class _Auditor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        where = f"строка {self.getpos()[0]}, <{tag}>"
        if tag in _FORBIDDEN_TAGS:
            self.problems.append(f"{where}: элемент <{tag}> не допускается")
        if tag == "meta" and any(
            name == "http-equiv" and (value or "").lower() == "refresh"
            for name, value in attrs
        ):
            self.problems.append(f"{where}: автоматический переход не допускается")
        self._in_style = tag == "style"
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"{where}: обработчик события {name}=…")
            elif name == "style":
                self._check_css(value, where)
            elif name in _URL_ATTRIBUTES:
                self._check_url(name, value, where)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._in_style = False

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self._check_css(data, f"строка {self.getpos()[0]}, <style>")

    def _check_url(self, name, value, where):
        external = _EXTERNAL.match(value) and not _HARMLESS_SCHEMES.match(value)
        fetched_from_file = (
            name in _FETCHED_ATTRIBUTES
            and value.strip()
            and not value.lstrip().lower().startswith("data:")
        )
        if external or fetched_from_file:
            self.problems.append(f"{where}: {name}={value[:80]!r}")

    def _check_css(self, text, where):
        for match in _CSS_URL.finditer(text):
            if match.group(0).lower() == "@import":
                self.problems.append(f"{where}: @import в стилях")
            elif not match.group(2).strip().lower().startswith(("data:", "#")):
                self.problems.append(f"{where}: url({match.group(2)[:80]!r})")


def audit_html(html: str) -> list[str]:
    """List everything in a page that would make it less than offline and inert.

    Parameters
    ----------
    html : str
        A whole HTML page.

    Returns
    -------
    list of str
        One line (in Russian) per problem: a ``<script>``, ``<link>``,
        ``<iframe>``, ``<object>``, ``<embed>`` or ``<base>`` element; an
        event-handler attribute; a ``src``-like attribute that is not a
        ``data:`` URI; an ``href`` to another host (``http:``, ``https:``,
        ``//host``, ``file:`` …; in-page anchors, relative links and
        ``mailto:`` are fine); a CSS ``url()`` that is not a ``data:`` URI or
        an ``@import``. Empty when the page is clean.
    """
    auditor = _Auditor()
    auditor.feed(html)
    auditor.close()
    return auditor.problems

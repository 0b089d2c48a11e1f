"""The bundle's front page: ``index.html`` linking every report of a year.

One line per report: its title as a link and a one-line summary of its
results; a report that failed or is out of date says so instead of linking a
stale file silently. Like the reports, the page is self-contained (styles
inline, no scripts, links relative to the folder) and every piece of text is
escaped.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

from profmon.atomic import write_text_atomic
from profmon.provenance import package_version

__all__ = ["STATES", "IndexEntry", "render_index", "write_index"]

#: What the index can say about a report.
STATES = ("current", "stale", "failed", "missing")


@dataclass(frozen=True)
class IndexEntry:
    """One report as listed in the index.

    Parameters
    ----------
    title : str
        The report's title.
    file_name : str
        Its HTML file, relative to the index.
    municipality : str or None
        The municipality, None for the regional report.
    summary : str or None
        One line on its results (None when not available).
    state : str
        ``current`` (rendered from the present data), ``stale`` (an older
        rendering: its data changed since), ``failed`` (this run failed) or
        ``missing`` (never rendered).
    executed : str or None
        The executed notebook, relative to the index, for a failed report.
    """

    title: str
    file_name: str
    municipality: str | None = None
    summary: str | None = None
    state: str = "current"
    executed: str | None = None

    def __post_init__(self):
        if self.state not in STATES:
            raise ValueError(f"`state` must be one of {STATES}, got {self.state!r}")


def _link(entry: IndexEntry) -> str:
    # In the municipalities' table the name says it all; the title is a tooltip.
    label = escape(entry.municipality or entry.title)
    if entry.state in ("current", "stale"):
        return (
            f'<a href="{escape(_posix(entry.file_name))}" '
            f'title="{escape(entry.title)}">{label}</a>'
        )
    return label


def _note(entry: IndexEntry) -> str:
    if entry.state == "failed":
        where = escape(_posix(entry.executed or ""))
        return (
            '<span class="failed">Отчёт не сформирован: ошибка при выполнении. '
            f"Подробности в блокноте <code>{where}</code>.</span>"
        )
    if entry.state == "missing":
        return '<span class="muted">Отчёт ещё не сформирован.</span>'
    if entry.state == "stale":  # its summary would describe data now gone
        return (
            '<span class="failed">Данные изменились после формирования этого '
            "отчёта; сформируйте его заново.</span>"
        )
    summary = escape(entry.summary) if entry.summary else ""
    return f'<span class="summary">{summary}</span>'


def _posix(path: str) -> str:
    return path.replace(os.sep, "/")


def render_index(
    year: int,
    entries: Sequence[IndexEntry],
    *,
    generated_at: datetime.datetime,
    tables_name: str | None = None,
    data_fingerprint: str | None = None,
) -> str:
    """Return the HTML of a year's index page.

    Parameters
    ----------
    year : int
        Monitoring year.
    entries : sequence of IndexEntry
        The regional report (``municipality`` None) and the municipal ones, in
        the order to list them.
    generated_at : datetime.datetime
        Shown in the footer (see :func:`profmon.provenance.generation_time`).
    tables_name : str, optional
        The workbook of report tables beside the index, if there is one.
    data_fingerprint : str, optional
        Shown (shortened) in the footer.

    Returns
    -------
    str
        A whole, self-contained HTML page in Russian.
    """
    from profmon.html_export import report_css  # nbconvert: imported late

    region = [entry for entry in entries if entry.municipality is None]
    municipal = [entry for entry in entries if entry.municipality is not None]
    title = f"Мониторинг профориентации: отчёты за {year} год"
    lines = [
        "<!DOCTYPE html>",
        '<html lang="ru">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="profmon {escape(package_version())}">',
        f"<title>{escape(title)}</title>",
        f"<style>\n{report_css()}</style>",
        "</head>",
        "<body>",
        '<main class="report">',
        f"<h1>{escape(title)}</h1>",
        "<p>Каждый отчёт — отдельный файл, который открывается в браузере без "
        "интернета и может быть отправлен адресату как есть.</p>",
    ]
    if region:
        lines.append("<h2>Регион</h2>")
        lines.extend(f"<p>{_link(entry)}<br>{_note(entry)}</p>" for entry in region)
    if municipal:
        lines += [
            "<h2>Муниципальные образования</h2>",
            "<table>",
            "<thead><tr><th>Муниципальное образование</th><th>Итоги</th></tr></thead>",
            "<tbody>",
        ]
        lines.extend(
            f"<tr><td>{_link(entry)}</td><td>{_note(entry)}</td></tr>"
            for entry in municipal
        )
        lines += ["</tbody>", "</table>"]
    if tables_name:
        lines.append(
            f'<p>Таблицы отчётов для работы в Excel: <a href="{escape(tables_name)}">'
            f"{escape(tables_name)}</a>.</p>"
        )
    moment = generated_at.astimezone(datetime.UTC).strftime("%d.%m.%Y %H:%M UTC")
    footer = f"Сформировано {moment} · profmon {escape(package_version())}"
    if data_fingerprint:
        footer += f" · отпечаток данных {escape(data_fingerprint[:12])}"
    lines += [f"<footer>{footer}</footer>", "</main>", "</body>", "</html>", ""]
    return "\n".join(lines)


def write_index(path: str | os.PathLike, year: int, entries, **options) -> Path:
    """Write :func:`render_index` to `path` atomically; same options.

    Parameters
    ----------
    path : str or path-like
        Destination, normally ``reports/<year>/index.html``.
    year : int
        Monitoring year.
    entries : sequence of IndexEntry
        The reports to list.
    **options
        ``generated_at``, ``tables_name``, ``data_fingerprint``.

    Returns
    -------
    Path
        The destination.
    """
    return write_text_atomic(path, render_index(year, entries, **options))

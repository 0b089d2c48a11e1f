import datetime

import pytest
from html_page import Page

from profmon.html_export import audit_html
from profmon.report_index import IndexEntry, render_index, write_index

MOMENT = datetime.datetime(2023, 11, 14, 22, 13, 20, tzinfo=datetime.UTC)


ENTRIES = [
    IndexEntry("Регион", "region.html", None, "330 ОО; достигнуто 15 из 20", "current"),
    IndexEntry("<b>Рыбинск</b>", "mo_rybinsk.html", "Рыбинск", "<i>&</i>", "current"),
    IndexEntry(
        "Углич",
        "mo_uglichskiy.html",
        "Угличский",
        None,
        "failed",
        "executed/mo_uglichskiy.ipynb",
    ),
    IndexEntry("Тутаев", "mo_tutaevskiy.html", "Тутаевский", "старое", "stale"),
    IndexEntry("ГОУ", "gou.html", "ГОУ", None, "missing"),
]


def test_index_lists_reports_with_their_state():
    html = render_index(
        2022,
        ENTRIES,
        generated_at=MOMENT,
        tables_name="tables.xlsx",
        data_fingerprint="abcdef0123456789",
    )
    page = Page(html)
    text = " ".join(page.text)

    assert [attrs["href"] for attrs in page.attributes("a")] == [
        "region.html",
        "mo_rybinsk.html",
        "mo_tutaevskiy.html",
        "tables.xlsx",
    ]
    assert "330 ОО; достигнуто 15 из 20" in text
    assert "Рыбинск" in text and "<i>&</i>" in text  # shown as text
    assert 'title="&lt;b&gt;Рыбинск&lt;/b&gt;"' in html
    assert "Отчёт не сформирован" in text
    assert "executed/mo_uglichskiy.ipynb" in text
    assert "Данные изменились" in text
    assert "старое" not in text  # a stale summary is not repeated
    assert "ещё не сформирован" in text
    assert "14.11.2023 22:13 UTC" in text
    assert "abcdef012345" in text and "abcdef0123456789" not in text
    assert html.startswith("<!DOCTYPE html>") and '<html lang="ru">' in html
    assert "<title>Мониторинг профориентации: отчёты за 2022 год</title>" in html
    assert audit_html(html) == []


def test_index_without_municipalities_or_tables():
    html = render_index(2021, ENTRIES[:1], generated_at=MOMENT)
    assert "<table" not in html and "tables.xlsx" not in html


def test_unknown_state_is_refused():
    with pytest.raises(ValueError, match="`state` must be one of"):
        IndexEntry("x", "x.html", state="done")


def test_write_index_is_deterministic(tmp_path):
    first = write_index(
        tmp_path / "a" / "index.html", 2022, ENTRIES, generated_at=MOMENT
    )
    second = write_index(
        tmp_path / "b" / "index.html", 2022, ENTRIES, generated_at=MOMENT
    )
    assert first.read_bytes() == second.read_bytes()

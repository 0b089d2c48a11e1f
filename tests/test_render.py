import json
import re
import shutil
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import pytest
from html_page import Page
from render_support import (
    EVIL_NAME,
    SAMPLE_DATA,
    SMALL_MUNICIPALITIES,
    render_with_epoch,
    sample_bundle,
    small_bundle,
    small_data,
)

from profmon import report
from profmon.errors import ProfmonError
from profmon.html_export import audit_html
from profmon.municipalities import MUNICIPALITIES
from profmon.render import (
    MUNICIPALITY_NOTEBOOK,
    REGION_NOTEBOOK,
    RenderSummary,
    ReportResult,
    default_notebooks_dir,
    render_reports,
    report_file_name,
    safe_file_stem,
)
from profmon.report.context import load_context
from profmon.tables_workbook import sheet_title


@pytest.fixture
def sample(tmp_path_factory):
    """The sample's rendered bundle: (summary, folder), rendered once per run."""
    return sample_bundle(tmp_path_factory)


@pytest.fixture
def small(tmp_path_factory):
    """The small data set's rendered bundle: (summary, folder)."""
    return small_bundle(tmp_path_factory)


WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {
    f"{name}{n}" for name in ("com", "lpt") for n in range(1, 10)
}


def windows_safe(name):
    stem = name.split(".")[0].lower()
    return (
        not set('<>:"/\\|?*') & set(name)
        and all(ord(char) >= 32 for char in name)
        and not name.endswith((".", " "))
        and stem not in WINDOWS_RESERVED
        and len(name) < 100
    )


def assert_offline_report(path, title):
    html = path.read_text(encoding="utf-8")
    page = Page(html)
    assert page.tags[0] == ("html", {"lang": "ru"}), path.name
    assert f"<title>{title}</title>" in html.replace("&quot;", '"')
    for tag, attrs in page.tags:
        assert tag not in ("script", "link", "iframe", "base"), (path.name, tag)
        for name in ("src", "href", "srcset", "poster", "data", "action"):
            value = attrs.get(name, "")
            assert not re.match(r"\s*(https?:|//|file:)", value, re.I), (path.name, tag)
    for attrs in page.attributes("img"):
        assert attrs["src"].startswith("data:image/"), path.name
    assert not re.search(r"url\(\s*['\"]?(https?:|//)", html, re.I)
    assert "@import" not in html
    for marker in ("In [", "In&nbsp;[", "Out[", "jp-InputArea", "input_prompt"):
        assert marker not in html, (path.name, marker)
    assert "injected-parameters" not in html
    assert "# Parameters" not in html
    assert audit_html(html) == []
    return html, page


# --- file names -------------------------------------------------------------


def test_every_municipality_gets_its_own_safe_file_name():
    names = [report_file_name(None)] + [report_file_name(m) for m in MUNICIPALITIES]
    assert len(set(names)) == len(names) == 21
    for name in names:
        assert re.fullmatch(r"[a-z0-9_-]+\.html", name), name
        assert windows_safe(name), name
    assert report_file_name(None) == "region.html"
    assert report_file_name("Ярославль") == "mo_yaroslavl.html"
    assert report_file_name("Ярославский") == "mo_yaroslavskiy.html"
    assert report_file_name("Переславль-Залесский") == "mo_pereslavl-zalesskiy.html"
    assert report_file_name("ГОУ") == "gou.html"


@pytest.mark.parametrize(
    ("text", "stem"),
    [
        ('a<b>c:"d/e\\f|g?h*', "a_b_c_d_e_f_g_h"),
        ("CON", "con_"),
        ("Com1", "com1_"),
        ("Отчёт. ", "otchet"),
        ("...", "report"),
        ("", "report"),
        ("Гаврилов-Ямский район", "gavrilov-yamskiy_rayon"),
        ("школа №\t5\n", "shkola_5"),
    ],
)
def test_safe_file_stem(text, stem):
    assert safe_file_stem(text) == stem
    assert windows_safe(stem + ".html")


def test_long_names_are_cut():
    assert len(safe_file_stem("очень длинное название " * 20)) <= 60


def test_sheet_titles_are_valid_for_excel():
    taken = set()
    titles = [
        sheet_title(name, taken)
        for name in ["Показатели [КГ]", "a/b:c*d?", "x" * 40, "X" * 40, "History", ""]
    ]
    assert titles[0] == "Показатели _КГ_"
    assert titles[1] == "a_b_c_d_"
    assert len(titles[2]) == 31 and len(titles[3]) == 31
    assert titles[2].lower() != titles[3].lower()
    assert titles[4] != "History"
    assert titles[5] == "Лист"


# --- summary and arguments ----------------------------------------------------


def test_summary_exit_code_and_description(tmp_path):
    summary = RenderSummary(2022, tmp_path)
    summary.results.append(ReportResult("region.html", "rendered", tmp_path / "r"))
    assert summary.ok and summary.exit_code == 0
    summary.results.append(
        ReportResult(
            "mo_rybinsk.html",
            "failed",
            tmp_path / "mo_rybinsk.html",
            executed=tmp_path / "executed" / "mo_rybinsk.ipynb",
            error="RuntimeError: сбой",
        )
    )
    assert not summary.ok and summary.exit_code == 1
    text = summary.describe()
    assert "с ошибкой 1" in text
    assert "mo_rybinsk.html: RuntimeError: сбой" in text
    assert str(tmp_path / "executed" / "mo_rybinsk.ipynb") in text


def test_bad_arguments_are_clear_errors(tmp_path):
    data_dir = small_data(tmp_path / "data")
    out = tmp_path / "out"
    with pytest.raises(ProfmonError, match="либо"):
        render_reports(data_dir, 2022, municipality="Рыбинск", all_=True, out_dir=out)
    with pytest.raises(ProfmonError, match="Нет данных за 2019 год"):
        render_reports(data_dir, 2019, out_dir=out, progress=False)
    with pytest.raises(ProfmonError, match="Не найден блокнот"):
        render_reports(data_dir, 2022, out_dir=out, notebooks_dir=tmp_path)
    with pytest.raises(ProfmonError, match="Неизвестное муниципальное образование"):
        render_reports(data_dir, 2022, municipality="Атлантида", out_dir=out)
    with pytest.raises(ProfmonError, match="нет ни одной ОО"):
        render_reports(data_dir, 2022, municipality="Угличский", out_dir=out)
    assert not (out / "2022" / "region.html").exists()


# --- the committed sample -------------------------------------------------------


@pytest.mark.slow
def test_sample_bundle_is_complete(sample):
    summary, folder = sample
    assert summary.ok, summary.describe()
    present = load_context(SAMPLE_DATA, 2022).municipalities()
    expected = {"region.html"} | {report_file_name(name) for name in present}
    assert len(expected) == 21
    assert {r.name for r in summary.rendered} == expected | {"tables.xlsx"}
    written = {path.name for path in folder.glob("*.html")}
    assert written == expected | {"index.html"}
    for name in expected:
        executed = folder / "executed" / name.replace(".html", ".ipynb")
        notebook = nbformat.read(executed, as_version=4)
        assert notebook.metadata["papermill"]["exception"] is None
        assert notebook.metadata["papermill"]["output_path"] == str(executed)
    assert all(windows_safe(path.name) for path in folder.rglob("*"))


@pytest.mark.slow
def test_sample_reports_are_offline_titled_and_codeless(sample):
    _, folder = sample
    assert_offline_report(folder / "region.html", report.title(2022))
    for name in load_context(SAMPLE_DATA, 2022).municipalities():
        _, page = assert_offline_report(
            folder / report_file_name(name), report.title(2022, name)
        )
        assert page.attributes("table"), name
        assert page.attributes("img"), name


@pytest.mark.slow
def test_sample_index_links_every_report_with_its_summary(sample):
    from profmon.report.summary import one_line

    _, folder = sample
    _, page = assert_offline_report(
        folder / "index.html", "Мониторинг профориентации: отчёты за 2022 год"
    )
    links = [attrs["href"] for attrs in page.attributes("a")]
    reports = sorted(
        path.name for path in folder.glob("*.html") if path.name != "index.html"
    )
    assert sorted(link for link in links if link.endswith(".html")) == reports
    assert "tables.xlsx" in links
    for link in links:
        assert (folder / link).is_file()
    text = " ".join(page.text)
    assert one_line(SAMPLE_DATA, 2022) in text
    assert one_line(SAMPLE_DATA, 2022, "Рыбинск") in text
    context = load_context(SAMPLE_DATA, 2022)
    assert f"{len(context.schools)} ОО" in one_line(SAMPLE_DATA, 2022)


@pytest.mark.slow
def test_sample_tables_workbook_holds_the_report_tables(sample):
    from profmon.report.tables import export_tables

    _, folder = sample
    workbook = openpyxl.load_workbook(folder / "tables.xlsx", read_only=True)
    tables = export_tables(SAMPLE_DATA, 2022)
    taken = set()
    assert workbook.sheetnames == [sheet_title(name, taken) for name in tables]
    for (name, table), sheet in zip(tables.items(), workbook.worksheets, strict=True):
        rows = list(sheet.iter_rows(values_only=True))
        frame = table.reset_index() if table.index.names[0] is not None else table
        assert list(rows[0]) == [str(column) for column in frame.columns], name
        assert len(rows) - 1 == len(frame), name


# --- the small data set: escaping, determinism ---------------------------------------


@pytest.mark.slow
def test_a_school_name_from_the_data_stays_text(small):
    summary, folder = small
    assert summary.ok, summary.describe()
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for name in ("mo_rybinsk.html", "region.html"):
        html = (folder / name).read_text(encoding="utf-8")
        assert EVIL_NAME not in html, name
        assert "<script" not in html.lower(), name
        assert not Page(html).attributes("script"), name
    rybinsk = (folder / "mo_rybinsk.html").read_text(encoding="utf-8")
    assert escaped in rybinsk
    assert EVIL_NAME in " ".join(Page(rybinsk).text)  # shown as text


@pytest.mark.slow
def test_two_runs_give_identical_files(small, tmp_path):
    first_summary, first = small
    data_dir = Path(first_summary.folder).parent.parent / "data"
    second_summary = render_with_epoch(data_dir, tmp_path, all_=True, force=True)
    second = tmp_path / "2022"

    assert second_summary.ok
    names = sorted(path.name for path in first.iterdir() if path.is_file())
    assert "tables.xlsx" in names and "index.html" in names
    assert names == sorted(path.name for path in second.iterdir() if path.is_file())
    for name in names:
        if name == "manifest.json":
            continue
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


# --- failures and incremental rebuilds ----------------------------------------


def failing_notebooks(folder, municipality):
    """Copies of the notebooks in which one municipality's report raises."""
    folder.mkdir()
    source = default_notebooks_dir()
    shutil.copy(source / REGION_NOTEBOOK, folder / REGION_NOTEBOOK)
    notebook = nbformat.read(source / MUNICIPALITY_NOTEBOOK, as_version=4)
    position = next(
        i
        for i, cell in enumerate(notebook.cells)
        if "parameters" in cell.metadata.get("tags", [])
    )
    trap = nbformat.v4.new_code_cell(
        f"if municipality == {municipality!r}:\n"
        "    raise RuntimeError('сбой для проверки изоляции')"
    )
    notebook.cells.insert(position + 1, trap)
    nbformat.write(notebook, folder / MUNICIPALITY_NOTEBOOK)
    return folder


@pytest.mark.slow
def test_one_failing_report_does_not_stop_the_others(tmp_path):
    data_dir = small_data(tmp_path / "data")
    out = tmp_path / "reports"
    (out / "2022").mkdir(parents=True)
    (out / "2022" / "mo_rybinsk.html").write_text("старая страница")
    notebooks = failing_notebooks(tmp_path / "notebooks", "Рыбинск")

    summary = render_with_epoch(data_dir, out, all_=True, notebooks_dir=notebooks)

    assert summary.exit_code == 1
    [failure] = summary.failed
    assert failure.name == "mo_rybinsk.html"
    assert "сбой для проверки изоляции" in failure.error
    executed = nbformat.read(failure.executed, as_version=4)
    tags = [tag for cell in executed.cells for tag in cell.metadata.get("tags", [])]
    assert "papermill-error-cell-tag" in tags  # papermill's banner
    assert str(failure.executed) in summary.describe()
    assert not failure.path.exists()  # no stale page beside a failure

    rendered = {result.name for result in summary.rendered}
    assert rendered == {"region.html", "mo_yaroslavl.html", "gou.html", "tables.xlsx"}
    folder = out / "2022"
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "Отчёт не сформирован" in index
    assert "executed/mo_rybinsk.ipynb" in index
    assert 'href="mo_rybinsk.html"' not in index
    # The kernel that failed was replaced: later reports still render in order.
    assert (folder / "gou.html").is_file()


def rename_school(data_dir, position, new_name):
    path = data_dir / "raw" / "2022" / f"mo_{position:02d}.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.loc[0, "school_name"] = new_name
    table.to_csv(path, index=False)


@pytest.mark.slow
def test_incremental_rebuild_renders_only_what_depends_on_the_change(tmp_path):
    data_dir = small_data(tmp_path / "data")
    out = tmp_path / "reports"
    first = render_with_epoch(data_dir, out, all_=True)
    assert first.ok and len(first.rendered) == 5

    # A report of a municipality that no longer has schools is removed.
    manifest_path = out / "2022" / "manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8"))
    manifest["outputs"]["mo_uglichskiy.html"] = {"key": "old", "sha256": None}
    manifest_path.write_text(json.dumps(manifest), "utf-8")
    (out / "2022" / "mo_uglichskiy.html").write_text("прошлогодний отчёт")

    unchanged = render_with_epoch(data_dir, out, all_=True)
    assert unchanged.rendered == []
    assert len(unchanged.skipped) == 5
    assert not (out / "2022" / "mo_uglichskiy.html").exists()
    assert "mo_uglichskiy.html" not in manifest_path.read_text("utf-8")

    rename_school(data_dir, SMALL_MUNICIPALITIES.index("Рыбинск"), "Школа-интернат")
    changed = render_with_epoch(data_dir, out, all_=True)
    assert {r.name for r in changed.rendered} == {
        "mo_rybinsk.html",
        "region.html",
        "tables.xlsx",
    }
    assert {r.name for r in changed.skipped} == {"mo_yaroslavl.html", "gou.html"}
    assert "Школа-интернат" in (out / "2022" / "mo_rybinsk.html").read_text("utf-8")

    rename_school(data_dir, SMALL_MUNICIPALITIES.index("Рыбинск"), "Лицей")
    partial = render_with_epoch(data_dir, out, municipality="Ярославль")
    assert partial.rendered == [] and len(partial.skipped) == 1
    index = Page((out / "2022" / "index.html").read_text("utf-8"))
    stale = [line for line in index.text if "Данные изменились" in line]
    assert len(stale) == 2  # the regional report and Рыбинск's

    forced = render_with_epoch(data_dir, out, all_=True, force=True)
    assert len(forced.rendered) == 5

    (out / "2022" / "gou.html").write_text("edited by hand")
    repaired = render_with_epoch(data_dir, out, municipality="гоу")
    assert [r.name for r in repaired.rendered] == ["gou.html"]
    assert "edited by hand" not in (out / "2022" / "gou.html").read_text("utf-8")


@pytest.mark.slow
def test_a_skipped_report_is_the_page_a_full_rebuild_gives(tmp_path):
    data_dir = small_data(tmp_path / "data")
    incremental = tmp_path / "incremental"
    render_with_epoch(data_dir, incremental, all_=True)
    rename_school(data_dir, SMALL_MUNICIPALITIES.index("Рыбинск"), "Школа-интернат")
    changed = render_with_epoch(data_dir, incremental, all_=True)
    assert "mo_yaroslavl.html" in {r.name for r in changed.skipped}

    fresh = tmp_path / "fresh"
    render_with_epoch(data_dir, fresh, all_=True, force=True)
    for name in ("mo_yaroslavl.html", "gou.html", "mo_rybinsk.html", "region.html"):
        assert (incremental / "2022" / name).read_bytes() == (
            fresh / "2022" / name
        ).read_bytes(), name

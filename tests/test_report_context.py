"""Report context, title, summary, appendix and display, on data read from files."""

import re

import pandas as pd
import pytest
import report_sample as rs

from profmon import report
from profmon.errors import ProfmonError
from profmon.report import appendix, summary
from profmon.report.context import clear_cache, load_context, resolve_data_dir
from profmon.report.display import Table, change_text, value_text


@pytest.fixture
def data_dir(tmp_path):
    clear_cache()
    rs.write_data(tmp_path / "data", rs.two_years(rs.missing_cluster_targets()))
    yield tmp_path / "data"
    clear_cache()


def test_context_is_read_once_and_again_after_an_edit(data_dir):
    first = load_context(data_dir, 2022)
    assert load_context(data_dir, 2022) is first
    assert first.years == (2021, 2022)
    assert set(first.indicators) == {
        "region",
        "cluster",
        "municipality",
        "municipality_cluster",
        "school",
    }
    path = data_dir / "raw" / "2022" / "schools.csv"
    text = path.read_text(encoding="utf-8").replace("Школа s1", "Школа номер один")
    path.write_text(text, encoding="utf-8")
    again = load_context(data_dir, 2022)
    assert again is not first
    assert "Школа номер один" in set(again.schools["school_name"])


def test_data_dir_is_found_from_the_project_root_too(data_dir, monkeypatch):
    monkeypatch.chdir(data_dir.parent)
    (data_dir.parent / "notebooks").mkdir()
    assert resolve_data_dir("../data") == data_dir.resolve()
    assert resolve_data_dir("data") == data_dir.resolve()
    with pytest.raises(ProfmonError, match="Папка данных 'nowhere' не найдена"):
        resolve_data_dir("nowhere")


def test_missing_year_and_unknown_municipality_are_clear_errors(data_dir):
    with pytest.raises(ProfmonError, match="Нет данных за 2023 год"):
        load_context(data_dir, 2023)
    with pytest.raises(ProfmonError, match="Неизвестное муниципальное образование"):
        report.load(data_dir, 2022, "Атлантида")
    with pytest.raises(ProfmonError, match="нет ни одной ОО"):
        report.load(data_dir, 2022, "Мышкинский")


def test_title_and_heading():
    assert report.title(2022) == (
        "Мониторинг профориентации обучающихся, 2022 год: Ярославская область"
    )
    assert report.title(2022, "г. Рыбинск").endswith(": Рыбинск")
    assert "(ГОУ)" in report.title(2022, "ГОУ")


def test_one_line_counts_targets_met(data_dir):
    ctx = load_context(data_dir, 2022)
    met = int((ctx.level("region")["met"] == True).sum())  # noqa: E712
    assessed = int(ctx.level("region")["met"].notna().sum())
    assert summary.one_line(data_dir, 2022) == (
        f"5 ОО; целевые значения достигнуты по {met} из {assessed} показателей"
    )
    assert summary.one_line(data_dir, 2022, "Угличский").startswith("2 ОО; ")


def test_provenance_shows_fingerprint_version_parameters(data_dir, monkeypatch):
    from profmon.provenance import data_fingerprint

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    ctx = report.load(data_dir, 2022)
    html = appendix.provenance(ctx).html
    assert data_fingerprint(data_dir, [2021, 2022]) in html
    assert "year = 2022" in html
    assert "2023-11-14T22:13:20+00:00" in html
    assert html == appendix.provenance(ctx).html


def test_methodology_appendix_describes_formulas_in_words(data_dir):
    ctx = load_context(data_dir, 2022)
    html = appendix.methodology(ctx)._repr_html_()
    assert "обучающиеся 1–11-х классов" in html
    assert "«Участники профориентационных мероприятий, 1–11 кл.»" in html
    assert "более 400 обучающихся" in html
    assert "Редакция методики 2022" in html


def test_data_quality_hides_small_ovz_values(data_dir):
    ctx = load_context(data_dir, 2022)
    warnings = pd.DataFrame(
        {
            "file": ["a.xlsx", "b.xlsx"],
            "sheet": ["schools", "schools"],
            "row": [3, 4],
            "column": ["pupils_ovz", "graduates_9"],
            "value": ["2", "2"],
            "code": ["x", "y"],
            "message": ["<b>внимание</b>", "ok"],
        }
    )
    table = appendix.data_quality(
        ctx.__class__(**{**ctx.__dict__, "warnings": warnings})
    )
    assert table.text["Значение"].tolist() == ["c", "2"]
    assert "&lt;b&gt;внимание&lt;/b&gt;" in table.to_html()


def test_a_municipal_report_lists_only_its_own_warnings(data_dir):
    ctx = report.load(data_dir, 2022, "Угличский")
    warnings = pd.DataFrame(
        {
            "file": ["schools.csv", "schools.csv", "", "", "schools.csv", "x.csv"],
            "sheet": [""] * 6,
            "row": pd.array([5, 2, None, None, None, None], dtype="Int64"),
            "column": ["grade_1:11", "grade_1:11", "school_id", "school_id", "", ""],
            "value": ["10", "10", "s4", "s1", "", ""],
            "code": [
                "pupils_changed",
                "pupils_changed",
                "school_disappeared",
                "school_disappeared",
                "file_note",
                "file_note",
            ],
            "message": ["own row", "Рыбинск row", "own gone", "Рыбинск gone", "f", "g"],
        }
    )
    scoped = ctx.__class__(**{**ctx.__dict__, "warnings": warnings})
    kept = appendix.report_warnings(scoped)["message"].tolist()
    assert kept == ["own row", "own gone", "f"]
    regional = report.load(data_dir, 2022)
    everything = regional.__class__(**{**regional.__dict__, "warnings": warnings})
    assert len(appendix.report_warnings(everything)) == len(warnings)


def test_a_municipal_report_shows_the_fingerprint_of_its_own_data(data_dir):
    from profmon.provenance import data_fingerprint, report_fingerprint

    ctx = report.load(data_dir, 2022, "Угличский")
    html = appendix.provenance(ctx).html
    assert report_fingerprint(ctx, "Угличский") in html
    assert data_fingerprint(data_dir, [2021, 2022]) not in html
    assert "данные ОО «Угличский»" in html


def test_display_formats_the_russian_way():
    assert value_text(45.85, 1) == "45,9\u00a0%"
    assert value_text(float("nan")) == "—"
    assert value_text(12, suppressed=True) == "c"
    assert change_text(3.14, 1) == "+3,1\u00a0п.\u00a0п."
    table = Table(text=pd.DataFrame({"Школа": ["A & B"], "Доля": ["45\u00a0%"]}))
    html = table.to_html()
    assert "A &amp; B" in html and 'class="num"' in html
    assert table.to_html() == html


def test_setup_fixes_the_style():
    import matplotlib as mpl

    report.setup()
    assert mpl.rcParams["svg.hashsalt"] == "profmon"
    assert mpl.rcParams["font.family"] == ["DejaVu Sans"]


def test_export_tables_sheets_have_russian_headers_and_hidden_cells(data_dir):
    from profmon.report.tables import export_tables

    sheets = export_tables(data_dir, 2022)
    assert list(sheets) == [
        "Участники",
        "Контингент",
        "Показатели",
        "Цели по МО",
        "Показатели МО",
        "ОВЗ по МО и КГ",
        "Показатели ОО",
        "Рекомендации",
    ]
    for name, frame in sheets.items():
        assert len(name) <= 31 and not set(name) & set("[]:*?/\\")
        assert all(re.search("[А-Яа-я]", str(column)) for column in frame.columns)
    schools = sheets["Показатели ОО"].set_index("Код ОО")
    assert schools.loc["s1", "ПОО, выпускники 9 с ОВЗ, %"] == "c"  # 2 admitted
    assert not sheets["Рекомендации"].empty

"""Regional report tables: figures equal the engine's, laid out as published."""

import pandas as pd
import pytest
import report_sample as rs

from profmon.clusters import CLUSTERS
from profmon.methodology import load_methodology
from profmon.numbers import format_count, format_percent
from profmon.report.context import build_context
from profmon.report.tables import (
    contingent,
    indicator_table,
    municipality_targets,
    participation,
    targets_met_by_municipality,
)


@pytest.fixture(scope="module")
def ctx():
    return build_context(rs.two_years(rs.missing_cluster_targets()), 2022)


def pooled(schools, numerator, denominator):
    """Percent by plain sums, independently of the engine."""
    return 100 * schools[numerator].sum() / schools[denominator].sum().sum()


def test_indicator_table_lists_every_indicator_in_document_order(ctx):
    table = indicator_table(ctx)
    methodology = load_methodology(2022)
    assert table.text["Показатель"].tolist() == [
        ind.name_ru for ind in methodology.indicators
    ]
    assert list(table.sections.values()) == list(methodology.blocks.values())
    assert list(table.sections) == [0, 2, 8, 14]
    assert list(table.text.columns) == [
        "Показатель",
        "Целевое значение",
        *CLUSTERS,
        "Регион, 2022 г.",
        "Регион, 2021 г.",
    ]


def test_indicator_values_equal_an_independent_pooled_sum(ctx):
    table = indicator_table(ctx).text.set_index("Показатель")
    schools = ctx.schools
    grades = [f"grade_{g}" for g in range(1, 12)]
    name = load_methodology(2022).indicator("basic.events").name_ru
    region = pooled(schools, "events_1_11", grades)
    assert table.loc[name, "Регион, 2022 г."] == format_percent(region, 0)
    kg4 = schools[schools["cluster"] == "КГ4"]
    assert table.loc[name, "КГ4"] == format_percent(
        pooled(kg4, "events_1_11", grades), 0
    )
    # precision 1 for vocational indicators
    top = load_methodology(2022).indicator("vocational.poo9_top_region").name_ru
    value = pooled(schools, "poo_top_region_9", ["graduates_9"])
    assert table.loc[top, "Регион, 2022 г."] == format_percent(value, 1)


def test_met_and_missed_marks_follow_the_targets(ctx):
    table = indicator_table(ctx)
    marks = table.status.set_index(table.text["Показатель"])
    methodology = load_methodology(2022)
    events = methodology.indicator("basic.events").name_ru
    trials = methodology.indicator("basic.trials_6_9").name_ru
    assert marks.loc[events, "КГ1"] == "missed"  # 78 % against 90 %
    assert marks.loc[events, "КГ2"] == "met"  # 95 %
    assert marks.loc[trials, "КГ1"] == "missed"  # 30 % against 40 %
    assert marks.loc[trials, "КГ3"] == "met"
    html = table.to_html()
    assert "✗" in html and "✓" in html
    assert 'aria-label="целевое значение не достигнуто"' in html


def test_no_value_is_a_dash_and_unmarked():
    rows = rs.missing_cluster_targets()
    # 2021 lacks the indicators first measured in 2022; КГ3 has no 11th grade.
    rows = [dict(row) for row in rows]
    for row in rows:
        if row["school_id"] == "s3":
            row.update(
                grade_11=0, graduates_11=0, graduates_11_ovz=0, gia_advanced_11=0
            )
            row.update(vuz_profile_11=0, vuz_profile_region_11=0)
            row.update(vuz_labour_market_11=0, poo_region_11=0, poo_ovz_11=0)
            row.update(counselled_10_11=15, excursions_10_11=15)
    ctx = build_context(rs.two_years(rows), 2022)
    table = indicator_table(ctx)
    text = table.text.set_index("Показатель")
    marks = table.status.set_index(table.text["Показатель"])
    methodology = load_methodology(2022)
    gia = methodology.indicator("secondary.gia_advanced").name_ru
    assert text.loc[gia, "КГ3"] == "—"
    assert marks.loc[gia, "КГ3"] == ""
    proektoria = methodology.indicator("basic.proektoria").name_ru
    assert text.loc[proektoria, "Регион, 2021 г."] == "—"


def test_contingent_matches_plain_sums_and_change(ctx):
    table = contingent(ctx)
    text = table.text
    total = text[text[("КГ", "КГ")] == "ИТОГО"].iloc[0]
    pupils = ctx.schools[[f"grade_{g}" for g in range(1, 12)]].sum().sum()
    assert total[("Обучающихся", "2022 г.")] == format_count(pupils)
    assert total[("Обучающихся", "изм.")] == "0"
    ovz = ctx.schools["pupils_ovz"].sum()
    assert total[("Из них с ОВЗ", "2022 г.")] == format_count(ovz)
    assert '<th scope="colgroup" colspan="3">Обучающихся</th>' in table.to_html()


def test_participation_counts_schools_by_municipality_and_cluster(ctx):
    export = participation(ctx).export.set_index("Муниципальное образование")
    assert export.loc["Угличский", "КГ4"] == 2
    assert export.loc["ИТОГО", "Всего"] == 5
    assert export.index[:-1].tolist() == ["Ярославль", "Рыбинск", "Угличский"]


def test_targets_met_by_municipality_counts_engine_flags(ctx):
    summary = targets_met_by_municipality(ctx).set_index("municipality")
    rows = ctx.level("municipality")
    for name in ("Ярославль", "Угличский"):
        own = rows[rows["municipality"] == name]["met"]
        assert summary.loc[name, "met"] == int((own == True).sum())  # noqa: E712
        assert summary.loc[name, "missed"] == int((own == False).sum())  # noqa: E712
        assert summary.loc[name, "not_assessed"] == int(own.isna().sum())
    table = municipality_targets(ctx)
    assert table.text["Муниципальное образование"].tolist() == summary.index.tolist()


def test_table_html_escapes_text_from_the_data():
    rows = rs.missing_cluster_targets()
    rows[0]["school_name"] = "<script>alert(1)</script>"
    ctx = build_context(rs.two_years(rows), 2022)
    from profmon.report.municipal import school_list

    html = school_list(ctx, "Рыбинск").to_html()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_export_frames_hold_numbers(ctx):
    export = indicator_table(ctx).export
    assert export["Код"].tolist()[0] == "conditions.npo"
    assert pd.api.types.is_float_dtype(export["КГ1, %"])

"""Municipal report tables: comparison, schools, protected counts, workbook sheets."""

import pytest
import report_sample as rs

from profmon.disclosure import SUPPRESSED
from profmon.methodology import load_methodology
from profmon.numbers import format_percent
from profmon.report.context import build_context
from profmon.report.municipal import (
    comparison,
    contingent,
    indicators_by_municipality,
    protected_counts,
    rest_of_region,
    schools_export,
    schools_table,
    sensitive_counts_export,
)

GRADES = [f"grade_{g}" for g in range(1, 12)]


def rows_with_small_ovz():
    """Three municipalities; КГ4 of Угличский has 2 pupils with ОВЗ."""
    rows = rs.missing_cluster_targets()
    rows += [
        rs.school("s6", "Рыбинск", per_grade=12),
        rs.school("s7", "Рыбинск", per_grade=40),
        rs.school("s8", "Ярославль", per_grade=14),
    ]
    for row in rows:
        if row["school_id"] == "s4":
            row.update(pupils_ovz=2, pupils_disabled=1)
        if row["school_id"] == "s5":
            row.update(poo_ovz_9=2, pupils_ovz=1)
    return rows


@pytest.fixture(scope="module")
def ctx():
    return build_context(rs.two_years(rows_with_small_ovz()), 2022)


def percent(schools, numerator, denominator):
    return 100 * schools[numerator].sum() / schools[denominator].sum().sum()


def test_comparison_against_region_and_rest_of_region_by_hand(ctx):
    table = comparison(ctx, "Угличский")
    text = table.text.set_index(table.text.columns[0])
    name = load_methodology(2022).indicator("basic.events").name_ru
    schools = ctx.schools
    own = schools[schools["municipality"] == "Угличский"]
    others_kg4 = schools[
        (schools["municipality"] != "Угличский") & (schools["cluster"] == "КГ4")
    ]
    assert text.loc[name, ("МО", "2022 г.")] == format_percent(
        percent(own, "events_1_11", GRADES)
    )
    assert text.loc[name, ("Регион", "2022 г.")] == format_percent(
        percent(schools, "events_1_11", GRADES)
    )
    assert text.loc[name, ("КГ4", "остальные ОО региона")] == format_percent(
        percent(others_kg4, "events_1_11", GRADES)
    )
    assert text.loc[name, ("КГ4", "ОО МО")] == text.loc[name, ("МО", "2022 г.")]
    # Угличский has only КГ4 schools, so no other cluster columns.
    assert {upper for upper, _ in table.text.columns} >= {"КГ4"}
    assert "КГ1" not in {upper for upper, _ in table.text.columns}


def test_rest_of_region_pools_schools_outside_the_municipality(ctx):
    rest = rest_of_region(ctx, "Рыбинск")
    kg4 = rest[(rest["cluster"] == "КГ4") & (rest["indicator"] == "basic.events")]
    schools = ctx.schools
    outside = schools[
        (schools["municipality"] != "Рыбинск") & (schools["cluster"] == "КГ4")
    ]
    assert kg4["value"].iloc[0] == pytest.approx(
        percent(outside, "events_1_11", GRADES)
    )


def test_small_ovz_share_is_hidden_in_every_municipal_table(ctx):
    # s5 has 2 graduates with ОВЗ admitted to ПОО: its share is hidden.
    table = schools_table(ctx, "Угличский")
    label = load_methodology(2022).indicator("vocational.ovz9_poo").label_ru
    row = table.text.set_index("ОО").loc["Школа s5"]
    assert row[label] == SUPPRESSED
    marks = table.status.set_index(table.text["ОО"])
    assert marks.loc["Школа s5", label] == ""
    export = schools_export(ctx).set_index("Код ОО")
    assert export.loc["s5", f"{label}, %"] == SUPPRESSED
    html = table.to_html()
    assert 'class="num suppressed"' in html


def test_protected_counts_hide_small_cells_and_a_partner(ctx):
    values, hidden = protected_counts(ctx, "pupils_ovz")
    assert values.loc["Угличский", "КГ4"] == 3
    assert hidden.loc["Угличский", "КГ4"]
    assert hidden.loc["Угличский", "ИТОГО"]  # the municipality's total is 3 too
    # Lines with a printed total never have exactly one hidden cell.
    mask = hidden.iloc[:-1].to_numpy()
    for line in (*mask, *mask.T):
        assert line.sum() != 1
    assert not hidden.loc["ИТОГО"].any()  # cluster and region totals stay
    assert (
        values.loc["ИТОГО", "КГ4"]
        == ctx.schools.loc[ctx.schools["cluster"] == "КГ4", "pupils_ovz"].sum()
    )


def test_municipal_contingent_uses_the_regional_suppression(ctx):
    text = contingent(ctx, "Угличский").text.set_index("КГ")
    assert text.loc["КГ4", "Обучающихся с ОВЗ"] == SUPPRESSED
    assert text.loc["Всего по МО", "Обучающихся с ОВЗ"] == SUPPRESSED
    export = sensitive_counts_export(ctx).set_index("Муниципальное образование")
    assert export.loc["Угличский", "Обучающихся с ОВЗ, КГ4"] == SUPPRESSED
    values, hidden = protected_counts(ctx, "pupils_ovz")
    shown = export.loc["Рыбинск", "Обучающихся с ОВЗ, КГ2"]
    assert shown == (
        SUPPRESSED if hidden.loc["Рыбинск", "КГ2"] else values.loc["Рыбинск", "КГ2"]
    )


def test_indicators_by_municipality_round_as_published(ctx):
    wide = indicators_by_municipality(ctx).set_index("Муниципальное образование")
    label = load_methodology(2022).indicator("basic.events").label_ru
    own = ctx.schools[ctx.schools["municipality"] == "Ярославль"]
    assert wide.loc["Ярославль", f"{label}, %"] == round(
        percent(own, "events_1_11", GRADES)
    )
    assert list(wide.index) == ["Ярославль", "Рыбинск", "Угличский"]

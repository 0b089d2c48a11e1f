"""The regional report on the committed 2022 sample shows the published figures."""

from pathlib import Path

import pytest

from profmon.clusters import CLUSTERS
from profmon.numbers import format_count, round_half_up
from profmon.reference import published_contingent, published_figures
from profmon.report import summary
from profmon.report.advice import region_recommendations
from profmon.report.context import load_context
from profmon.report.tables import contingent, indicator_table
from profmon.report.targets import region_targets

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def ctx():
    return load_context(DATA, 2022)


def shown_number(text):
    return float(text.replace("\u00a0%", "").replace(",", "."))


def test_indicator_table_prints_every_published_figure(ctx):
    table = indicator_table(ctx)
    text = table.text.set_index(table.export["Код"])
    columns = {"регион": {2022: "Регион, 2022 г.", 2021: "Регион, 2021 г."}}
    checked = 0
    for figure in published_figures():
        column = columns.get(figure.group, {}).get(figure.year, figure.group)
        shown = shown_number(text.loc[figure.indicator, column])
        assert round_half_up(shown, figure.decimals) == figure.value, figure
        checked += 1
    assert checked >= 100


def test_contingent_table_equals_the_published_one(ctx):
    text = contingent(ctx).text.set_index(("КГ", "КГ"))
    for row in published_contingent().itertuples():
        line = text.loc[row.cluster]
        assert line[("Обучающихся", f"{row.year} г.")] == format_count(row.pupils)
        assert line[("Из них с ОВЗ", f"{row.year} г.")] == format_count(row.pupils_ovz)
        assert line[("Из них с инвалидностью", f"{row.year} г.")] == format_count(
            row.pupils_disabled
        )


def test_missed_targets_are_the_documents_five(ctx):
    missed = region_targets(ctx).missed
    assert [line.split(" — ")[1] for line in missed] == [
        "83\u00a0% (целевое значение 90\u00a0%)",
        "1,0\u00a0% (целевое значение 10\u00a0%)",
        "45,9\u00a0% (целевое значение 80\u00a0%)",
        "29,8\u00a0% (целевое значение 35\u00a0%)",
        "30,7\u00a0% (целевое значение 45\u00a0%)",
    ]


def test_sample_recommendations_include_the_documents_advice(ctx):
    recommendations = region_recommendations(ctx)
    addressed = {(rec.recipient, rec.clusters, rec.rules) for rec in recommendations}
    assert ("schools", tuple(CLUSTERS), ("schools.events",)) in addressed
    assert ("schools", ("КГ1",), ("schools.trials",)) in addressed
    assert ("schools", ("КГ3", "КГ4"), ("schools.profile_training",)) in addressed
    assert ("department", (), ("department.top_region_quotas",)) in addressed
    centre = {rec.rules for rec in recommendations if rec.recipient == "centre"}
    assert centre == {
        ("centre.seminar",),
        ("centre.planning",),
        ("centre.parents",),
        ("centre.practices",),
    }


def test_index_line_for_the_sample(ctx):
    assert summary.one_line(DATA, 2022) == (
        "330 ОО; целевые значения достигнуты по 15 из 20 показателей"
    )

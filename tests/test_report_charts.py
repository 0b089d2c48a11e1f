"""Charts: the heatmap's colours by hand, hidden values never drawn, same bytes."""

import math

import pytest
import report_sample as rs

from profmon.methodology import load_methodology
from profmon.numbers import round_half_up
from profmon.report.charts import (
    block_charts,
    municipality_trend,
)
from profmon.report.context import build_context
from profmon.report.heatmap import distance_to_target, municipality_heatmap

GRADES = [f"grade_{g}" for g in range(1, 12)]


@pytest.fixture(scope="module")
def ctx():
    rows = rs.missing_cluster_targets()
    rows[4]["poo_ovz_9"] = 1  # Угличский: one graduate with ОВЗ admitted to ПОО
    return build_context(rs.two_years(rows), 2022)


def test_distance_is_shown_value_minus_target(ctx):
    distance, labels = distance_to_target(ctx)
    events = load_methodology(2022).indicator("basic.events")
    own = ctx.schools[ctx.schools["municipality"] == "Угличский"]
    value = 100 * own["events_1_11"].sum() / own[GRADES].sum().sum()
    shown = round_half_up(value, 0)
    assert distance.loc["Угличский", events.label_ru] == shown - 90
    assert labels.loc["Угличский", events.label_ru] == f"{shown:.0f}"


def test_hidden_share_is_labelled_c_and_not_coloured(ctx):
    distance, labels = distance_to_target(ctx)
    label = load_methodology(2022).indicator("vocational.ovz9_poo").label_ru
    assert labels.loc["Угличский", label] == "c"
    assert math.isnan(distance.loc["Угличский", label])


def test_charts_are_deterministic_png_with_alt_text(ctx):
    first = municipality_heatmap(ctx)
    second = municipality_heatmap(ctx)
    assert first.png == second.png
    assert first.png.startswith(b"\x89PNG")
    assert b"tEXt" not in first.png and b"tIME" not in first.png
    html = first._repr_html_()
    assert html.startswith('<figure class="chart"><img src="data:image/png;base64,')
    assert 'alt="Тепловая карта' in html


def test_block_charts_have_a_title_and_two_charts_per_block(ctx):
    stack = block_charts(ctx)
    titles = [item for item in stack.items if isinstance(item, str)]
    assert titles == list(load_methodology(2022).blocks.values())
    assert len(stack.items) == 3 * len(titles)
    assert municipality_trend(ctx, "Рыбинск").png.startswith(b"\x89PNG")


def test_charts_ignore_the_callers_matplotlib_settings(ctx):
    import matplotlib as mpl

    before = municipality_trend(ctx, "Рыбинск").png
    with mpl.rc_context({"font.size": 20, "axes.facecolor": "black"}):
        after = municipality_trend(ctx, "Рыбинск").png
    assert before == after
    assert mpl.rcParams["font.size"] != 20

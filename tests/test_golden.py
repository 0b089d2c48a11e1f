"""The committed sample reproduces every figure of the centre's 2022 presentation."""

from pathlib import Path

import pandas as pd
import pytest

from profmon.contingent import contingent_table
from profmon.dataset import load_panel
from profmon.engine import compute_indicators
from profmon.methodology import load_methodology
from profmon.numbers import round_half_up
from profmon.reference import published_contingent, published_figures

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def panel():
    return load_panel(DATA)


@pytest.fixture(scope="module")
def computed(panel):
    methodology = load_methodology(2022)
    tables = [
        compute_indicators(panel, methodology, by=by) for by in ("region", "cluster")
    ]
    return pd.concat(tables).set_index(["indicator", "group", "year"])["value"]


FIGURES = published_figures()


@pytest.mark.parametrize(
    "figure", FIGURES, ids=[f"{f.indicator}-{f.group}-{f.year}" for f in FIGURES]
)
def test_published_figure_is_reproduced(computed, figure):
    value = computed.loc[(figure.indicator, figure.group, figure.year)]
    assert round_half_up(value, figure.decimals) == figure.value


def test_every_published_figure_is_checked():
    # 20 indicators: 2022 clusters and region for 19 (satisfaction has region
    # only), 15 region values for 2021
    assert len(FIGURES) == 19 * 5 + 1 + 15


def test_contingent_table_is_exact(panel):
    table = contingent_table(panel)
    published = published_contingent()
    merged = published.merge(table, on=["cluster", "year"], suffixes=("", "_sample"))
    assert len(merged) == len(published) == 8
    for column in ("pupils", "pupils_ovz", "pupils_disabled"):
        assert (merged[column] == merged[f"{column}_sample"]).all(), column
    totals = table.loc[table["cluster"] == "ИТОГО"].set_index("year")
    assert totals.loc[2022, "schools"] == 330
    assert totals.loc[2022, "pupils"] == 137_107
    assert totals.loc[2021, "pupils"] == 184_218


def test_schools_and_municipalities_of_2022(panel):
    year = panel.loc[panel["year"] == 2022]
    assert len(year) == 330
    assert year["municipality"].nunique() == 20  # 19 МО and ГОУ


# The document's list of targets met names «доля выпускников 9-х и 11-х классов с
# ОВЗ и инвалидностью, поступивших в ПОО», yet its table gives 1,0 % against a
# target of 10 % for grade 11, and its list of targets missed names the same
# indicator. profmon derives the lists from the values, so it cannot agree with
# both lists of the document at once.
MET_IN_DOCUMENT = {
    "basic.bilet",
    "basic.proektoria",
    "basic.consult_5_9",
    "secondary.consult_10_11",
    "basic.trials_6_9",
    "basic.excursions_6_9",
    "secondary.excursions_10_11",
    "secondary.gia_advanced",
    "secondary.vuz_profile",
    "secondary.vuz_profile_region",
    "vocational.ovz9_poo",
    "vocational.ovz11_poo",
    "vocational.poo11_region",
}
MISSED_IN_DOCUMENT = {
    "basic.events",
    "vocational.ovz11_poo",
    "vocational.poo9_region",
    "vocational.poo9_top_region",
    "vocational.vuz11_labour_market",
}


@pytest.fixture(scope="module")
def region_2022(panel):
    table = compute_indicators(panel, load_methodology(2022), by="region")
    return table.loc[table["year"] == 2022].set_index("indicator")["met"]


def test_targets_missed_agree_with_the_document(region_2022):
    missed = {code for code, met in region_2022.items() if met is False or met == 0}
    assert missed == MISSED_IN_DOCUMENT


@pytest.mark.xfail(
    strict=True,
    reason="the document lists ovz11_poo (1,0 % against 10 %) as met as well as "
    "missed; profmon marks it missed",
)
def test_targets_met_agree_with_the_document(region_2022):
    met = {code for code, value in region_2022.items() if value is True or value == 1}
    # the two presence indicators are outside the document's prose lists
    met -= {"conditions.npo", "conditions.cabinet", "secondary.satisfaction"}
    assert met == MET_IN_DOCUMENT

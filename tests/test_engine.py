"""The engine against hand computations on four schools.

Expected values are recomputed here from the formulas as the issue states them
(pooled sums of the named fields), written out independently of the methodology
file, so a wrong numerator or denominator in either one shows up.
"""

import math

import numpy as np
import pandas as pd
import pytest

from profmon.engine import LEVELS, compute_indicators, with_previous_year
from profmon.fields import FIELDS, GRADE_FIELDS
from profmon.methodology import load_methodology

# The formulas, written out by hand from the issue and the source document.
HAND = {
    "conditions.npo": (["has_career_regulations"], ["schools"]),
    "conditions.cabinet": (["has_career_room"], ["schools"]),
    "basic.bilet": (["bilet_6_11"], [f"grade_{g}" for g in range(6, 12)]),
    "basic.proektoria": (["proektoria_1_11"], [f"grade_{g}" for g in range(1, 12)]),
    "basic.events": (["events_1_11"], [f"grade_{g}" for g in range(1, 12)]),
    "basic.consult_5_9": (["counselled_5_9"], [f"grade_{g}" for g in range(5, 10)]),
    "basic.trials_6_9": (["trials_6_9"], [f"grade_{g}" for g in range(6, 10)]),
    "basic.excursions_6_9": (["excursions_6_9"], [f"grade_{g}" for g in range(6, 10)]),
    "secondary.consult_10_11": (["counselled_10_11"], ["grade_10", "grade_11"]),
    "secondary.excursions_10_11": (["excursions_10_11"], ["grade_10", "grade_11"]),
    "secondary.gia_advanced": (["gia_advanced_11"], ["grade_11"]),
    "secondary.vuz_profile": (["vuz_profile_11"], ["graduates_11"]),
    "secondary.vuz_profile_region": (["vuz_profile_region_11"], ["graduates_11"]),
    "secondary.satisfaction": (["survey_satisfied_9_11"], ["grade_9", "grade_11"]),
    "vocational.ovz9_poo": (["poo_ovz_9"], ["graduates_9"]),
    "vocational.ovz11_poo": (["poo_ovz_11"], ["graduates_11"]),
    "vocational.poo9_region": (["poo_region_9"], ["graduates_9"]),
    "vocational.poo11_region": (["poo_region_11"], ["graduates_11"]),
    "vocational.poo9_top_region": (["poo_top_region_9"], ["graduates_9"]),
    "vocational.vuz11_labour_market": (["vuz_labour_market_11"], ["graduates_11"]),
}


def _school(school_id, municipality, school_type, grade, seed, *, senior=True):
    rng = np.random.default_rng(seed)
    row = {f.name: 0 for f in FIELDS if f.kind == "count"}
    row.update(
        school_id=school_id,
        school_name=f"Школа {school_id}",
        municipality=municipality,
        school_type=school_type,
        settlement="село",
        has_career_regulations=bool(seed % 2),
        has_career_room=True,
        year=2022,
    )
    for g in range(1, 12):
        row[f"grade_{g}"] = 0 if (g >= 10 and not senior) else grade + g
    row["graduates_9"] = row["grade_9"] - 1
    row["graduates_11"] = max(row["grade_11"] - 2, 0)
    for numerator, denominator in HAND.values():
        (field,) = numerator
        if denominator == ["schools"]:
            continue
        whole = sum(row[d] for d in denominator)
        row[field] = int(rng.integers(0, whole + 1)) if whole else 0
    row["survey_respondents_9_11"] = row["grade_9"] + row["grade_11"]
    return row


@pytest.fixture
def schools():
    rows = [
        _school("A1", "Рыбинск", "лицей", 40, 1),
        _school("A2", "Рыбинск", "общеобразовательная", 10, 2, senior=False),
        _school("B1", "Угличский", "общеобразовательная", 30, 3),
        _school("B2", "Угличский", "гимназия", 60, 4),
    ]
    return pd.DataFrame(rows)


@pytest.fixture
def methodology():
    return load_methodology(2022)


def _hand_value(frame, code):
    numerator, denominator = HAND[code]
    top = sum(frame[f].sum() for f in numerator)
    bottom = sum(len(frame) if f == "schools" else frame[f].sum() for f in denominator)
    return top, bottom, (100 * top / bottom if bottom else math.nan)


def test_every_indicator_has_a_hand_formula(methodology):
    assert {ind.code for ind in methodology.indicators} == set(HAND)


@pytest.mark.parametrize("code", list(HAND))
def test_region_value_is_the_pooled_ratio(schools, methodology, code):
    table = compute_indicators(schools, methodology, by="region")
    row = table.loc[table["indicator"] == code].iloc[0]
    top, bottom, value = _hand_value(schools, code)
    assert row["numerator"] == top
    assert row["denominator"] == bottom
    assert row["value"] == pytest.approx(value)


@pytest.mark.parametrize("code", list(HAND))
def test_municipality_and_school_values(schools, methodology, code):
    by_municipality = compute_indicators(schools, methodology, by="municipality")
    for name, part in schools.groupby("municipality"):
        row = by_municipality.loc[
            (by_municipality["indicator"] == code) & (by_municipality["group"] == name)
        ].iloc[0]
        top, bottom, value = _hand_value(part, code)
        assert (row["numerator"], row["denominator"]) == (top, bottom)
        assert row["value"] == pytest.approx(value, nan_ok=True)

    by_school = compute_indicators(schools, methodology, by="school")
    for _, school in schools.iterrows():
        row = by_school.loc[
            (by_school["indicator"] == code) & (by_school["group"] == school.school_id)
        ].iloc[0]
        top, bottom, value = _hand_value(school.to_frame().T, code)
        assert row["municipality"] == school.municipality
        assert row["value"] == pytest.approx(value, nan_ok=True)


def test_cluster_level_pools_schools_of_each_cluster(schools, methodology):
    table = compute_indicators(schools, methodology, by="cluster")
    # A1 (лицей) and B2 (гимназия) are КГ1 whatever their size; A2 (grades
    # 1-9 only) has under 200 pupils, B1 from 200 to 400.
    a2 = sum(10 + g for g in range(1, 10))
    b1 = sum(30 + g for g in range(1, 12))
    assert a2 < 200 <= b1 <= 400
    kg1 = schools.loc[schools["school_id"].isin(["A1", "B2"])]
    row = table.loc[(table["group"] == "КГ1") & (table["indicator"] == "basic.bilet")]
    assert row["value"].iloc[0] == pytest.approx(_hand_value(kg1, "basic.bilet")[2])
    assert set(table["group"]) == {"КГ1", "КГ3", "КГ4"}


def test_zero_denominator_gives_no_value_not_zero(schools, methodology):
    table = compute_indicators(schools, methodology, by="school")
    a2 = table.loc[
        (table["group"] == "A2") & (table["indicator"] == "secondary.gia_advanced")
    ]
    assert a2["denominator"].iloc[0] == 0
    assert math.isnan(a2["value"].iloc[0])
    assert pd.isna(a2["met"].iloc[0])


def test_indicators_not_yet_measured_have_no_value(schools, methodology):
    earlier = schools.assign(year=2021).drop(columns=["proektoria_1_11"])
    panel = pd.concat([earlier, schools], ignore_index=True)
    table = compute_indicators(panel, methodology, by="region")
    old = table.loc[
        (table["year"] == 2021) & (table["indicator"] == "basic.proektoria")
    ]
    assert math.isnan(old["value"].iloc[0]) and pd.isna(old["met"].iloc[0])
    kept = table.loc[(table["year"] == 2021) & (table["indicator"] == "basic.bilet")]
    assert kept["value"].iloc[0] == pytest.approx(
        _hand_value(schools, "basic.bilet")[2]
    )


def test_target_met_compares_the_value_as_published(methodology):
    frame = pd.DataFrame([_school("C1", "Рыбинск", "общеобразовательная", 30, 7)])
    whole = frame[list(GRADE_FIELDS)].sum(axis=1)
    # 89.6 % of pupils at events shows as «90 %»: the target of 90 % is met
    frame["events_1_11"] = np.ceil(0.896 * whole).astype(int)
    table = compute_indicators(frame, methodology, by="region")
    events = table.loc[table["indicator"] == "basic.events"].iloc[0]
    assert 89.5 <= events["value"] < 90
    assert bool(events["met"]) is True
    frame["events_1_11"] = np.floor(0.894 * whole).astype(int)
    table = compute_indicators(frame, methodology, by="region")
    assert bool(table.loc[table["indicator"] == "basic.events", "met"].iloc[0]) is False


def test_levels_return_the_documented_columns(schools, methodology):
    for level in LEVELS:
        table = compute_indicators(schools, methodology, by=level)
        assert list(table.columns)[:3] == ["year", "level", "group"]
        assert (table["level"] == level).all()
        assert len(table) % len(methodology.indicators) == 0


def test_unknown_level_is_refused(schools, methodology):
    with pytest.raises(ValueError, match="`by` must be one of"):
        compute_indicators(schools, methodology, by="district")


def test_previous_year_and_change(schools, methodology):
    earlier = schools.assign(year=2021, bilet_6_11=schools["bilet_6_11"] // 2)
    table = compute_indicators(pd.concat([earlier, schools]), methodology, by="region")
    changed = with_previous_year(table)
    row = changed.loc[
        (changed["year"] == 2022) & (changed["indicator"] == "basic.bilet")
    ]
    now = _hand_value(schools, "basic.bilet")[2]
    before = _hand_value(earlier, "basic.bilet")[2]
    assert row["previous_value"].iloc[0] == pytest.approx(before)
    assert row["change"].iloc[0] == pytest.approx(now - before)
    first = changed.loc[changed["year"] == 2021, "previous_value"]
    assert first.isna().all()

"""Pooling, as properties: every level adds up to the same region."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profmon.engine import compute_indicators
from profmon.fields import FIELDS
from profmon.methodology import load_methodology
from profmon.municipalities import MUNICIPALITIES

METHODOLOGY = load_methodology(2022)
COUNTS = [f.name for f in FIELDS if f.kind == "count"]


@st.composite
def school_frames(draw):
    size = draw(st.integers(1, 25))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({name: rng.integers(0, 60, size) for name in COUNTS})
    # some schools teach no senior grades: zero denominators must pool too
    frame.loc[rng.random(size) < 0.3, ["grade_10", "grade_11", "graduates_11"]] = 0
    # valid data keeps every numerator within its denominator
    for indicator in METHODOLOGY.indicators:
        (numerator,) = indicator.numerator
        if "schools" in indicator.denominator:
            continue
        whole = frame[list(indicator.denominator)].sum(axis=1)
        frame[numerator] = np.floor(rng.random(size) * (whole + 1)).astype(int)
    frame["has_career_regulations"] = rng.random(size) < 0.5
    frame["has_career_room"] = rng.random(size) < 0.5
    frame["school_id"] = [f"S{i}" for i in range(size)]
    frame["municipality"] = rng.choice(MUNICIPALITIES[:5], size)
    frame["school_type"] = rng.choice(["лицей", "общеобразовательная"], size)
    frame["year"] = 2022
    return frame


def _parts(table):
    return table.groupby("indicator", observed=True)[["numerator", "denominator"]].sum(
        min_count=1
    )


@settings(max_examples=60, deadline=None)
@given(school_frames())
def test_region_equals_pooled_clusters_municipalities_and_schools(frame):
    region = compute_indicators(frame, METHODOLOGY, by="region").set_index("indicator")
    for level in ("cluster", "municipality", "municipality_cluster", "school"):
        pooled = _parts(compute_indicators(frame, METHODOLOGY, by=level))
        pd.testing.assert_series_equal(
            pooled["numerator"],
            region["numerator"],
            check_names=False,
            check_index_type=False,
            check_categorical=False,
        )
        pd.testing.assert_series_equal(
            pooled["denominator"],
            region["denominator"],
            check_names=False,
            check_index_type=False,
            check_categorical=False,
        )


@settings(max_examples=60, deadline=None)
@given(school_frames())
def test_region_value_is_ratio_of_sums_and_lies_between_cluster_values(frame):
    region = compute_indicators(frame, METHODOLOGY, by="region").set_index("indicator")
    clusters = compute_indicators(frame, METHODOLOGY, by="cluster")
    for code, part in clusters.groupby("indicator", observed=True):
        row = region.loc[code]
        if row["denominator"] == 0:
            assert np.isnan(row["value"])
            continue
        assert row["value"] == pytest.approx(
            100 * row["numerator"] / row["denominator"]
        )
        values = part["value"].dropna()
        assert values.min() - 1e-9 <= row["value"] <= values.max() + 1e-9

"""The sample generator: deterministic, calibrated, valid, and what is committed."""

from pathlib import Path

import numpy as np
import pytest

from profmon.reference import published_figures
from profmon.synth import SAMPLE_YEARS, write_sample
from profmon.synth.allocate import allocate
from profmon.synth.presence import presence_counts
from profmon.validation import validate_year

COMMITTED = Path(__file__).resolve().parents[1] / "data" / "raw"


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    write_sample(out)
    return out


@pytest.mark.slow
def test_regenerated_sample_is_the_committed_one_byte_for_byte(regenerated):
    for year in SAMPLE_YEARS:
        fresh = sorted((regenerated / "raw" / str(year)).glob("*.xlsx"))
        committed = sorted((COMMITTED / str(year)).glob("*.xlsx"))
        assert [p.name for p in fresh] == [p.name for p in committed]
        assert len(fresh) == 20  # one workbook per municipality and ГОУ
        for new, old in zip(fresh, committed, strict=True):
            assert new.read_bytes() == old.read_bytes(), new.name


@pytest.mark.slow
def test_regenerated_sample_validates_without_errors(regenerated):
    for year in SAMPLE_YEARS:
        result = validate_year(regenerated, year)
        assert not result.has_errors
        codes = set(result.findings["code"])
        # the only warnings are the two schools closed after 2021
        assert codes <= {"school_disappeared"}
    assert len(validate_year(regenerated, 2022).schools) == 330


def test_allocate_is_exact_and_within_caps():
    rng = np.random.default_rng(5)
    for _ in range(500):
        size = int(rng.integers(1, 30))
        weights = rng.random(size) * (rng.random(size) > 0.2)
        caps = rng.integers(0, 40, size)
        room = int(caps[weights > 0].sum())
        total = int(rng.integers(0, room + 1)) if room else 0
        parts = allocate(total, weights, caps)
        assert parts.sum() == total
        assert (parts >= 0).all() and (parts <= caps).all()
        assert (parts[weights <= 0] == 0).all()


def test_allocate_is_proportional_when_nothing_binds():
    assert list(allocate(100, [1, 1, 2])) == [25, 25, 50]
    assert allocate(10, [1, 1, 1]).sum() == 10


def test_allocate_refuses_what_does_not_fit():
    with pytest.raises(ValueError, match="cannot allocate 11"):
        allocate(11, [1, 1], [5, 5])


def test_presence_counts_reproduce_cluster_and_region_shares():
    schools = {"КГ1": 25, "КГ2": 100, "КГ3": 35, "КГ4": 170}
    counts = presence_counts("conditions.npo", schools, published_figures(), 2022)
    assert round(100 * counts["КГ1"] / 25) == 84
    assert round(100 * counts["КГ3"] / 35) == 94
    assert round(100 * sum(counts.values()) / 330) == 91

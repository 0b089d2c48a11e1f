"""Data sets and rendered bundles shared by the rendering tests.

Rendering costs seconds, so each bundle is rendered once per test run and
reused by ``test_render.py`` and ``test_browser.py``, even when pytest-xdist
spreads them over several workers: the first worker renders under a file
lock in the run's shared temporary folder, the others read its result.
"""

import contextlib
import os
import pickle
import shutil
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: each worker renders its own bundles
    fcntl = None

import numpy as np
import pandas as pd

from profmon.fields import FIELDS, GRADE_FIELDS
from profmon.render import render_reports

REPO = Path(__file__).resolve().parent.parent
SAMPLE_DATA = REPO / "data"

#: Fixed generation time of every rendered test bundle (2023-11-14 22:13:20 UTC).
EPOCH = "1700000000"

#: The school name that must stay text in every page.
EVIL_NAME = "<script>alert(1)</script>"

# field -> (share of its whole, fields whose sum is the whole)
_RATES = {
    "bilet_6_11": (0.4, [f"grade_{g}" for g in range(6, 12)]),
    "proektoria_1_11": (0.6, list(GRADE_FIELDS)),
    "events_1_11": (0.9, list(GRADE_FIELDS)),
    "counselled_5_9": (0.7, [f"grade_{g}" for g in range(5, 10)]),
    "trials_6_9": (0.45, [f"grade_{g}" for g in range(6, 10)]),
    "excursions_6_9": (0.8, [f"grade_{g}" for g in range(6, 10)]),
    "counselled_10_11": (0.85, ["grade_10", "grade_11"]),
    "excursions_10_11": (0.8, ["grade_10", "grade_11"]),
    "gia_advanced_11": (0.55, ["grade_11"]),
    "vuz_profile_11": (0.45, ["graduates_11"]),
    "vuz_profile_region_11": (0.6, ["vuz_profile_11"]),
    "vuz_labour_market_11": (0.3, ["graduates_11"]),
    "poo_region_9": (0.5, ["graduates_9"]),
    "poo_region_11": (0.2, ["graduates_11"]),
    "poo_top_region_9": (0.3, ["graduates_9"]),
    "poo_ovz_9": (0.3, ["graduates_9_ovz"]),
    "poo_ovz_11": (0.1, ["graduates_11_ovz"]),
    "survey_respondents_9_11": (0.9, ["grade_9", "grade_11"]),
    "survey_satisfied_9_11": (0.6, ["survey_respondents_9_11"]),
}
_TYPES = ("общеобразовательная", "общеобразовательная", "лицей", "гимназия")


def school_rows(municipality, count, *, seed, prefix, names=None):
    """Return `count` valid schools of one municipality as canonical rows."""
    rng = np.random.default_rng(seed)
    rows = []
    for number in range(count):
        per_grade = int(rng.integers(8, 60))
        row = {
            "school_id": f"{prefix}{number:03d}",
            "school_name": (names or {}).get(number, f"Школа № {number + 1}"),
            "municipality": municipality,
            "school_type": _TYPES[int(rng.integers(0, len(_TYPES)))],
            "settlement": "город",
        }
        for grade in GRADE_FIELDS:
            row[grade] = per_grade + int(rng.integers(0, 5))
        pupils = sum(row[grade] for grade in GRADE_FIELDS)
        row["pupils_ovz"] = int(pupils * 0.08)
        row["pupils_disabled"] = int(pupils * 0.02)
        row["graduates_9"] = row["grade_9"]
        row["graduates_11"] = row["grade_11"]
        row["graduates_9_ovz"] = int(row["grade_9"] * 0.1)
        row["graduates_11_ovz"] = int(row["grade_11"] * 0.05)
        row["has_career_regulations"] = "да" if rng.random() < 0.9 else "нет"
        row["has_career_room"] = "да" if rng.random() < 0.8 else "нет"
        for field, (rate, whole) in _RATES.items():
            share = min(1.0, rate * float(rng.uniform(0.7, 1.3)))
            row[field] = int(share * sum(row[name] for name in whole))
        rows.append(row)
    return rows


def write_dataset(
    data_dir, municipalities, *, years=(2021, 2022), schools=3, names=None
):
    """Write one CSV per municipality and year under ``data_dir/raw``.

    `names` maps (municipality, school number) to a school name.
    """
    columns = [field.name for field in FIELDS]
    for year in years:
        folder = Path(data_dir) / "raw" / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        for position, municipality in enumerate(municipalities):
            chosen = {
                number: name
                for (owner, number), name in (names or {}).items()
                if owner == municipality
            }
            rows = school_rows(
                municipality,
                schools,
                seed=year * 100 + position,
                prefix=f"{position:02d}",
                names=chosen,
            )
            frame = pd.DataFrame(rows).reindex(columns=columns)
            frame.to_csv(folder / f"mo_{position:02d}.csv", index=False)
    return Path(data_dir)


def render_with_epoch(data_dir, out_dir, **options):
    """Render with SOURCE_DATE_EPOCH set to :data:`EPOCH`, no progress bar."""
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        return render_reports(
            data_dir, 2022, out_dir=out_dir, progress=False, **options
        )
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


_BUNDLES = {}


@contextlib.contextmanager
def _locked(path):
    with open(path, "w") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def shared_bundle(name, tmp_path_factory, render):
    """Return ``(summary, reports/2022 folder)``, rendering once per test run.

    `render` takes an empty folder and returns the RenderSummary of a bundle
    rendered into its ``reports`` subfolder.
    """
    if name in _BUNDLES:
        return _BUNDLES[name]
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER") and fcntl is not None:
        base = base.parent  # shared by the workers of this run
    root = base / name
    with _locked(base / f"{name}.lock"):
        done = root / "summary.pickle"
        if done.exists():
            summary = pickle.loads(done.read_bytes())
        else:
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir()
            summary = render(root)
            done.write_bytes(pickle.dumps(summary))
    _BUNDLES[name] = (summary, root / "reports" / "2022")
    return _BUNDLES[name]


def sample_bundle(tmp_path_factory):
    """The committed sample's 2022 bundle, all reports, index and tables."""
    if not (SAMPLE_DATA / "raw" / "2022").is_dir():
        raise FileNotFoundError(
            f"the sample data {SAMPLE_DATA / 'raw' / '2022'} is missing: run "
            "`profmon synth --out data`"
        )
    return shared_bundle(
        "sample-bundle",
        tmp_path_factory,
        lambda root: render_with_epoch(SAMPLE_DATA, root / "reports", all_=True),
    )


#: Municipalities of the small data set; Рыбинск has a school named EVIL_NAME.
SMALL_MUNICIPALITIES = ("Ярославль", "Рыбинск", "ГОУ")


def small_data(folder):
    """Write the small data set (3 municipalities, 3 schools each, 2021-2022)."""
    return write_dataset(
        folder, SMALL_MUNICIPALITIES, schools=3, names={("Рыбинск", 1): EVIL_NAME}
    )


def small_bundle(tmp_path_factory):
    """The small data set's 2022 bundle; its data are in ``<root>/data``."""

    def render(root):
        data_dir = small_data(root / "data")
        return render_with_epoch(data_dir, root / "reports", all_=True)

    return shared_bundle("small-bundle", tmp_path_factory, render)

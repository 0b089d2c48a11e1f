"""Benchmark: validation and indicators on a national-scale year of submissions.

Builds a plausible CSV of 40,000 schools for one year (fixed seed, every value
consistent with the data contract and the validation rules), lays it out as
``DIR/raw/<year>/schools.csv`` in a temporary data directory, and measures,
each run in a fresh Python process so that peak memory belongs to one
measurement only:

floor
    ``pandas.read_csv`` of the file and a ``groupby("municipality").sum()`` of
    the count columns: the least any tool must do.
profmon
    ``validate_year(DIR, year)`` and ``compute_indicators`` by region,
    cluster, municipality and school.

It prints the wall time of the work (imports excluded; whole-process time,
start-up included, is shown beside it), the peak resident memory of each
process, the ratio of the two work times, and whether the targets hold:
profmon's work within 3x of the floor's, and its peak under 2 GB. The exit
status is 0 when both hold and the generated data passed validation, else 1.

Usage::

    .venv/bin/python benchmarks/bench_engine.py [--schools 40000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TIME_RATIO_TARGET = 3.0
MEMORY_TARGET_BYTES = 2_000_000_000
LEVELS = ("region", "cluster", "municipality", "school")


# --------------------------------------------------------------------------
# The data set


def build_schools(count: int, year: int, seed: int):
    """Return `count` plausible schools of one year, canonical column names."""
    import numpy as np
    import pandas as pd

    from profmon.fields import FIELDS, NO, SCHOOL_TYPES, SETTLEMENTS, YES
    from profmon.municipalities import MUNICIPALITIES

    rng = np.random.default_rng(seed)

    def part(whole, share):
        # A count that is part of `whole`: never above it, never negative.
        return rng.binomial(whole, share)

    # Identity: about one school in eight is a lyceum, gymnasium or УИОП.
    selective = rng.random(count) < 0.12
    school_type = np.where(
        selective,
        rng.choice(SCHOOL_TYPES[:3], count),
        SCHOOL_TYPES[3],
    )
    settlement = rng.choice(SETTLEMENTS, count, p=[0.45, 0.15, 0.40])

    # Pupils: sizes from a log-normal (median about 260), more in selective
    # schools; about a third of small schools teach grades 1-9 only.
    size = rng.lognormal(np.log(260), 0.85, count) * np.where(selective, 2.5, 1.0)
    size = np.clip(size, 8, 2500).round().astype(np.int64)
    weights = np.array([1.0] * 9 + [0.55, 0.5])
    grades = rng.multinomial(size, weights / weights.sum())
    basic_only = (size < 150) & ~selective & (rng.random(count) < 0.35)
    grades[basic_only, 9:] = 0
    grade = {number: grades[:, number - 1] for number in range(1, 12)}

    def band(low, high):
        return sum(grade[number] for number in range(low, high + 1))

    total = band(1, 11)
    graduates_9 = part(grade[9], 0.97)
    graduates_11 = part(grade[11], 0.98)
    graduates_9_ovz = part(graduates_9, 0.06)
    graduates_11_ovz = part(graduates_11, 0.03)

    # Admissions: university first, then colleges from the rest, so that
    # college plus university never exceeds the graduates.
    university = part(graduates_11, 0.6)
    vuz_profile = part(university, 0.8)
    poo_region_9 = part(graduates_9, 0.45)
    respondents = part(grade[9] + grade[11], 0.8)

    values = {
        "school_id": [f"B{number:06d}" for number in range(count)],
        "school_name": [f"Школа № {number + 1}" for number in range(count)],
        "municipality": rng.choice(MUNICIPALITIES, count),
        "school_type": school_type,
        "settlement": settlement,
        **{f"grade_{number}": grade[number] for number in range(1, 12)},
        "pupils_ovz": part(total, 0.06),
        "pupils_disabled": part(total, 0.02),
        "graduates_9": graduates_9,
        "graduates_9_ovz": graduates_9_ovz,
        "graduates_11": graduates_11,
        "graduates_11_ovz": graduates_11_ovz,
        "has_career_regulations": np.where(rng.random(count) < 0.8, YES, NO),
        "has_career_room": np.where(rng.random(count) < 0.4, YES, NO),
        "bilet_6_11": part(band(6, 11), 0.1),
        "proektoria_1_11": part(total, 0.4),
        "events_1_11": part(total, 0.7),
        "counselled_5_9": part(band(5, 9), 0.6),
        "trials_6_9": part(band(6, 9), 0.3),
        "excursions_6_9": part(band(6, 9), 0.35),
        "counselled_10_11": part(band(10, 11), 0.7),
        "excursions_10_11": part(band(10, 11), 0.3),
        "gia_advanced_11": part(grade[11], 0.3),
        "vuz_profile_11": vuz_profile,
        "vuz_profile_region_11": part(vuz_profile, 0.5),
        "vuz_labour_market_11": part(university, 0.5),
        "poo_region_9": poo_region_9,
        "poo_region_11": part(graduates_11 - university, 0.6),
        "poo_top_region_9": part(poo_region_9, 0.4),
        "poo_ovz_9": part(graduates_9_ovz, 0.7),
        "poo_ovz_11": part(graduates_11_ovz, 0.4),
        "survey_respondents_9_11": respondents,
        "survey_satisfied_9_11": part(respondents, 0.7),
    }
    missing = [field.name for field in FIELDS if field.name not in values]
    if missing:
        raise RuntimeError(f"the benchmark data lacks contract fields {missing}")
    return pd.DataFrame({field.name: values[field.name] for field in FIELDS})


def write_dataset(data_dir: Path, year: int, count: int, seed: int) -> Path:
    """Write the benchmark CSV as ``data_dir/raw/<year>/schools.csv``."""
    schools = build_schools(count, year, seed)
    path = data_dir / "raw" / str(year) / "schools.csv"
    path.parent.mkdir(parents=True)
    schools.to_csv(path, index=False, encoding="utf-8")
    return path


# --------------------------------------------------------------------------
# One measurement, run in a child process


def _peak_rss_bytes() -> int:
    # VmHWM is the peak resident size of this process's own memory since its
    # exec. ru_maxrss is not used where VmHWM exists: Linux carries the
    # parent's peak over into a child's ru_maxrss at exec.
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # Linux: KiB


def _measure_floor(data_dir: Path, year: int) -> dict:
    import pandas as pd

    from profmon.fields import count_fields

    imported = _peak_rss_bytes()
    start = time.perf_counter()
    schools = pd.read_csv(data_dir / "raw" / str(year) / "schools.csv")
    sums = schools.groupby("municipality")[list(count_fields())].sum()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rss_after_import": imported, "groups": len(sums)}


def _measure_profmon(data_dir: Path, year: int) -> dict:
    from profmon.engine import compute_indicators
    from profmon.methodology import load_methodology
    from profmon.validation import validate_year

    imported = _peak_rss_bytes()
    start = time.perf_counter()
    methodology = load_methodology(year)
    result = validate_year(data_dir, year, methodology)
    validated = time.perf_counter()
    rows, level_seconds = {}, {}
    for level in LEVELS:
        level_start = time.perf_counter()
        rows[level] = len(compute_indicators(result.schools, methodology, level))
        level_seconds[level] = round(time.perf_counter() - level_start, 3)
    seconds = time.perf_counter() - start
    findings = result.findings
    return {
        "seconds": seconds,
        "validate_seconds": validated - start,  # methodology read included
        "rss_after_import": imported,
        "schools": len(result.schools),
        "errors": int((findings["severity"] == "error").sum()),
        "warnings": int((findings["severity"] == "warning").sum()),
        "has_errors": bool(result.has_errors),
        "indicator_rows": rows,
        "indicator_seconds": level_seconds,
    }


def _build(data_dir: Path, year: int, count: int, seed: int) -> dict:
    start = time.perf_counter()
    path = write_dataset(data_dir, year, count, seed)
    return {"seconds": time.perf_counter() - start, "bytes": path.stat().st_size}


def _child(mode: str, data_dir: Path, year: int, count: int, seed: int) -> None:
    if mode == "build":
        figures = _build(data_dir, year, count, seed)
    else:
        measure = {"floor": _measure_floor, "profmon": _measure_profmon}[mode]
        figures = measure(data_dir, year)
    figures["peak_rss"] = _peak_rss_bytes()
    print(json.dumps(figures))


def _run_child(mode: str, data_dir: Path, year: int, *options: str) -> dict:
    # The parent never holds the data set, so it lends no memory to a child.
    command = [sys.executable, __file__, "--child", mode]
    command += ["--data", str(data_dir), "--year", str(year), *options]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{mode} run failed:\n{done.stderr}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["process_seconds"] = elapsed
    return figures


# --------------------------------------------------------------------------
# Report


def _best(runs: list[dict]) -> dict:
    best = dict(min(runs, key=lambda figures: figures["seconds"]))
    best["peak_rss"] = max(figures["peak_rss"] for figures in runs)
    return best


def _mb(size: int) -> str:
    return f"{size / 1e6:,.0f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=40_000)
    parser.add_argument("--year", type=int, default=2022)
    parser.add_argument("--seed", type=int, default=20220901)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--child", choices=("build", "floor", "profmon"), help=argparse.SUPPRESS
    )
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        _child(args.child, args.data, args.year, args.schools, args.seed)
        return 0

    with tempfile.TemporaryDirectory(prefix="profmon-bench-") as temp:
        data_dir = Path(temp)
        options = ("--schools", str(args.schools), "--seed", str(args.seed))
        built = _run_child("build", data_dir, args.year, *options)
        print(
            f"data: {args.schools:,} schools, {args.year}, "
            f"{built['bytes'] / 1e6:.1f} MB CSV, built in {built['seconds']:.1f} s"
        )
        runs = {"floor": [], "profmon": []}
        for _ in range(args.repeats):
            for mode in runs:  # interleaved, so drift hits both alike
                runs[mode].append(_run_child(mode, data_dir, args.year))

    floor, profmon = _best(runs["floor"]), _best(runs["profmon"])
    print(f"best of {args.repeats} runs, each in a fresh process:")
    print(f"{'':10}{'work':>10}{'process':>10}{'peak RSS':>12}{'after import':>14}")
    for name, figures in (("floor", floor), ("profmon", profmon)):
        print(
            f"{name:10}{figures['seconds']:>9.2f}s{figures['process_seconds']:>9.2f}s"
            f"{_mb(figures['peak_rss']):>12}{_mb(figures['rss_after_import']):>14}"
        )
    print(
        f"profmon: methodology + validate_year {profmon['validate_seconds']:.2f} s, "
        f"{profmon['schools']:,} schools, {profmon['errors']} errors, "
        f"{profmon['warnings']} warnings"
    )
    print(f"compute_indicators seconds by level: {profmon['indicator_seconds']}")
    print(f"compute_indicators rows by level:    {profmon['indicator_rows']}")

    ratio = profmon["seconds"] / floor["seconds"]
    process_ratio = profmon["process_seconds"] / floor["process_seconds"]
    fast = ratio <= TIME_RATIO_TARGET
    small = profmon["peak_rss"] < MEMORY_TARGET_BYTES
    print(
        f"time ratio profmon/floor: {ratio:.1f}x of the work "
        f"(target <= {TIME_RATIO_TARGET:g}x); {process_ratio:.1f}x of whole "
        "processes, start-up and imports included"
    )
    # the floor groups by municipality once; the same shape of work in profmon
    # is validation plus the indicators by municipality
    like = profmon["validate_seconds"] + profmon["indicator_seconds"]["municipality"]
    print(
        f"like for like (validate + indicators by municipality): {like:.2f} s, "
        f"{like / floor['seconds']:.1f}x the floor"
    )
    print(f"target time:   {'met' if fast else 'NOT met'} (all four levels)")
    print(f"target memory: {'met' if small else 'NOT met'} (under 2 GB)")
    if profmon["has_errors"]:
        print("WARNING: validation found errors in the generated data; see above")
    return 0 if fast and small and not profmon["has_errors"] else 1


if __name__ == "__main__":
    sys.exit(main())

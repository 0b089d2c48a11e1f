"""Benchmark: the report bundle against a naive papermill + nbconvert loop.

Prints three timings for the 2022 bundle of a data folder (default: the
committed sample):

(a) the naive loop: for each of the 21 reports, the ``papermill`` command,
    then the ``jupyter nbconvert --to html`` command, into a temporary folder;
(b) ``render_reports(..., all_=True, force=True)`` into another temporary
    folder (21 reports, index and tables), in a new Python process as the CLI
    runs it (imports counted, as in (a)), and the ratio (a) / (b), whose
    target is at least 8;
(c) an incremental rebuild: a copy of the data folder is rendered, rendered
    again unchanged (nothing should be rendered), then one school of one
    municipality is renamed and it is rendered again; how many outputs were
    rendered again, and the time.

Usage::

    python benchmarks/bench_reports.py [--data DIR] [--year 2022] [--jobs N]
        [--skip-naive]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl
import pandas as pd

from profmon.render import (
    MUNICIPALITY_NOTEBOOK,
    REGION_NOTEBOOK,
    default_notebooks_dir,
)
from profmon.report.context import load_context

BIN = Path(sys.executable).parent


def _reports(data_dir, year):
    names = load_context(data_dir, year).municipalities()
    notebooks = default_notebooks_dir()
    yield "region", notebooks / REGION_NOTEBOOK, {}
    for position, name in enumerate(names):
        yield (
            f"mo{position:02d}",
            notebooks / MUNICIPALITY_NOTEBOOK,
            {"municipality": name},
        )


def naive_loop(data_dir, year, out):
    started = time.perf_counter()
    count = 0
    for stem, notebook, extra in _reports(data_dir, year):
        executed = out / f"{stem}.ipynb"
        command = [
            str(BIN / "papermill"),
            str(notebook),
            str(executed),
            "-p",
            "year",
            str(year),
            "-p",
            "data_dir",
            str(data_dir),
            "--cwd",
            str(notebook.parent),
            "--no-progress-bar",
        ]
        for name, value in extra.items():
            command += ["-p", name, value]
        subprocess.run(command, check=True, capture_output=True)
        subprocess.run(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed)],
            check=True,
            capture_output=True,
        )
        count += 1
    return count, time.perf_counter() - started


# Each render runs in a fresh Python process, as the CLI does, so that the
# comparison with the naive loop counts imports on both sides.
_RENDER = """
import json, sys
from profmon.render import render_reports
data, year, out, force, jobs = sys.argv[1:]
summary = render_reports(
    data, int(year), all_=True, out_dir=out, force=force == "1",
    jobs=int(jobs) or None, progress=False,
)
print(json.dumps({"ok": summary.ok, "rendered": [r.name for r in summary.rendered],
                  "describe": summary.describe()}))
"""


def render(data_dir, year, out, jobs, force=False):
    started = time.perf_counter()
    finished = subprocess.run(
        [
            sys.executable,
            "-c",
            _RENDER,
            str(data_dir),
            str(year),
            str(out),
            "1" if force else "0",
            str(jobs or 0),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    if not result["ok"]:
        sys.exit(result["describe"])
    return sorted(result["rendered"]), seconds


def rename_one_school(data_dir, year):
    """Rename the first school of the first workbook (or CSV) of `year`."""
    folder = Path(data_dir) / "raw" / str(year)
    first = sorted(
        path for path in folder.iterdir() if path.suffix in (".xlsx", ".csv")
    )[0]
    if first.suffix == ".csv":
        table = pd.read_csv(first, dtype=str)
        table.iloc[0, 1] = f"{table.iloc[0, 1]} (переименована)"
        table.to_csv(first, index=False)
    else:
        workbook = openpyxl.load_workbook(first)
        sheet = workbook.worksheets[0]
        sheet.cell(
            row=2, column=2
        ).value = f"{sheet.cell(row=2, column=2).value} (переименована)"
        workbook.save(first)
    return first.name


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="data", type=Path)
    parser.add_argument("--year", default=2022, type=int)
    parser.add_argument("--jobs", default=None, type=int)
    parser.add_argument("--skip-naive", action="store_true")
    options = parser.parse_args()
    data_dir = options.data.resolve()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")

    with tempfile.TemporaryDirectory(prefix="profmon-bench-") as temp:
        temp = Path(temp)
        print(f"data: {data_dir}, year {options.year}, cores: {os.cpu_count()}")

        naive_seconds = None
        if not options.skip_naive:
            naive_out = temp / "naive"
            naive_out.mkdir()
            count, naive_seconds = naive_loop(data_dir, options.year, naive_out)
            print(
                f"(a) naive papermill + nbconvert CLI loop: {count} reports "
                f"in {naive_seconds:.1f} s ({naive_seconds / count:.1f} s each)"
            )

        bundle_out = temp / "bundle"
        rendered, seconds = render(
            data_dir, options.year, bundle_out, options.jobs, force=True
        )
        reports = sum(1 for name in rendered if name.endswith(".html"))
        print(
            f"(b) render_reports(all_=True, force=True) in a new process: "
            f"{reports} reports + index + tables in {seconds:.1f} s"
        )
        if naive_seconds is not None:
            ratio = naive_seconds / seconds
            verdict = "meets" if ratio >= 8 else "MISSES"
            print(f"    ratio (a)/(b): {ratio:.1f}x ({verdict} the target of 8x)")

        copy = temp / "data"
        shutil.copytree(data_dir, copy)
        incremental_out = temp / "incremental"
        _rerun(copy, options, incremental_out)
        unchanged, unchanged_seconds = _rerun(copy, options, incremental_out)
        print(
            f"(c0) rerun, nothing changed: {unchanged} outputs rendered again "
            f"in {unchanged_seconds:.1f} s"
        )
        changed = rename_one_school(copy, options.year)
        count, incremental_seconds = _rerun(copy, options, incremental_out, first=True)
        print(
            f"(c) incremental, one school renamed in {changed}: {count} outputs "
            f"rendered again in {incremental_seconds:.1f} s"
        )


def _rerun(data_dir, options, out, first=False):
    names, seconds = render(data_dir, options.year, out, options.jobs)
    if first or names:
        print(f"     rendered: {', '.join(names) or 'nothing'}")
    return len(names), seconds


if __name__ == "__main__":
    main()

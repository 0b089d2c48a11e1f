"""The row report: templated messages per flagged row, error bookkeeping."""

from __future__ import annotations

import numpy as np
import pandas as pd

from profmon.checks import RowReport, place, total
from profmon.findings import Reason


def rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_file": ["a.xlsx", "a.xlsx", "b.csv"],
            "source_sheet": ["schools", "schools", ""],
            "source_row": [2, 3, 5],
        }
    )


def test_messages_are_filled_per_flagged_row():
    report = RowReport(rows())
    report.add(
        [False, True, True],
        Reason.PART_EXCEEDS_WHOLE,
        "bilet_6_11",
        "часть {value} больше целого {whole} ({label})",
        value=np.array([1.0, 12.0, 7.5]),
        whole=pd.Series([0.0, 10.0, 7.0]),
        label="билет",
    )
    findings = report.parts[0]
    assert findings["row"].tolist() == [3, 5]
    assert findings["value"].tolist() == ["12", "7,5"]
    assert findings["message"].tolist() == [
        "часть 12 больше целого 10 (билет)",
        "часть 7,5 больше целого 7 (билет)",
    ]
    assert report.errors.tolist() == [False, True, True]


def test_warnings_do_not_mark_rows_as_errors_and_empty_masks_add_nothing():
    report = RowReport(rows())
    report.add([True, False, False], Reason.GRADUATES_EXCEED_GRADE, "x", "warn")
    report.add([False, False, False], Reason.NEGATIVE, "x", "never")
    assert len(report.parts) == 1
    assert report.parts[0]["severity"].tolist() == ["warning"]
    assert not report.errors.any()


def test_place_names_file_sheet_and_row():
    assert place(rows()).tolist() == [
        "a.xlsx, лист schools, строка 2",
        "a.xlsx, лист schools, строка 3",
        "b.csv, строка 5",
    ]


def test_total_is_missing_where_any_part_is_missing():
    counts = pd.DataFrame({"a": [1.0, 2.0, np.nan], "b": [3.0, np.nan, 1.0]})
    result = total(counts, ["a", "b"])
    assert result.iloc[0] == 4.0
    assert result.iloc[1:].isna().all()

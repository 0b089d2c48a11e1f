"""The findings table: construction, order, terminal and CSV rendering."""

from __future__ import annotations

import pandas as pd
import pytest

from profmon.findings import (
    FINDING_COLUMNS,
    Reason,
    cell_findings,
    combine_findings,
    empty_findings,
    file_finding,
    format_findings,
    summarise_findings,
    write_findings_csv,
)


def sample() -> pd.DataFrame:
    rows = pd.DataFrame(
        {
            "source_file": ["b.csv", "a.xlsx"],
            "source_sheet": ["", "schools"],
            "source_row": [7, 3],
        }
    )
    cells = cell_findings(
        rows,
        Reason.NEGATIVE,
        "grade_1",
        ["первое сообщение", "второе сообщение"],
        ["-1", "-2"],
    )
    whole_file = file_finding("a.xlsx", Reason.UNKNOWN_COLUMN, "лишний столбец")
    return combine_findings([cells, whole_file])


def test_findings_are_typed_and_ordered_by_file_then_row():
    findings = sample()
    assert list(findings.columns) == FINDING_COLUMNS
    assert findings[["file", "row"]].astype(object).values.tolist() == [
        ["a.xlsx", pd.NA],
        ["a.xlsx", 3],
        ["b.csv", 7],
    ]
    assert str(findings["row"].dtype) == "Int64"
    assert findings["severity"].tolist() == ["warning", "error", "error"]
    assert findings["code"].tolist() == ["unknown_column", "negative", "negative"]
    assert findings.loc[1, "message"] == "второе сообщение"


def test_summary_counts_errors_and_warnings():
    assert summarise_findings(sample()) == "Ошибок: 2, предупреждений: 1"
    assert summarise_findings(empty_findings()) == "Ошибок: 0, предупреждений: 0"


def test_terminal_table_has_a_line_per_finding_and_full_messages():
    findings = sample()
    findings.loc[2, "message"] = "очень длинное сообщение " * 10
    text = format_findings(findings)
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["Файл", "Лист", "Строка"]
    assert len(lines) == 2 + len(findings) + 2
    assert lines[-1] == "Ошибок: 2, предупреждений: 1"
    assert findings.loc[2, "message"].rstrip() in text
    assert "ошибка" in lines[3] and "предупр." in lines[2]
    # columns line up: every finding's row number starts where the header's does
    start = lines[0].index("Строка")
    assert lines[3][start] == "3" and lines[4][start] == "7"


def test_long_cells_are_cut_but_not_messages():
    findings = sample()
    findings.loc[0, "value"] = "x" * 100
    text = format_findings(findings, max_width=10)
    assert "x" * 9 + "…" in text
    assert "x" * 10 not in text


def test_no_findings_is_one_sentence():
    assert format_findings(empty_findings()).startswith("Замечаний нет.")


def test_csv_is_written_atomically_and_reads_back(tmp_path):
    target = tmp_path / "out" / "findings.csv"
    write_findings_csv(sample(), target)
    assert [path.name for path in target.parent.iterdir()] == ["findings.csv"]
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(target, encoding="utf-8-sig", keep_default_na=False)
    assert list(back.columns) == FINDING_COLUMNS
    assert back["message"].tolist() == sample()["message"].tolist()


def test_failed_write_leaves_no_file(tmp_path, monkeypatch):
    target = tmp_path / "findings.csv"

    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", explode)
    with pytest.raises(OSError, match="disk full"):
        write_findings_csv(sample(), target)
    assert list(tmp_path.iterdir()) == []

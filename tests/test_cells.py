"""Parsing cells: counts, да/нет and closed lists, whole columns at once."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from profmon.cells import CLOSED_LISTS, parse_closed, parse_counts


def test_counts_from_text_accept_spaces_and_decimal_comma():
    column = pd.Series(["12", " 7 ", "1 030", "1\u00a0030", "12,0", "12,5", "x", None])
    parsed = parse_counts(column)
    np.testing.assert_array_equal(parsed, [12, 7, 1030, 1030, 12, 12.5, np.nan, np.nan])


def test_counts_from_numbers_are_taken_as_they_are():
    column = pd.Series([3, -1, 40], dtype="int64")
    assert parse_counts(column).tolist() == [3.0, -1.0, 40.0]


def test_counts_from_mixed_workbook_cells():
    column = pd.Series([5, "6", None, "7,0"], dtype=object)
    np.testing.assert_array_equal(parse_counts(column), [5, 6, np.nan, 7])


@pytest.mark.parametrize(
    ("kind", "cells", "expected"),
    [
        (
            "flag",
            ["да", "НЕТ", " Да ", "1", "0", "1,0", "yes", None],
            [True, False, True, True, False, True, None, None],
        ),
        (
            "school_type",
            ["лицей", "ЛИЦЕЙ", "уиоп", "колледж"],
            ["лицей", "лицей", "УИОП", None],
        ),
        (
            "settlement",
            ["поселок", "Посёлок", "село", "хутор"],
            ["посёлок", "посёлок", "село", None],
        ),
        (
            "municipality",
            ["г. Рыбинск", "Рыбинский МР", "Москва"],
            ["Рыбинск", "Рыбинский", None],
        ),
    ],
)
def test_closed_lists_give_canonical_values_or_na(kind, cells, expected):
    parsed = parse_closed(pd.Series(cells, dtype=object), kind)
    assert str(parsed.dtype) == CLOSED_LISTS[kind].dtype
    assert [None if pd.isna(value) else value for value in parsed] == expected


def test_closed_list_parses_each_distinct_cell_once(monkeypatch):
    calls = []
    closed = CLOSED_LISTS["school_type"]
    monkeypatch.setitem(
        CLOSED_LISTS,
        "school_type",
        type(closed)(lambda text: calls.append(text) or closed.parse(text), "str", ""),
    )
    parsed = parse_closed(pd.Series(["лицей", "гимназия"] * 1000), "school_type")
    assert sorted(calls) == ["гимназия", "лицей"]
    assert parsed.value_counts().to_dict() == {"лицей": 1000, "гимназия": 1000}

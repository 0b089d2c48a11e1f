"""Disclosure control: no hidden count of pupils with ОВЗ can be derived."""

import logging

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from profmon.disclosure import (
    flag_shares,
    hidden_shares,
    is_small,
    protect_count_table,
    sensitive_indicators,
    suppress_counts,
)
from profmon.methodology import load_methodology

K = 5


def derivable_cells(cells, hidden):
    """Hidden cells whose value a reader can pin down from what is printed.

    An independent route: a linear programme per hidden cell, minimising and
    maximising it under every printed total and non-negativity.
    """
    cells = np.asarray(cells)
    rows, columns = cells.shape
    full = np.column_stack([cells, cells.sum(axis=1)])
    unknown = [tuple(cell) for cell in np.argwhere(hidden)]
    if not unknown:
        return []
    position = {cell: n for n, cell in enumerate(unknown)}
    equations, constants = [], []

    def equation(terms):
        row = np.zeros(len(unknown))
        constant = 0.0
        for cell, sign in terms:
            if cell in position:
                row[position[cell]] += sign
            else:
                constant -= sign * full[cell]
        equations.append(row)
        constants.append(constant)

    for i in range(rows):  # cells of a row minus its total is 0
        equation([((i, j), 1) for j in range(columns)] + [((i, columns), -1)])
    for j in range(columns + 1):  # each column sums to its printed total
        total = full[:, j].sum()
        equation([((i, j), 1) for i in range(rows)])
        constants[-1] += total

    found = []
    for cell, n in position.items():
        objective = np.zeros(len(unknown))
        objective[n] = 1
        low = linprog(objective, A_eq=equations, b_eq=constants, method="highs")
        high = linprog(-objective, A_eq=equations, b_eq=constants, method="highs")
        assert low.status == 0 and high.status == 0
        if abs(-high.fun - low.fun) < 1e-6:
            found.append(cell)
    return found


def test_is_small_leaves_zeros_and_threshold_visible():
    assert is_small([0, 1, 4, 5, 120, np.nan], K).tolist() == [
        False,
        True,
        True,
        False,
        False,
        False,
    ]


def test_hidden_shares_checks_numerator_denominator_and_difference():
    numerator = [0, 2, 6, 8, 0, 10]
    denominator = [10, 20, 3, 10, 0, 10]
    # 0/10 shown; 2 small; denominator 3 small; 10-8=2 small; 0/0 has no value;
    # 10/10 shown (difference 0 is a zero).
    assert hidden_shares(numerator, denominator, K).tolist() == [
        False,
        True,
        True,
        True,
        False,
        False,
    ]


def test_single_small_cell_gets_a_partner_in_its_row_and_column():
    cells = [[3, 40, 50], [20, 30, 60], [25, 35, 70]]
    hidden = suppress_counts(cells, K)
    assert hidden[0, 0]
    assert hidden[0, :].sum() >= 2
    assert hidden[:, 0].sum() >= 2
    assert derivable_cells(cells, hidden) == []


def test_zeros_are_printed_and_large_tables_untouched():
    cells = [[0, 40, 50], [20, 0, 60]]
    assert not suppress_counts(cells, K).any()


def test_small_row_total_is_hidden_with_its_cells():
    cells = [[1, 2, 0], [20, 30, 60], [25, 35, 70]]
    hidden = suppress_counts(cells, K)
    assert hidden[0, 3]  # the municipality total 3
    assert hidden[0, 0] and hidden[0, 1]
    assert derivable_cells(cells, hidden) == []


def test_column_with_one_positive_cell_cannot_be_protected(caplog):
    cells = [[3, 40], [0, 30], [0, 70]]
    with caplog.at_level(logging.WARNING, logger="profmon.disclosure"):
        suppress_counts(cells, K)
    assert "cannot be protected" in caplog.text


def test_rejects_negative_counts():
    with pytest.raises(ValueError, match="non-negative"):
        suppress_counts([[1, -1]], K)


tables = st.integers(2, 6).flatmap(
    lambda rows: st.integers(1, 4).flatmap(
        lambda columns: st.lists(
            st.lists(
                st.one_of(st.integers(0, 6), st.integers(0, 60)),
                min_size=columns,
                max_size=columns,
            ),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)
@given(tables)
def test_no_hidden_count_can_be_derived(cells):
    cells = np.array(cells)
    # A column with a single positive cell is pinned by its printed cluster
    # total whatever is hidden (see the test above); such tables are excluded.
    assume(((cells > 0).sum(axis=0) != 1).all())
    hidden = suppress_counts(cells, K)
    full = np.column_stack([cells, cells.sum(axis=1)])

    assert (hidden <= (full > 0)).all(), "a zero was hidden"
    assert hidden[is_small(full, K)].all(), "a small count was printed"
    # Every line with a printed total has no hidden cell or at least two.
    for line in (*hidden, *hidden.T):
        assert line.sum() != 1
    assert derivable_cells(cells, hidden) == []


def test_protect_count_table_adds_visible_totals():
    cells = pd.DataFrame(
        [[3, 40], [20, 30], [25, 35]],
        index=["А", "Б", "В"],
        columns=["КГ1", "КГ2"],
    )
    values, hidden = protect_count_table(cells, K)
    assert values.loc["ИТОГО", "КГ1"] == 48
    assert values.loc["А", "ИТОГО"] == 43
    assert not hidden.loc["ИТОГО"].any()
    assert hidden.loc["А", "КГ1"]
    assert derivable_cells(cells.to_numpy(), hidden.iloc[:-1].to_numpy()) == []


def test_flag_shares_hides_small_ovz_shares_below_cluster_level():
    methodology = load_methodology(2022)
    assert sensitive_indicators(methodology) == (
        "vocational.ovz9_poo",
        "vocational.ovz11_poo",
    )
    table = pd.DataFrame(
        {
            "level": ["school", "school", "cluster", "school"],
            "indicator": [
                "vocational.ovz9_poo",
                "vocational.ovz9_poo",
                "vocational.ovz9_poo",
                "basic.events",
            ],
            "numerator": [1.0, 6.0, 1.0, 1.0],
            "denominator": [10.0, 12.0, 3.0, 3.0],
            "met": pd.array([False, True, False, False], dtype="boolean"),
        }
    )
    flagged = flag_shares(table, methodology)
    assert flagged["suppressed"].tolist() == [True, False, False, False]
    assert flagged["met"].isna().tolist() == [True, False, False, False]


def test_the_derivation_check_catches_primary_suppression_alone():
    cells = [[3, 40, 50], [20, 30, 60], [25, 35, 70]]
    primary = np.column_stack([cells, np.sum(cells, axis=1)]) < K
    assert derivable_cells(cells, primary) == [(0, 0)]


def test_only_sensitive_parts_count_for_shares():
    # ovz shares over all graduates: only the numerator counts pupils with ОВЗ,
    # so 6 of 8 graduates is printed (the 2 others need not have ОВЗ).
    hidden = hidden_shares(
        [6, 3, 6], [8, 40, 8], K, sensitive_numerator=True, sensitive_denominator=False
    )
    assert hidden.tolist() == [False, True, False]
    assert hidden_shares([6], [8], K).tolist() == [True]

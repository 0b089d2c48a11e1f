"""Disclosure control: small counts of pupils with ОВЗ or disability stay unprinted.

The rules, with ``k`` the methodology's ``disclosure_min_count`` (5 in the 2022
edition):

1. *Primary suppression.* A count of pupils or graduates with ОВЗ or disability
   (:data:`SENSITIVE_COUNTS`) from 1 to ``k - 1`` for a school, a municipality
   or a municipality × cluster cell is printed as :data:`SUPPRESSED` («c»). A
   share built on such counts (its numerator or denominator reads one) is
   printed as «c» when a sensitive part (numerator or denominator) is from 1
   to ``k - 1``, and, when both parts are sensitive, when their difference
   (the pupils with ОВЗ who did *not* do the thing) is: each of these is a
   count of pupils with ОВЗ that the share and its group would give away.
2. *Zeros are printed.* A zero names nobody: «0 pupils with ОВЗ» identifies no
   person. A share of 0 % or 100 % is printed only when its group has at least
   ``k`` pupils (rule 1), so it speaks of a group, never of one or two pupils.
3. *Secondary suppression.* Where a table also prints the total of a line
   (a municipality's total beside its clusters, a cluster total under its
   municipalities), one hidden cell in that line could be recovered by
   subtraction. Further cells are hidden until no hidden count can be derived
   from what is printed (see :func:`suppress_counts`).
4. Region and cluster totals stay visible: they pool hundreds of pupils.

Shares are protected by rule 1 alone, because no table prints their
denominators (graduates with ОВЗ) at school, municipality or municipality ×
cluster level; a table that did would have to treat the numerator as a count.
Counts of pupils with ОВЗ are printed at municipality × cluster level only,
never per school.
"""

from __future__ import annotations

import heapq
import logging
from collections import deque

import numpy as np
import pandas as pd

__all__ = [
    "SENSITIVE_COUNTS",
    "SUPPRESSED",
    "VISIBLE_LEVELS",
    "flag_shares",
    "hidden_shares",
    "is_small",
    "protect_count_table",
    "sensitive_indicators",
    "sensitive_parts",
    "suppress_counts",
]

log = logging.getLogger(__name__)

#: What a report prints in place of a suppressed figure.
SUPPRESSED = "c"

#: Contract fields that count pupils or graduates with ОВЗ or disability.
SENSITIVE_COUNTS = (
    "pupils_ovz",
    "pupils_disabled",
    "graduates_9_ovz",
    "graduates_11_ovz",
    "poo_ovz_9",
    "poo_ovz_11",
)

#: Engine levels whose figures are never suppressed (rule 4).
VISIBLE_LEVELS = ("region", "cluster")


def is_small(counts, min_count: int) -> np.ndarray:
    """Return where a count is from 1 to ``min_count - 1`` (zeros are printed).

    Parameters
    ----------
    counts : array-like
        Counts of pupils; NaN is never small.
    min_count : int
        Smallest count that may be printed.

    Returns
    -------
    numpy.ndarray of bool
        The shape of `counts`.
    """
    array = np.asarray(counts, dtype="float64")
    with np.errstate(invalid="ignore"):
        return (array > 0) & (array < min_count)


def hidden_shares(
    numerator,
    denominator,
    min_count: int,
    *,
    sensitive_numerator=True,
    sensitive_denominator=True,
) -> np.ndarray:
    """Return where a share of sensitive counts must be printed as «c».

    Parameters
    ----------
    numerator, denominator : array-like
        The pooled parts of each share.
    min_count : int
        Smallest count that may be printed.
    sensitive_numerator, sensitive_denominator : bool or array-like of bool
        Whether each part counts pupils with ОВЗ or disability (per share).

    Returns
    -------
    numpy.ndarray of bool
        True where a sensitive part is a small count, or, when both parts are
        sensitive, where their difference is (rule 1 of the module).
    """
    numerator = np.asarray(numerator, dtype="float64")
    denominator = np.asarray(denominator, dtype="float64")
    top = np.asarray(sensitive_numerator, dtype=bool)
    bottom = np.asarray(sensitive_denominator, dtype=bool)
    return (
        (top & is_small(numerator, min_count))
        | (bottom & is_small(denominator, min_count))
        | (top & bottom & is_small(denominator - numerator, min_count))
    )


def sensitive_indicators(methodology) -> tuple[str, ...]:
    """Return the codes of indicators whose numerator or denominator is sensitive.

    Parameters
    ----------
    methodology : Methodology
        The edition in use.

    Returns
    -------
    tuple of str
        Indicator codes, in edition order.
    """
    sensitive = set(SENSITIVE_COUNTS)
    return tuple(
        indicator.code
        for indicator in methodology.indicators
        if sensitive & set(indicator.fields)
    )


def sensitive_parts(methodology) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return the indicator codes whose numerator, and whose denominator, is sensitive.

    Parameters
    ----------
    methodology : Methodology
        The edition in use.

    Returns
    -------
    numerators, denominators : tuple of str
        Codes of indicators reading a field of :data:`SENSITIVE_COUNTS` in
        their numerator, and in their denominator.
    """
    sensitive = set(SENSITIVE_COUNTS)
    numerators = tuple(
        ind.code for ind in methodology.indicators if sensitive & set(ind.numerator)
    )
    denominators = tuple(
        ind.code for ind in methodology.indicators if sensitive & set(ind.denominator)
    )
    return numerators, denominators


def flag_shares(indicators: pd.DataFrame, methodology) -> pd.DataFrame:
    """Mark the indicator values a report must print as «c».

    Parameters
    ----------
    indicators : pandas.DataFrame
        Output of :func:`profmon.engine.compute_indicators` (any level).
    methodology : Methodology
        The edition in use: which indicators are sensitive and the threshold.

    Returns
    -------
    pandas.DataFrame
        A copy with a boolean ``suppressed`` column; where it is True, ``met``
        is set to NA too, because «target met» would reveal the hidden value's
        side of the target.
    """
    table = indicators.copy()
    top, bottom = sensitive_parts(methodology)
    protected = ~table["level"].isin(VISIBLE_LEVELS)
    small = hidden_shares(
        table["numerator"],
        table["denominator"],
        methodology.disclosure_min_count,
        sensitive_numerator=table["indicator"].isin(top).to_numpy(),
        sensitive_denominator=table["indicator"].isin(bottom).to_numpy(),
    )
    table["suppressed"] = protected.to_numpy() & small
    table["met"] = table["met"].astype("boolean").mask(table["suppressed"])
    return table


def suppress_counts(cells, min_count: int) -> np.ndarray:
    """Choose which cells of a count table with margins to hide.

    Parameters
    ----------
    cells : array-like of int, shape (rows, columns)
        Counts of one measure (pupils with ОВЗ, say), rows for municipalities
        and columns for clusters, without totals.
    min_count : int
        Smallest count that may be printed.

    Returns
    -------
    numpy.ndarray of bool, shape (rows, columns + 1)
        True for a hidden cell; the last column is each row's total. Column
        totals and the grand total are always printed and so not part of the
        result.

    Notes
    -----
    Every row (a cell per column plus its total) and every column (a cell per
    row under its printed total; the row totals sum to the printed grand
    total) is an equation a reader can use. Draw each hidden cell as an edge
    between its row and its column: a hidden value can be derived exactly
    when its edge is a bridge of that graph, and cannot be when the edge lies
    on a cycle of positive hidden cells, because adding and subtracting the
    same amount around the cycle keeps every printed total and every value
    non-negative. So the function first hides the small counts, then, while a
    hidden cell is a bridge, hides the printed positive cells of the cheapest
    path (by their sum) that closes a cycle through it. Zeros are never hidden
    (rule 2), so every hidden cell is positive.

    A column whose only positive cell is hidden cannot be protected while its
    total stays printed; the function logs a warning and leaves it.
    """
    counts = np.asarray(cells, dtype="int64")
    if counts.ndim != 2:
        raise ValueError(f"`cells` must be a 2-D table, got shape {counts.shape!r}")
    if (counts < 0).any():
        raise ValueError("`cells` must hold counts (non-negative whole numbers)")
    full = np.column_stack([counts, counts.sum(axis=1)])
    hidden = is_small(full, min_count)

    unprotectable: set[tuple[int, int]] = set()
    while True:
        bridge = _first_bridge(hidden, skip=unprotectable)
        if bridge is None:
            return hidden
        path = _cheapest_closing_path(full, hidden, bridge)
        if path is None:
            log.warning(
                "disclosure: cell %s cannot be protected: its column total is "
                "printed and no other positive cell shares the column",
                bridge,
            )
            unprotectable.add(bridge)
            continue
        for cell in path:
            hidden[cell] = True


def _neighbours(hidden: np.ndarray, node: tuple[str, int], skip: tuple[int, int]):
    kind, index = node
    if kind == "row":
        for column in np.flatnonzero(hidden[index]):
            if (index, column) != skip:
                yield ("col", int(column))
    else:
        for row in np.flatnonzero(hidden[:, index]):
            if (row, index) != skip:
                yield ("row", int(row))


def _connected(hidden: np.ndarray, start, goal, skip) -> bool:
    seen = {start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            return True
        for neighbour in _neighbours(hidden, node, skip):
            if neighbour not in seen:
                seen.add(neighbour)
                queue.append(neighbour)
    return False


def _first_bridge(hidden: np.ndarray, skip: set) -> tuple[int, int] | None:
    """Return the first hidden cell (row-major) that no hidden cycle passes."""
    for row, column in zip(*np.nonzero(hidden), strict=True):
        cell = (int(row), int(column))
        if cell in skip:
            continue
        if not _connected(hidden, ("row", cell[0]), ("col", cell[1]), cell):
            return cell
    return None


def _cheapest_closing_path(full: np.ndarray, hidden: np.ndarray, bridge):
    """Return the printed positive cells of the cheapest row-to-column path.

    Hidden cells cost nothing to cross, printed positive cells their value;
    zeros and the bridge itself cannot be crossed. Ties go to the earlier
    cell, so the choice is deterministic.
    """
    rows, columns = full.shape
    start, goal = ("row", bridge[0]), ("col", bridge[1])
    best = {start: 0}
    previous: dict = {}
    heap = [(0, 0, start)]
    order = 0
    while heap:
        cost, _, node = heapq.heappop(heap)
        if node == goal:
            break
        if cost > best.get(node, np.inf):
            continue
        kind, index = node
        if kind == "row":
            steps = [((index, column), ("col", column)) for column in range(columns)]
        else:
            steps = [((row, index), ("row", row)) for row in range(rows)]
        for cell, neighbour in steps:
            if cell == bridge or full[cell] <= 0:
                continue
            step = 0 if hidden[cell] else int(full[cell])
            if cost + step < best.get(neighbour, np.inf):
                best[neighbour] = cost + step
                previous[neighbour] = (node, cell)
                order += 1
                heapq.heappush(heap, (cost + step, order, neighbour))
    if goal not in previous:
        return None
    path = []
    node = goal
    while node != start:
        node, cell = previous[node]
        if not hidden[cell]:
            path.append(cell)
    return path


def protect_count_table(
    cells: pd.DataFrame, min_count: int, total_label: str = "ИТОГО"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add totals to a count table and say which of its cells to hide.

    Parameters
    ----------
    cells : pandas.DataFrame
        Counts of one sensitive measure, rows (municipalities) by columns
        (clusters), without totals.
    min_count : int
        Smallest count that may be printed.
    total_label : str
        Label of the added total row and column.

    Returns
    -------
    values : pandas.DataFrame
        `cells` with a total column and a total row.
    hidden : pandas.DataFrame of bool
        Same shape: True for a cell to print as «c». The total row (cluster
        and region totals) is never hidden.
    """
    values = cells.astype("int64").copy()
    mask = suppress_counts(values.to_numpy(), min_count)
    values[total_label] = values.sum(axis=1)
    values.loc[total_label] = values.sum(axis=0)
    hidden = pd.DataFrame(False, index=values.index, columns=values.columns)
    hidden.iloc[:-1, :] = mask
    return values, hidden

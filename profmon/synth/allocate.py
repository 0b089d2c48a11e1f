"""Integer allocation: split a total among schools in proportion, under caps."""

from __future__ import annotations

import numpy as np

__all__ = ["allocate"]


def allocate(total: int, weights, caps=None) -> np.ndarray:
    """Split a whole number among parts in proportion to weights, under caps.

    Parameters
    ----------
    total : int
        The whole to split, >= 0.
    weights : array-like of float
        Non-negative relative sizes; a part with weight 0 gets nothing.
    caps : array-like of int, optional
        Largest value each part may take.

    Returns
    -------
    numpy.ndarray of int64
        Parts that add up to `total` exactly, each within its cap.

    Raises
    ------
    ValueError
        If `total` cannot fit under the caps of the parts with positive weight.

    Notes
    -----
    Parts that would exceed their cap are fixed at it and the rest is spread
    again over the others (water-filling), then the fractions are settled by
    largest remainder, so the result is the integer point nearest the
    proportional split that respects the caps.
    """
    weights = np.asarray(weights, dtype="float64")
    total = int(total)
    if caps is None:
        caps = np.full(weights.shape, total, dtype="int64")
    caps = np.asarray(caps, dtype="int64").copy()
    caps[weights <= 0] = 0
    if total < 0:
        raise ValueError(f"`total` must be >= 0, got {total!r}")
    if total > caps.sum():
        raise ValueError(
            f"cannot allocate {total} under caps summing to {int(caps.sum())}"
        )

    share = np.zeros(weights.shape)
    free = caps > 0
    remaining = float(total)
    while remaining > 1e-9 and free.any():
        part = remaining * weights * free / weights[free].sum()
        over = free & (share + part > caps)
        if not over.any():
            share = share + part
            break
        share[over] = caps[over]
        free &= ~over
        remaining = total - share.sum()

    whole = np.minimum(np.floor(share + 1e-9).astype("int64"), caps)
    shortfall = total - int(whole.sum())
    if shortfall:
        room = whole < caps
        remainder = np.where(room, share - whole, -np.inf)
        order = np.argsort(-remainder, kind="stable")
        room_order = order[room[order]]
        whole[room_order[:shortfall]] += 1
    return whole

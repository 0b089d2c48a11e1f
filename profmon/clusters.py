"""Cluster groups КГ1–КГ4: which schools are compared with which.

КГ1 holds lyceums, gymnasiums and schools with advanced study of subjects
whatever their size; the other schools are grouped by their pupils in grades
1–11. The thresholds come from the methodology file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from profmon.fields import GRADE_FIELDS

__all__ = ["CLUSTERS", "ClusterRules", "classify", "total_pupils"]

CLUSTERS = ("КГ1", "КГ2", "КГ3", "КГ4")


@dataclass(frozen=True)
class ClusterRules:
    """Thresholds that sort schools into clusters.

    Parameters
    ----------
    selective_types : tuple of str
        School types that go to КГ1 whatever their size.
    large_above : int
        A school with more pupils than this goes to КГ2.
    medium_from : int
        A school with at least this many pupils (and at most `large_above`)
        goes to КГ3; a smaller one to КГ4.
    labels : dict of str to str
        Russian description of each cluster, for reports.
    """

    selective_types: tuple[str, ...] = ("лицей", "гимназия", "УИОП")
    large_above: int = 400
    medium_from: int = 200
    labels: dict[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self):
        if not 0 < self.medium_from <= self.large_above:
            raise ValueError(
                "`medium_from` must be positive and not above `large_above`, got "
                f"medium_from={self.medium_from!r}, large_above={self.large_above!r}"
            )

    @classmethod
    def from_mapping(cls, mapping: dict) -> ClusterRules:
        """Build the rules from the ``clusters`` section of a methodology file."""
        return cls(
            selective_types=tuple(mapping["selective_types"]),
            large_above=int(mapping["large_above"]),
            medium_from=int(mapping["medium_from"]),
            labels=dict(mapping.get("labels", {})),
        )


def total_pupils(schools: pd.DataFrame) -> pd.Series:
    """Return each school's pupils in grades 1–11.

    Parameters
    ----------
    schools : pandas.DataFrame
        One row per school with the count columns ``grade_1`` … ``grade_11``.

    Returns
    -------
    pandas.Series
        Sum of the eleven grade counts per school, on the index of `schools`.
    """
    return schools.loc[:, list(GRADE_FIELDS)].sum(axis=1)


def classify(schools: pd.DataFrame, rules: ClusterRules) -> pd.Series:
    """Assign each school its cluster group.

    Parameters
    ----------
    schools : pandas.DataFrame
        Validated submissions with ``school_type`` and ``grade_1`` …
        ``grade_11``.
    rules : ClusterRules
        Thresholds of the methodology in effect.

    Returns
    -------
    pandas.Series
        ``КГ1`` … ``КГ4`` as an ordered categorical, aligned with `schools`.

    Notes
    -----
    State schools (ГОУ) are classified by the same rules as municipal ones.
    A school's cluster is that of the year being analysed: a school that grew
    past 400 pupils moves from КГ3 to КГ2, which is why year-on-year change by
    cluster mixes a change of results with a change of membership.
    """
    pupils = total_pupils(schools).to_numpy()
    selective = schools["school_type"].isin(rules.selective_types).to_numpy()
    codes = np.select(
        [selective, pupils > rules.large_above, pupils >= rules.medium_from],
        [0, 1, 2],
        default=3,
    )
    return pd.Series(
        pd.Categorical.from_codes(codes, categories=CLUSTERS, ordered=True),
        index=schools.index,
        name="cluster",
    )

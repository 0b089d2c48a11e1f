"""The contingent table: schools, pupils, ОВЗ and disability by cluster and year."""

from __future__ import annotations

import pandas as pd

from profmon.clusters import CLUSTERS, total_pupils

__all__ = ["TOTAL", "contingent_table"]

#: Label of the total row.
TOTAL = "ИТОГО"


def contingent_table(schools: pd.DataFrame, by: str = "cluster") -> pd.DataFrame:
    """Count schools and pupils by cluster (or another column) and year.

    Parameters
    ----------
    schools : pandas.DataFrame
        Validated submissions of one or more years, with ``year`` and
        ``cluster`` columns.
    by : str
        Column to group by: ``cluster`` (the published layout) or
        ``municipality``.

    Returns
    -------
    pandas.DataFrame
        A row per group and year, then a :data:`TOTAL` row per year, with
        the columns ``year``, `by`, ``schools``, ``pupils`` (grades 1–11),
        ``pupils_ovz`` and ``pupils_disabled``.
    """
    counts = schools.assign(pupils=total_pupils(schools))
    grouped = (
        counts.groupby(["year", by], observed=True, sort=True)
        .agg(
            schools=("school_id", "size"),
            pupils=("pupils", "sum"),
            pupils_ovz=("pupils_ovz", "sum"),
            pupils_disabled=("pupils_disabled", "sum"),
        )
        .reset_index()
    )
    grouped[by] = grouped[by].astype(str)

    totals = (
        grouped.groupby("year", sort=True)
        .agg(
            schools=("schools", "sum"),
            pupils=("pupils", "sum"),
            pupils_ovz=("pupils_ovz", "sum"),
            pupils_disabled=("pupils_disabled", "sum"),
        )
        .reset_index()
        .assign(**{by: TOTAL})
    )
    table = pd.concat([grouped, totals], ignore_index=True)

    order = list(CLUSTERS) if by == "cluster" else sorted(grouped[by].unique())
    table["_order"] = table[by].map({name: i for i, name in enumerate(order)})
    table["_order"] = table["_order"].fillna(len(order))
    table = table.sort_values(["year", "_order"], kind="stable").drop(columns="_order")
    return table.reset_index(drop=True).astype(
        {
            "schools": "int64",
            "pupils": "int64",
            "pupils_ovz": "int64",
            "pupils_disabled": "int64",
        }
    )

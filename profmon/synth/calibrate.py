"""Cluster totals that reproduce the published figures, found by linear programming.

A published share pins a ratio of two cluster totals to a rounding window:
``round(100 * N / D) == p`` holds when ``(p - h) * D <= 100 * N < (p + h) * D``,
with ``h`` half a unit of the last printed decimal. Both sides are linear in
the totals, so all the windows of a year (clusters and region together), the
contingent table and a few plausibility bounds form one linear problem.

It is solved three times: for a first guess of the denominators' size, for the
widest margin that can be kept inside every published window, and, with most of
that margin kept, for the totals nearest a plausible school (grade sizes, share
of graduates, survey response). :func:`profmon.synth.rounding.to_whole` then
turns the totals into whole numbers.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from profmon.clusters import CLUSTERS
from profmon.fields import GRADE_FIELDS, count_fields
from profmon.methodology import SCHOOLS, Methodology
from profmon.reference import PublishedFigure
from profmon.synth.rounding import to_whole
from profmon.synth.windows import REGION, CalibrationError, Window, windows_for_year

__all__ = ["calibrate_year"]

log = logging.getLogger(__name__)

# Share of a cluster's pupils in one grade: (low, natural, high). Senior grades
# are smaller in small schools, many of which teach grades 1-9 only.
_JUNIOR = (0.08, 0.10, 0.12)
_MIDDLE = (0.075, 0.095, 0.115)
_SENIOR = {
    "КГ1": (0.05, 0.085, 0.16),
    "КГ2": (0.03, 0.06, 0.10),
    "КГ3": (0.025, 0.04, 0.08),
    "КГ4": (0.02, 0.03, 0.06),
}
_KEEP_MARGIN = 0.6  # share of the widest margin kept while seeking plausibility
_ALWAYS = (
    "pupils_ovz",
    "pupils_disabled",
    "graduates_9",
    "graduates_11",
    "graduates_9_ovz",
    "graduates_11_ovz",
    "survey_respondents_9_11",
)


class _Problem:
    """Cluster totals of count fields and a margin, under linear constraints.

    Soft targets add two deviation variables each, whose weighted sum is
    minimised when no margin is being maximised.
    """

    def __init__(self, fields: tuple[str, ...]):
        self.fields = fields
        pairs = [(cluster, name) for cluster in CLUSTERS for name in fields]
        self.index = {pair: i for i, pair in enumerate(pairs)}
        self.margin = len(pairs)
        self.size = self.margin + 1
        self.upper: list[tuple[np.ndarray, float]] = []
        self.equal: list[tuple[np.ndarray, float]] = []
        self.soft: list[tuple[np.ndarray, float, float]] = []

    def expr(self, cluster: str, names, coef: float = 1.0) -> np.ndarray:
        row = np.zeros(self.size)
        for name in names:
            row[self.index[(cluster, name)]] += coef
        return row

    def at_most(self, row: np.ndarray, bound: float = 0.0) -> None:
        self.upper.append((row, bound))

    def equals(self, row: np.ndarray, bound: float) -> None:
        self.equal.append((row, bound))

    def near(self, row: np.ndarray, target: float, weight: float) -> None:
        self.soft.append((row, target, weight))

    def solve(self, *, maximise_margin: bool, min_margin: float = 0.0) -> np.ndarray:
        extra = 2 * len(self.soft)
        width = self.size + extra

        def widen(row):
            return np.concatenate([row, np.zeros(extra)])

        upper = [widen(row) for row, _ in self.upper]
        upper_bound = [bound for _, bound in self.upper]
        equal = [widen(row) for row, _ in self.equal]
        equal_bound = [bound for _, bound in self.equal]
        objective = np.zeros(width)
        for k, (row, target, weight) in enumerate(self.soft):
            row = widen(row)
            row[self.size + 2 * k] = -1.0
            row[self.size + 2 * k + 1] = 1.0
            equal.append(row)
            equal_bound.append(target)
            objective[self.size + 2 * k : self.size + 2 * k + 2] = weight
        if maximise_margin:
            objective[:] = 0.0
            objective[self.margin] = -1.0
        bounds = [(0, None)] * width
        bounds[self.margin] = (min_margin, 0.95)
        result = linprog(
            objective,
            A_ub=np.array(upper),
            b_ub=np.array(upper_bound),
            A_eq=np.array(equal),
            b_eq=np.array(equal_bound),
            bounds=bounds,
            method="highs",
        )
        if result.status != 0:
            raise CalibrationError(
                f"no sample reproduces the published figures: {result.message}"
            )
        return result.x[: self.size]


def _window_rows(problem, methodology, window: Window, estimate) -> None:
    indicator = methodology.indicator(window.indicator)
    clusters = CLUSTERS if window.group == REGION else (window.group,)
    numerator = sum(problem.expr(c, indicator.numerator) for c in clusters)
    denominator = sum(problem.expr(c, indicator.denominator) for c in clusters)
    # low * D <= 100 N <= high * D. A published window also keeps `margin`
    # (a fraction of its half-width) on both sides, with D taken at the first
    # solution's size so that the constraint stays linear.
    lower = window.low * denominator - 100 * numerator
    upper = 100 * numerator - window.high * denominator
    if window.published and estimate is not None:
        size = float(denominator[: problem.margin] @ estimate[: problem.margin])
        lower[problem.margin] = upper[problem.margin] = 0.8 * window.half_width * size
    problem.at_most(lower)
    problem.at_most(upper)
    if not window.published and estimate is not None:
        size = float(denominator[: problem.margin] @ estimate[: problem.margin])
        centre = (window.low + window.high) / 2
        problem.near(100 * numerator - centre * denominator, 0.0, 1.0 / max(size, 1))


def _cluster_rows(problem, cluster: str, row: pd.Series) -> None:
    expr = problem.expr
    has = set(problem.fields).__contains__
    total = float(row["pupils"])
    vulnerable = float(row["pupils_ovz"] + row["pupils_disabled"])

    problem.equals(expr(cluster, GRADE_FIELDS), total)
    problem.equals(expr(cluster, ["pupils_ovz"]), float(row["pupils_ovz"]))
    problem.equals(expr(cluster, ["pupils_disabled"]), float(row["pupils_disabled"]))
    for grade in range(1, 12):
        low, natural, high = (
            _JUNIOR if grade <= 4 else _MIDDLE if grade <= 9 else _SENIOR[cluster]
        )
        share = expr(cluster, [f"grade_{grade}"])
        problem.at_most(-share, -low * total)
        problem.at_most(share, high * total)
        problem.near(share, natural * total, 1.0 / total)

    for grade in (9, 11):
        graduates = expr(cluster, [f"graduates_{grade}"])
        pupils = expr(cluster, [f"grade_{grade}"])
        problem.at_most(graduates - 0.99 * pupils)
        problem.at_most(0.94 * pupils - graduates)
        problem.near(graduates - 0.97 * pupils, 0.0, 1.0 / total)
    for grade, low, natural, high in ((9, 0.05, 0.10, 0.16), (11, 0.01, 0.04, 0.08)):
        graduates = expr(cluster, [f"graduates_{grade}_ovz"])
        problem.at_most(graduates, high * vulnerable)
        problem.at_most(-graduates, -low * vulnerable)
        problem.near(graduates, natural * vulnerable, 1.0 / max(vulnerable, 1))
        problem.at_most(graduates - 0.3 * expr(cluster, [f"graduates_{grade}"]))

    base = expr(cluster, ["grade_9", "grade_11"])
    respondents = expr(cluster, ["survey_respondents_9_11"])
    problem.at_most(respondents - 0.95 * base)
    problem.at_most(0.8 * base - respondents)

    # parts within wholes that no indicator pairs
    for part, whole, share in (
        ("vuz_profile_region_11", "vuz_profile_11", 1.0),
        ("poo_top_region_9", "poo_region_9", 0.95),
        ("poo_ovz_9", "graduates_9_ovz", 1.0),
        ("poo_ovz_11", "graduates_11_ovz", 1.0),
        ("survey_satisfied_9_11", "survey_respondents_9_11", 1.0),
    ):
        if has(part) and has(whole):
            problem.at_most(expr(cluster, [part]) - share * expr(cluster, [whole]))
    # college plus university admissions stay below the graduates
    for university in ("vuz_profile_11", "vuz_labour_market_11"):
        if has(university) and has("poo_region_11"):
            problem.at_most(
                expr(cluster, ["poo_region_11", university])
                - 0.985 * expr(cluster, ["graduates_11"])
            )


def _build(methodology, figures, year, fields, contingent, estimate) -> _Problem:
    problem = _Problem(fields)
    for cluster in CLUSTERS:
        _cluster_rows(problem, cluster, contingent.loc[(cluster, year)])
    for window in windows_for_year(methodology, figures, year):
        _window_rows(problem, methodology, window, estimate)
    for indicator in methodology.indicators_in_effect(year):
        if SCHOOLS in indicator.denominator:
            continue
        for cluster in CLUSTERS:
            problem.at_most(
                problem.expr(cluster, indicator.numerator)
                - problem.expr(cluster, indicator.denominator)
            )
    return problem


def calibrate_year(
    methodology: Methodology,
    figures: list[PublishedFigure],
    contingent: pd.DataFrame,
    year: int,
) -> pd.DataFrame:
    """Find whole-number cluster totals of every count field for one year.

    Parameters
    ----------
    methodology : Methodology
        Indicators whose published values must be reproduced.
    figures : list of PublishedFigure
        Published values (all years; those of `year` are used).
    contingent : pandas.DataFrame
        Published pupils, ОВЗ and disability by cluster and year, as
        :func:`profmon.reference.published_contingent` returns it.
    year : int
        Year to calibrate.

    Returns
    -------
    pandas.DataFrame
        Index: clusters; columns: the count fields in effect; whole numbers.

    Raises
    ------
    CalibrationError
        If the figures admit no sample, or rounding to whole numbers breaks a
        window.
    """
    used = {
        name for ind in methodology.indicators_in_effect(year) for name in ind.fields
    }
    fields = tuple(
        name
        for name in count_fields()
        if name in used or name in GRADE_FIELDS or name in _ALWAYS
    )
    contingent = contingent.set_index(["cluster", "year"])

    guess = _build(methodology, figures, year, fields, contingent, None).solve(
        maximise_margin=False
    )
    problem = _build(methodology, figures, year, fields, contingent, guess)
    widest = problem.solve(maximise_margin=True)[problem.margin]
    solution = problem.solve(maximise_margin=False, min_margin=_KEEP_MARGIN * widest)
    log.info(
        "calibrated %s: margin %.2f of each published window (widest %.2f)",
        year,
        solution[problem.margin],
        widest,
    )
    totals = pd.DataFrame(
        {
            name: [solution[problem.index[(c, name)]] for c in CLUSTERS]
            for name in fields
        },
        index=pd.Index(CLUSTERS, name="cluster"),
    )
    return to_whole(totals, methodology, figures, year, contingent)

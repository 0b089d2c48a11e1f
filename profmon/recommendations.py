"""Addressed recommendations generated from missed targets by the edition's rules.

A rule (see :mod:`profmon.recommendation_rules` for the schema) fires when one
of its indicators misses its target at its level: the region (regional
report), a cluster (regional report) or, in the municipal report, the
municipality itself (``municipality``) and its own clusters (``cluster``).
Texts may use ``{year}`` (the monitoring year), ``{next_year}`` and
``{after_next}``. Rules with the same recipient and text are merged into one
recommendation that lists every indicator and group that fired them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from profmon.clusters import CLUSTERS
from profmon.numbers import format_percent
from profmon.recommendation_rules import RECIPIENTS, Rule, parse_rules

__all__ = ["Evidence", "Recommendation", "recommend", "to_frame"]


@dataclass(frozen=True)
class Evidence:
    """A missed target that fired a rule.

    Parameters
    ----------
    indicator : str
        Indicator code.
    name_ru : str
        Its published name.
    group : str
        Where it was missed: ``регион``, a cluster or a municipality.
    value, target : float
        Value and target, in percent.
    precision : int
        Decimals to print.
    """

    indicator: str
    name_ru: str
    group: str
    value: float
    target: float
    precision: int

    @property
    def text_ru(self) -> str:
        """Return the evidence as a sentence: name — value against target."""
        value = format_percent(self.value, self.precision)
        digits = 0 if float(self.target).is_integer() else self.precision
        target = format_percent(self.target, digits)
        where = "по региону" if self.group == "регион" else self.group
        return f"{where}: {self.name_ru} — {value} при целевом значении {target}"


@dataclass(frozen=True)
class Recommendation:
    """A recommendation to one recipient, with the misses behind it.

    Parameters
    ----------
    recipient : str
        A key of :data:`RECIPIENTS`.
    text_ru, due_ru : str
        What to do and by when, placeholders filled in.
    clusters : tuple of str
        For recipient ``schools``: the clusters whose schools it addresses.
    municipality : str or None
        The municipality of a municipal report, else None.
    evidence : tuple of Evidence
        Each missed target that fired it.
    rules : tuple of str
        Ids of the merged rules.
    """

    recipient: str
    text_ru: str
    due_ru: str
    clusters: tuple[str, ...]
    municipality: str | None
    evidence: tuple[Evidence, ...]
    rules: tuple[str, ...]

    @property
    def addressee_ru(self) -> str:
        """Return whom the recommendation is addressed to, in the dative."""
        name = RECIPIENTS[self.recipient]
        if self.recipient == "schools" and self.clusters:
            plural = len(self.clusters) > 1
            word = "кластерных групп" if plural else "кластерной группы"
            name = f"{name} {word} {', '.join(self.clusters)}"
        if self.municipality is not None:
            name = f"{name} ({self.municipality})"
        return name


def _candidates(indicators: pd.DataFrame, rule: Rule, municipality: str | None):
    """Rows of the year's indicator table that a rule looks at."""
    if municipality is None:
        if rule.level == "municipality":
            return indicators.iloc[0:0]
        rows = indicators[indicators["level"] == rule.level]
    else:
        if rule.level == "region":
            return indicators.iloc[0:0]
        level = (
            "municipality" if rule.level == "municipality" else "municipality_cluster"
        )
        rows = indicators[
            (indicators["level"] == level)
            & (indicators["municipality"] == municipality)
        ]
    if rule.clusters:
        rows = rows[rows["cluster"].astype(str).isin(rule.clusters)]
    return rows[rows["indicator"].isin(rule.indicators)]


def recommend(
    indicators: pd.DataFrame,
    methodology,
    year: int,
    municipality: str | None = None,
) -> list[Recommendation]:
    """Generate the addressed recommendations for a report.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Engine rows of the report year at levels region and cluster (regional
        report) or municipality and municipality_cluster (municipal report),
        with ``met`` after disclosure control (a hidden value fires nothing).
    methodology : Methodology
        Edition holding the rules, indicator names and targets.
    year : int
        Monitoring year, for the texts' placeholders.
    municipality : str, optional
        Name of the municipality of a municipal report; None for the region.

    Returns
    -------
    list of Recommendation
        In recipient order (:data:`RECIPIENTS`), then in the order the rules
        first appear in the file.
    """
    names = {ind.code: ind.name_ru for ind in methodology.indicators}
    order = {ind.code: n for n, ind in enumerate(methodology.indicators)}
    fill = {"year": year, "next_year": year + 1, "after_next": year + 2}
    merged: dict[tuple[str, str], dict] = {}
    for rule in parse_rules(methodology):
        rows = _candidates(indicators, rule, municipality)
        missed = rows[rows["met"].eq(False).fillna(False).astype(bool)]
        if missed.empty:
            continue
        text = rule.text_ru.format(**fill)
        entry = merged.setdefault(
            (rule.recipient, text),
            {"due": rule.due_ru.format(**fill), "rules": [], "rows": []},
        )
        entry["rules"].append(rule.id)
        entry["rows"].append(missed)

    result = []
    for (recipient, text), entry in merged.items():
        rows = pd.concat(entry["rows"]).drop_duplicates(["level", "group", "indicator"])
        rows = rows.assign(_order=rows["indicator"].map(order))
        rows = rows.sort_values(["_order", "group"], kind="stable")
        clusters = ()
        if recipient == "schools":
            present = set(rows["cluster"].astype(str))
            clusters = tuple(cluster for cluster in CLUSTERS if cluster in present)
        evidence = tuple(
            Evidence(
                indicator=row.indicator,
                name_ru=names[row.indicator],
                group=_group_label(row, municipality),
                value=float(row.value),
                target=float(row.target),
                precision=int(row.precision),
            )
            for row in rows.itertuples()
        )
        result.append(
            Recommendation(
                recipient=recipient,
                text_ru=text,
                due_ru=entry["due"],
                clusters=clusters,
                municipality=municipality,
                evidence=evidence,
                rules=tuple(entry["rules"]),
            )
        )
    recipients = list(RECIPIENTS)
    return sorted(result, key=lambda rec: recipients.index(rec.recipient))


def _group_label(row, municipality: str | None) -> str:
    if row.level == "municipality_cluster":
        return str(row.cluster)
    if row.level == "municipality" and municipality is not None:
        return str(municipality)
    return str(row.group)


def to_frame(recommendations: list[Recommendation]) -> pd.DataFrame:
    """Return recommendations as a table with Russian headers (for Excel).

    Parameters
    ----------
    recommendations : list of Recommendation
        Output of :func:`recommend`.

    Returns
    -------
    pandas.DataFrame
        Columns «Адресат», «Рекомендация», «Срок», «Основание» (one line per
        missed target).
    """
    return pd.DataFrame(
        {
            "Адресат": [rec.addressee_ru for rec in recommendations],
            "Рекомендация": [rec.text_ru for rec in recommendations],
            "Срок": [rec.due_ru for rec in recommendations],
            "Основание": [
                "\n".join(item.text_ru for item in rec.evidence)
                for rec in recommendations
            ],
        }
    )

"""The rules of addressed recommendations: their schema and its check.

The ``recommendations`` section of a methodology file is a list of rules::

    - id: schools.events              # unique within the edition
      recipient: schools              # department, centre, municipality, schools
      level: cluster                  # region, cluster or municipality
      indicators: [basic.events]      # indicator codes, or "all"
      clusters: [КГ1, КГ2]            # optional, level cluster only
      text_ru: Активизировать ...     # what to do
      due_ru: до 1 октября {next_year} года   # optional deadline

:func:`check_rules` runs when an edition is loaded, so an unknown indicator
code, level, recipient or cluster is an error before any report is made. How
the rules fire is :mod:`profmon.recommendations`.
"""

from __future__ import annotations

from dataclasses import dataclass

from profmon.clusters import CLUSTERS
from profmon.errors import MethodologyError

__all__ = ["LEVELS", "PLACEHOLDERS", "RECIPIENTS", "Rule", "check_rules", "parse_rules"]

#: Recipients of recommendations, in the order a report lists them.
RECIPIENTS = {
    "department": "Департаменту образования",
    "centre": "Центру профессиональной ориентации и психологической поддержки «Ресурс»",
    "municipality": (
        "Органам местного самоуправления, осуществляющим управление в сфере образования"
    ),
    "schools": "Руководителям общеобразовательных организаций",
}

#: Levels at which a rule looks for missed targets.
LEVELS = ("region", "cluster", "municipality")

_KEYS = {"id", "recipient", "level", "indicators", "clusters", "text_ru", "due_ru"}
_REQUIRED = ("id", "recipient", "level", "indicators", "text_ru")
PLACEHOLDERS = {"year": 2000, "next_year": 2001, "after_next": 2002}


@dataclass(frozen=True)
class Rule:
    """One checked rule of the ``recommendations`` section.

    Parameters
    ----------
    id : str
        Unique name of the rule.
    recipient : str
        A key of :data:`RECIPIENTS`.
    level : str
        One of :data:`LEVELS`.
    indicators : tuple of str
        Indicator codes whose miss fires the rule.
    clusters : tuple of str
        Clusters the rule applies to (level ``cluster``); empty for all.
    text_ru, due_ru : str
        What to do and by when; may hold ``{year}``-style placeholders.
    """

    id: str
    recipient: str
    level: str
    indicators: tuple[str, ...]
    clusters: tuple[str, ...]
    text_ru: str
    due_ru: str = ""


def _as_tuple(value, where: str, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise MethodologyError(f"{where}: `{key}` must be a list of strings, got {value!r}")


def _rule(entry, position: int, codes: tuple[str, ...], where: str) -> Rule:
    here = f"{where}: recommendations[{position}]"
    if not isinstance(entry, dict):
        raise MethodologyError(f"{here}: expected a mapping, got {entry!r}")
    missing = [key for key in _REQUIRED if key not in entry]
    if missing:
        raise MethodologyError(f"{here}: missing key(s) {', '.join(missing)}")
    here = f"{where}: recommendation {entry['id']!r}"
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise MethodologyError(
            f"{here}: unknown key(s) {unknown}; known: {sorted(_KEYS)}"
        )
    if entry["recipient"] not in RECIPIENTS:
        raise MethodologyError(
            f"{here}: recipient {entry['recipient']!r} is not one of {list(RECIPIENTS)}"
        )
    if entry["level"] not in LEVELS:
        raise MethodologyError(
            f"{here}: level {entry['level']!r} is not one of {list(LEVELS)}"
        )
    if entry["indicators"] == "all":
        indicators = codes
    else:
        indicators = _as_tuple(entry["indicators"], here, "indicators")
        unknown = [code for code in indicators if code not in codes]
        if unknown:
            raise MethodologyError(
                f"{here}: unknown indicator code(s) {unknown}; known: {list(codes)}"
            )
    clusters = _as_tuple(entry.get("clusters", []), here, "clusters")
    if clusters and entry["level"] != "cluster":
        raise MethodologyError(f"{here}: `clusters` is allowed with level cluster only")
    bad = [cluster for cluster in clusters if cluster not in CLUSTERS]
    if bad:
        raise MethodologyError(f"{here}: unknown cluster(s) {bad}; known: {CLUSTERS}")
    texts = {key: str(entry.get(key, "")).strip() for key in ("text_ru", "due_ru")}
    for key, text in texts.items():
        try:
            text.format(**PLACEHOLDERS)
        except (KeyError, IndexError, ValueError) as err:
            raise MethodologyError(
                f"{here}: `{key}` has a bad placeholder ({err!r}); allowed: "
                f"{', '.join('{' + name + '}' for name in PLACEHOLDERS)}"
            ) from None
    return Rule(
        id=str(entry["id"]),
        recipient=entry["recipient"],
        level=entry["level"],
        indicators=indicators,
        clusters=clusters,
        text_ru=texts["text_ru"],
        due_ru=texts["due_ru"],
    )


def check_rules(entries, codes, where: str = "methodology") -> tuple[Rule, ...]:
    """Check the ``recommendations`` section of an edition.

    Parameters
    ----------
    entries : list of dict
        The section as read from YAML.
    codes : sequence of str
        Indicator codes of the edition.
    where : str
        The file name, for error messages.

    Returns
    -------
    tuple of Rule
        The checked rules, in file order.

    Raises
    ------
    MethodologyError
        On a missing or unknown key, an unknown recipient, level, cluster or
        indicator code, a bad placeholder, or a repeated id.
    """
    if entries is None:
        return ()
    if not isinstance(entries, list):
        raise MethodologyError(f"{where}: `recommendations` must be a list of rules")
    codes = tuple(codes)
    rules = tuple(_rule(entry, n, codes, where) for n, entry in enumerate(entries))
    ids = [rule.id for rule in rules]
    repeated = sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1})
    if repeated:
        raise MethodologyError(f"{where}: recommendation ids repeated: {repeated}")
    return rules


def parse_rules(methodology) -> tuple[Rule, ...]:
    """Return the checked rules of an edition.

    Parameters
    ----------
    methodology : Methodology
        A loaded edition; its ``recommendation_rules`` are checked against its
        own indicator codes.

    Returns
    -------
    tuple of Rule
        The checked rules, in file order; empty when the edition has none.

    Raises
    ------
    MethodologyError
        If a rule is malformed (see :func:`check_rules`); the message names the
        edition file, or ``methodology`` when the edition has no source file.
    """
    codes = [indicator.code for indicator in methodology.indicators]
    where = methodology.source.name if methodology.source else "methodology"
    return check_rules(list(methodology.recommendation_rules), codes, where)

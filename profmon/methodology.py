"""The methodology as data: indicators, targets and cluster rules of an edition.

An edition is a YAML file in ``profmon/methodology_data/`` named after the year
it takes effect. :func:`load_methodology` picks the newest edition in effect for
a year (or reads a file the analyst names), checks it, and returns a
:class:`Methodology`. Nothing about an indicator lives in code.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from profmon.clusters import ClusterRules
from profmon.errors import MethodologyError
from profmon.fields import FIELDS, by_name
from profmon.recommendation_rules import check_rules

__all__ = [
    "SCHOOLS",
    "Indicator",
    "Methodology",
    "available_editions",
    "load_methodology",
    "parse_expression",
]

log = logging.getLogger(__name__)

EDITIONS_DIR = Path(__file__).parent / "methodology_data"

#: Pseudo-field of expressions: 1 for every school, so a sum counts schools.
SCHOOLS = "schools"

_BAND = re.compile(r"^grade_(\d{1,2}):(\d{1,2})$")
_BLOCK_ORDER = ("conditions", "basic", "secondary", "vocational")
_DIRECTIONS = ("higher", "lower")


@dataclass(frozen=True)
class Indicator:
    """One indicator of the monitoring: a pooled share with a target.

    Parameters
    ----------
    code : str
        Stable identifier, ``block.name`` (``"basic.bilet"``).
    block : str
        ``conditions``, ``basic``, ``secondary`` or ``vocational``.
    name_ru : str
        The name as published.
    label_ru : str
        A short label for chart axes and narrow tables.
    numerator, denominator : tuple of str
        The contract fields (or ``schools``) whose sum forms each part.
    target : float or None
        Target value in percent; None when the edition sets none.
    direction : str
        ``higher`` when a value at or above the target meets it, ``lower``
        when a value at or below it does.
    unit : str
        Display unit, ``%``.
    precision : int
        Decimals shown in reports, as published.
    first_year : int or None
        First monitoring year that collected the indicator's data; earlier
        years have no value for it.
    target_note_ru : str
        Remark on the target printed in the methodology appendix.
    numerator_text, denominator_text : str
        The numerator and denominator expressions as written in the edition
        file (grade bands such as ``grade_9:11`` not expanded), shown in the
        methodology appendix of reports.
    """

    code: str
    block: str
    name_ru: str
    label_ru: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    target: float | None
    direction: str = "higher"
    unit: str = "%"
    precision: int = 0
    first_year: int | None = None
    target_note_ru: str = ""
    numerator_text: str = ""
    denominator_text: str = ""

    def in_effect(self, year: int) -> bool:
        """Return whether the indicator was measured in `year`.

        Parameters
        ----------
        year : int
            Monitoring year.

        Returns
        -------
        bool
            True when the indicator has no `first_year` or `year` is not before
            it.
        """
        return self.first_year is None or year >= self.first_year

    @property
    def fields(self) -> tuple[str, ...]:
        """Contract fields the indicator reads (``schools`` excluded)."""
        names = dict.fromkeys((*self.numerator, *self.denominator))
        names.pop(SCHOOLS, None)
        return tuple(names)


@dataclass(frozen=True)
class Methodology:
    """A checked edition of the methodology.

    Parameters
    ----------
    edition : str
        Edition label, as written in the file.
    effective_from : int
        First monitoring year the edition applies to.
    title_ru, region_ru : str
        Titles used in reports.
    clusters : ClusterRules
        How schools are sorted into КГ1–КГ4.
    disclosure_min_count : int
        Smallest count of pupils with ОВЗ or disability that may be printed
        for a school or a municipality × cluster cell.
    blocks : dict of str to str
        Block code -> Russian title, in report order.
    indicators : tuple of Indicator
        In report order.
    recommendation_rules : tuple of dict
        The raw ``recommendations`` section, read by :mod:`profmon.recommendations`.
    source : pathlib.Path or None
        The file the edition was read from; None for an edition built in code.
    raw : dict
        The whole edition file as parsed from YAML, kept for reference; not
        part of equality.
    """

    edition: str
    effective_from: int
    title_ru: str
    region_ru: str
    clusters: ClusterRules
    disclosure_min_count: int
    blocks: dict[str, str]
    indicators: tuple[Indicator, ...]
    recommendation_rules: tuple[dict, ...] = ()
    source: Path | None = None
    raw: dict = field(default_factory=dict, repr=False, compare=False)

    def indicator(self, code: str) -> Indicator:
        """Return the indicator with `code`.

        Parameters
        ----------
        code : str
            Indicator code, ``block.name`` (``"basic.bilet"``).

        Returns
        -------
        Indicator
            The indicator of this edition with that code.

        Raises
        ------
        KeyError
            If the edition has no such indicator; the message lists the known
            codes.
        """
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        known = ", ".join(indicator.code for indicator in self.indicators)
        raise KeyError(f"unknown indicator {code!r}; known: {known}")

    def indicators_in_effect(self, year: int) -> tuple[Indicator, ...]:
        """Return the indicators measured in `year`.

        Parameters
        ----------
        year : int
            Monitoring year.

        Returns
        -------
        tuple of Indicator
            The indicators in effect that year (see :meth:`Indicator.in_effect`),
            in report order.
        """
        return tuple(ind for ind in self.indicators if ind.in_effect(year))

    def required_fields(self, year: int) -> tuple[str, ...]:
        """Return the contract fields a submission for `year` must have.

        Identity, pupils, graduates and conditions are always required; a
        participation, admission or survey field only while an indicator in
        effect reads it.

        Parameters
        ----------
        year : int
            Monitoring year of the submission.

        Returns
        -------
        tuple of str
            Canonical names of the required fields, in contract order.
        """
        used = {name for ind in self.indicators_in_effect(year) for name in ind.fields}
        always = {"identity", "pupils", "graduates", "conditions"}
        return tuple(
            f.name
            for f in FIELDS
            if f.required and (f.group in always or f.name in used)
        )


def parse_expression(text: str, *, where: str = "expression") -> tuple[str, ...]:
    """Expand a numerator or denominator expression into contract fields.

    Parameters
    ----------
    text : str
        Terms joined by ``+``; each a contract field, ``schools``, or a grade
        band ``grade_A:B``.
    where : str
        Where the expression stands, for error messages.

    Returns
    -------
    tuple of str
        The fields, in order, each once.

    Raises
    ------
    MethodologyError
        If a term names no field of the contract or a band is empty.
    """
    terms = [term.strip() for term in str(text).split("+")]
    names: list[str] = []
    for term in terms:
        band = _BAND.match(term)
        if band:
            low, high = int(band.group(1)), int(band.group(2))
            if not 1 <= low <= high <= 11:
                raise MethodologyError(
                    f"{where}: grade band {term!r} must run from 1 to 11, low to high"
                )
            names.extend(f"grade_{grade}" for grade in range(low, high + 1))
            continue
        if term == SCHOOLS:
            names.append(term)
            continue
        try:
            kind = by_name(term).kind
        except KeyError:
            raise MethodologyError(
                f"{where}: {term!r} is not a field of the data contract "
                f"(nor `schools` or a band like grade_6:11)"
            ) from None
        if kind not in ("count", "flag"):
            raise MethodologyError(
                f"{where}: field {term!r} is {kind}, not a count or да/нет field"
            )
        names.append(term)
    return tuple(dict.fromkeys(names))


def _indicator(entry: dict, position: int, blocks: dict, source: Path) -> Indicator:
    where = f"{source.name}: indicators[{position}]"
    missing = [
        key
        for key in ("code", "block", "name_ru", "numerator", "denominator")
        if key not in entry
    ]
    if missing:
        raise MethodologyError(f"{where}: missing key(s) {', '.join(missing)}")
    code = str(entry["code"])
    where = f"{source.name}: indicator {code!r}"
    if entry["block"] not in blocks:
        raise MethodologyError(
            f"{where}: block {entry['block']!r} is not one of {list(blocks)}"
        )
    direction = entry.get("direction", "higher")
    if direction not in _DIRECTIONS:
        raise MethodologyError(
            f"{where}: direction {direction!r} is not one of {list(_DIRECTIONS)}"
        )
    target = entry.get("target")
    if target is not None and not isinstance(target, int | float):
        raise MethodologyError(f"{where}: target {target!r} is not a number")
    return Indicator(
        code=code,
        block=entry["block"],
        name_ru=str(entry["name_ru"]),
        label_ru=str(entry.get("label_ru", entry["name_ru"])),
        numerator=parse_expression(entry["numerator"], where=f"{where} numerator"),
        denominator=parse_expression(
            entry["denominator"], where=f"{where} denominator"
        ),
        target=None if target is None else float(target),
        direction=direction,
        unit=str(entry.get("unit", "%")),
        precision=int(entry.get("precision", 0)),
        first_year=entry.get("first_year"),
        target_note_ru=str(entry.get("target_note_ru", "")),
        numerator_text=str(entry["numerator"]),
        denominator_text=str(entry["denominator"]),
    )


def available_editions() -> dict[int, Path]:
    """Return the bundled editions: year of effect -> file, oldest first."""
    editions = {}
    for path in EDITIONS_DIR.glob("*.yaml"):
        if path.stem.isdigit():
            editions[int(path.stem)] = path
    return dict(sorted(editions.items()))


# libyaml's loader (in PyYAML's wheels) reads an edition ten times faster than
# the pure-Python one and builds the same plain objects.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> dict:
    try:
        with path.open(encoding="utf-8") as stream:
            document = yaml.load(stream, Loader=_SafeLoader)
    except OSError as err:
        raise MethodologyError(f"cannot read methodology file {path}: {err}") from err
    except yaml.YAMLError as err:
        raise MethodologyError(f"{path.name} is not valid YAML: {err}") from err
    if not isinstance(document, dict):
        raise MethodologyError(f"{path.name}: expected a mapping at the top level")
    return document


def load_methodology(
    year: int | None = None, path: str | Path | None = None
) -> Methodology:
    """Load and check an edition of the methodology.

    Parameters
    ----------
    year : int, optional
        Monitoring year; the newest bundled edition in effect that year is
        used. Ignored when `path` is given.
    path : str or Path, optional
        An edition file of the analyst's own.

    Returns
    -------
    Methodology
        The checked edition.

    Raises
    ------
    MethodologyError
        If the file is missing, malformed, or names an unknown field.
    """
    if path is None:
        editions = available_editions()
        candidates = [
            edition for edition in editions if year is None or edition <= year
        ]
        chosen = max(candidates) if candidates else min(editions)
        path = editions[chosen]
    path = Path(path)
    document = _read_yaml(path)
    for key in ("edition", "effective_from", "clusters", "blocks", "indicators"):
        if key not in document:
            raise MethodologyError(f"{path.name}: missing top-level key {key!r}")

    blocks = dict(document["blocks"])
    unknown_blocks = set(blocks) - set(_BLOCK_ORDER)
    if unknown_blocks:
        raise MethodologyError(f"{path.name}: unknown blocks {sorted(unknown_blocks)}")
    indicators = tuple(
        _indicator(entry, position, blocks, path)
        for position, entry in enumerate(document["indicators"])
    )
    codes = [indicator.code for indicator in indicators]
    duplicated = sorted({code for code in codes if codes.count(code) > 1})
    if duplicated:
        raise MethodologyError(f"{path.name}: indicator codes repeated: {duplicated}")

    check_rules(document.get("recommendations"), codes, path.name)

    try:
        clusters = ClusterRules.from_mapping(document["clusters"])
    except (TypeError, ValueError, KeyError) as err:
        raise MethodologyError(f"{path.name}: clusters: {err}") from err
    disclosure = document.get("disclosure", {}) or {}
    methodology = Methodology(
        edition=str(document["edition"]),
        effective_from=int(document["effective_from"]),
        title_ru=str(document.get("title_ru", "")),
        region_ru=str(document.get("region_ru", "")),
        clusters=clusters,
        disclosure_min_count=int(disclosure.get("min_count", 5)),
        blocks=blocks,
        indicators=indicators,
        recommendation_rules=tuple(document.get("recommendations") or ()),
        source=path,
        raw=document,
    )
    log.debug("methodology edition %s read from %s", methodology.edition, path)
    return methodology

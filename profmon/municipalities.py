"""The region's municipal formations and the spellings users type for them."""

from __future__ import annotations

import re

__all__ = [
    "CITY_DISTRICTS",
    "DISTRICTS",
    "MUNICIPALITIES",
    "STATE_SCHOOLS",
    "normalise_municipality",
]

CITY_DISTRICTS = ("Ярославль", "Рыбинск", "Переславль-Залесский")
DISTRICTS = (
    "Большесельский",
    "Борисоглебский",
    "Брейтовский",
    "Гаврилов-Ямский",
    "Даниловский",
    "Любимский",
    "Мышкинский",
    "Некоузский",
    "Некрасовский",
    "Первомайский",
    "Пошехонский",
    "Ростовский",
    "Рыбинский",
    "Тутаевский",
    "Угличский",
    "Ярославский",
)
STATE_SCHOOLS = "ГОУ"

#: The 19 municipal formations of the 2022 monitoring, then the state schools.
MUNICIPALITIES = (*CITY_DISTRICTS, *DISTRICTS, STATE_SCHOOLS)

# Words that users add to a name and that do not change which formation it is.
_SUFFIXES = re.compile(
    r"\b(муниципальный район|муниципальный округ|городской округ|"
    r"район|мр|мо|го|г\.о\.|г\.|город)(?=\s|$)"
)


def _fold(text: str) -> str:
    folded = str(text).replace("ё", "е").replace("Ё", "Е").lower()
    folded = re.sub(r"\s*-\s*", "-", folded)
    folded = _SUFFIXES.sub(" ", folded)
    return " ".join(folded.split())


_CANONICAL = {_fold(name): name for name in MUNICIPALITIES}
_CANONICAL.update(
    {
        "гоу": STATE_SCHOOLS,
        "государственные оо": STATE_SCHOOLS,
        "государственные общеобразовательные учреждения": STATE_SCHOOLS,
    }
)


def normalise_municipality(value: object) -> str | None:
    """Return the canonical name of a municipality, or None if unknown.

    Case, ё/е, stray spaces, spaces around a hyphen and the suffixes «район»,
    «МР», «МО», «ГО», «городской округ», «г.» are ignored, so
    ``" ярославский  МР"`` and ``"г. Рыбинск"`` are recognised.

    Parameters
    ----------
    value : object
        The cell as read from a submission.

    Returns
    -------
    str or None
        One of :data:`MUNICIPALITIES`, or None when the value names none.
    """
    if value is None:
        return None
    return _CANONICAL.get(_fold(value))

r"""File names of the reports: readable, and safe on every file system.

Reports travel by e-mail and USB stick to Windows machines, so their names
use Latin letters, digits, ``-`` and ``_`` only: Russian names are
transliterated, characters Windows forbids (``<>:"/\|?*``) and spaces are
replaced, and the names Windows reserves for devices (``CON``, ``NUL``,
``COM1`` …) are avoided.
"""

from __future__ import annotations

from profmon.municipalities import STATE_SCHOOLS

__all__ = [
    "INDEX_FILE",
    "REGION_FILE",
    "TABLES_FILE",
    "report_file_name",
    "safe_file_stem",
]

REGION_FILE = "region.html"
INDEX_FILE = "index.html"
TABLES_FILE = "tables.xlsx"

# Transliteration of Russian letters for file names (close to the passport
# standard, with й -> y and х -> kh as in the usual spellings of these names).
_LETTERS = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_SOUNDS = "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya"
_LATIN = dict(zip(_LETTERS, _SOUNDS.split(), strict=True))
_LATIN["ъ"] = _LATIN["ь"] = ""
_RESERVED = {"con", "prn", "aux", "nul"} | {
    f"{device}{number}" for device in ("com", "lpt") for number in range(1, 10)
}


def safe_file_stem(text: str, *, limit: int = 60) -> str:
    r"""Return a file-name stem for `text` that every file system accepts.

    Parameters
    ----------
    text : str
        Any name, Russian letters included.
    limit : int
        Longest stem returned.

    Returns
    -------
    str
        Lower-case Latin letters, digits, ``-`` and ``_`` only: Russian
        letters transliterated, other characters (``<>:"/\|?*``, spaces,
        dots …) turned into ``_``; no leading or trailing ``_``/``-``; never a
        name Windows reserves (``con``, ``nul``, ``com1`` …, which get a
        trailing ``_``); ``report`` when nothing is left.
    """
    latin = "".join(_LATIN.get(char, char) for char in str(text).lower())
    cleaned = []
    for char in latin:
        keep = (char.isascii() and char.isalnum()) or char == "-"
        cleaned.append(char if keep else "_")
    stem = "_".join(part for part in "".join(cleaned).split("_") if part)
    stem = stem[:limit].strip("_-") or "report"
    if stem in _RESERVED:
        stem += "_"
    return stem


def report_file_name(municipality: str | None) -> str:
    """Return the HTML file name of a report.

    Parameters
    ----------
    municipality : str or None
        A canonical municipality name, or None for the regional report.

    Returns
    -------
    str
        ``region.html``; ``gou.html`` for the state schools; otherwise
        ``mo_<transliterated name>.html`` (``Переславль-Залесский`` ->
        ``mo_pereslavl-zalesskiy.html``). Safe on Windows, macOS and Linux.
    """
    if municipality is None:
        return REGION_FILE
    if municipality == STATE_SCHOOLS:
        return "gou.html"
    return f"mo_{safe_file_stem(municipality)}.html"

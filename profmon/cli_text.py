"""Russian wording for the messages argparse prints itself (usage, errors, help).

argparse looks its messages up through the module-level ``_`` at call time, so
:func:`install` replaces it with a lookup in :data:`TRANSLATIONS`; a message
without a translation is printed as argparse wrote it.
"""

from __future__ import annotations

import argparse

__all__ = ["TRANSLATIONS", "install"]

TRANSLATIONS = {
    "usage: ": "использование: ",
    "positional arguments": "аргументы",
    "options": "параметры",
    "show this help message and exit": "показать эту справку и выйти",
    "show program's version number and exit": "показать версию и выйти",
    "%(prog)s: error: %(message)s\n": "%(prog)s: ошибка: %(message)s\n",
    "the following arguments are required: %s": "не указаны обязательные параметры: %s",
    "invalid %(type)s value: %(value)r": "недопустимое значение %(value)r "
    "(ожидается %(type)s)",
    "invalid choice: %(value)r (choose from %(choices)s)": "недопустимое значение "
    "%(value)r (возможные: %(choices)s)",
    "argument %(argument_name)s: %(message)s": "параметр %(argument_name)s: "
    "%(message)s",
    "unrecognized arguments: %s": "неизвестные параметры: %s",
    "expected one argument": "нужно указать одно значение",
    "expected at least one argument": "нужно указать хотя бы одно значение",
    "expected at most one argument": "можно указать не больше одного значения",
    "not allowed with argument %s": "нельзя указывать вместе с %s",
    "one of the arguments %s is required": "нужно указать один из параметров: %s",
    "ambiguous option: %(option)s could match %(matches)s": "неоднозначный "
    "параметр %(option)s: подходит %(matches)s",
}


def _translate(message: str) -> str:
    return TRANSLATIONS.get(message, message)


def install() -> None:
    """Make argparse print its own messages in Russian (idempotent)."""
    argparse._ = _translate

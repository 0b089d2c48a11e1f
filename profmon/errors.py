"""The exceptions profmon raises on purpose, under one base class.

The CLI turns any :class:`ProfmonError` into a message in Russian and an exit
code; anything else reaching the user is a bug.
"""

from __future__ import annotations

__all__ = ["DataError", "MethodologyError", "ProfmonError"]


class ProfmonError(Exception):
    """Base of every error profmon raises for bad input or bad settings."""


class MethodologyError(ProfmonError):
    """The methodology file is malformed or names something unknown."""


class DataError(ProfmonError):
    """The submissions of a year cannot be used (they have blocking errors).

    Parameters
    ----------
    message : str
        What is wrong, in Russian.
    findings : pandas.DataFrame, optional
        The validation findings behind the error, when there are some.
    """

    def __init__(self, message: str, findings=None):
        super().__init__(message)
        self.findings = findings

"""Checks on text a person or a configuration typed, shared by the core, the pages, the settings
and the terminal: each was once written out where it was needed, and drifted.
"""

from __future__ import annotations

from paintrace.errors import InputError


def whole_number(raw: str) -> bool:
    """True if `raw` is up to 18 of the digits 0-9, so int(raw) cannot fail. str.isdigit() also
    takes "²" and other digits that int() refuses, and int() refuses more than 4,300 digits:
    either made a form field a server error. 18 digits hold any id; a bigger number is bad
    input for every field here."""
    return len(raw) <= 18 and raw.isascii() and raw.isdigit()


def refuse_nul(text: str, field: str) -> None:
    """A NUL character is never meant in typed text, and PostgreSQL's text columns cannot hold
    one (nor look one up): refused as bad input rather than failing in the database."""
    if "\x00" in text:
        raise InputError(field, "contains a NUL character (\\u0000), which text may not hold")

"""Words shared by the core and the pages: how a name reads inside a sentence, how a list
reads in one."""

from __future__ import annotations

from collections.abc import Iterable


def join_and(items: Iterable[str]) -> str:
    """The list as "a, b and c", each item once, in order. A bare comma list ("the piriformis,
    gluteus minimus") reads as if a word were missing."""
    unique = list(dict.fromkeys(items))
    if len(unique) <= 1:
        return "".join(unique)
    return ", ".join(unique[:-1]) + " and " + unique[-1]


def in_sentence(name: str) -> str:
    """A source or muscle name as it reads inside a sentence: the first letter lower case
    ("Piriformis" -> "piriformis", "Gluteus medius" -> "gluteus medius"), unless the name starts
    with an abbreviation, its first two characters each upper case or a digit ("L5 nerve root",
    "S1 nerve root" stay as they are). Lowercasing the whole name turned "L5" into "l5"."""
    if len(name) >= 2 and all(c.isupper() or c.isdigit() for c in name[:2]):
        return name
    return name[:1].lower() + name[1:]

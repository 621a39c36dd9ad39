"""Words shared by the core and the pages: how a name reads inside a sentence."""

from __future__ import annotations


def in_sentence(name: str) -> str:
    """A source or muscle name as it reads inside a sentence: the first letter lower case
    ("Piriformis" -> "piriformis", "Gluteus medius" -> "gluteus medius"), unless the name starts
    with an abbreviation, its first two characters each upper case or a digit ("L5 nerve root",
    "S1 nerve root" stay as they are). Lowercasing the whole name turned "L5" into "l5"."""
    if len(name) >= 2 and all(c.isupper() or c.isdigit() for c in name[:2]):
        return name
    return name[:1].lower() + name[1:]

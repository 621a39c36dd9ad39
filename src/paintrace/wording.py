"""Words shared by the core and the pages: how a name reads inside a sentence, how a list
reads in one, and how long a sentence may be."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

#: How each massage tool reads for a person (the knowledge base names them by id).
TOOL_LABELS = {
    "hands": "Your hands",
    "tennis-ball": "A tennis ball",
    "lacrosse-ball": "A lacrosse ball",
    "peanut-ball": "A peanut ball (two balls joined)",
    "foam-roller": "A foam roller",
    "cane-hook": "A massage cane (hook)",
    "glute-tool": "A deep-tissue glute tool",
}


def join_and(items: Iterable[str]) -> str:
    """The list as "a, b and c", each item once, in order. A bare comma list ("the piriformis,
    gluteus minimus") reads as if a word were missing."""
    unique = list(dict.fromkeys(items))
    if len(unique) <= 1:
        return "".join(unique)
    return ", ".join(unique[:-1]) + " and " + unique[-1]


def times(n: Any) -> str:
    """1 -> "once", 2 -> "twice", 3 -> "3 times" ("" for what is not a whole number)."""
    try:
        n = int(n)
    except (TypeError, ValueError):
        return ""
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def count(n: int, noun: str) -> str:
    """1 -> "1 point", 2 -> "2 points"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def capitalized(text: str) -> str:
    """The text with its first letter upper case, as a sentence or a list item starts (the rest
    kept: "the L5 nerve root" -> "The L5 nerve root")."""
    return text[:1].upper() + text[1:]


def in_sentence(name: str) -> str:
    """A source or muscle name as it reads inside a sentence: the first letter lower case
    ("Piriformis" -> "piriformis", "Gluteus medius" -> "gluteus medius"), unless the name starts
    with an abbreviation, its first two characters each upper case or a digit ("L5 nerve root",
    "S1 nerve root" stay as they are). Lowercasing the whole name turned "L5" into "l5"."""
    if len(name) >= 2 and all(c.isupper() or c.isdigit() for c in name[:2]):
        return name
    return name[:1].lower() + name[1:]


#: Plain language: no sentence a person reads is longer than this (the knowledge base is held to
#: it by tests/test_knowledge.py, the sentences built from it by tests/test_wording_outputs.py).
MAX_WORDS = 25


def fits(*sentences: str) -> bool:
    """Whether each sentence is short enough to read easily (at most MAX_WORDS words)."""
    return all(len(s.split()) <= MAX_WORDS for s in sentences)


def list_sentences(
    first: tuple[str, str], more: tuple[str, str], items: Sequence[str]
) -> list[str]:
    """A list too long for one sentence, over as few sentences as it takes, each within
    MAX_WORDS, the items shared out evenly.

    `first` and `more` are the words around the list in the first sentence and in the ones
    after it: (("It does not usually explain the", "you marked."), ("The same goes for the",
    ".")). A sentence takes at least one item, however long.
    """
    greedy = _fill(first, more, items, len(items))
    # As many items in each sentence as the greedy fill needs sentences, so the last one does
    # not hold a single item; kept only if that still fits.
    even = _fill(first, more, items, -(-len(items) // len(greedy)) if greedy else 1)
    return even if len(even) == len(greedy) else greedy


def _fill(
    first: tuple[str, str], more: tuple[str, str], items: Sequence[str], most: int
) -> list[str]:
    """Sentences of at most `most` items each, each within MAX_WORDS (or of one item)."""
    out: list[str] = []
    chunk: list[str] = []
    head, tail = first
    for item in items:
        if chunk and (len(chunk) >= most or not fits(_around(head, [*chunk, item], tail))):
            out.append(_around(head, chunk, tail))
            chunk = []
            head, tail = more
        chunk.append(item)
    if chunk:
        out.append(_around(head, chunk, tail))
    return out


def _around(head: str, items: Sequence[str], tail: str) -> str:
    text = f"{head} {join_and(items)}"
    return f"{text}{tail}" if tail[:1] in ".,;:!?" else f"{text} {tail}"

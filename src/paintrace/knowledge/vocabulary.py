"""The words and checks every knowledge file shares.

The closed vocabularies (symptom types, triage levels, sides, source kinds), the strict pydantic
config, the error a bad knowledge base raises and the reference every claim cites live here, below
all the type modules, so those modules share them without importing one another.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Symptom = Literal["pain", "burning", "numbness", "tingling"]
SYMPTOMS: tuple[Symptom, ...] = ("pain", "burning", "numbness", "tingling")
Level = Literal["emergency", "urgent", "soon", "self-care"]
LEVELS: tuple[Level, ...] = ("emergency", "urgent", "soon", "self-care")
SourceKind = Literal["muscle", "nerve_root", "condition"]
Side = Literal["left", "right"]
SIDES: tuple[Side, ...] = ("left", "right")

STRICT = {"extra": "forbid"}  # pydantic config: a misspelt key is an error, not a default


class KnowledgeError(ValueError):
    """The knowledge base is inconsistent; the message names the file and the bad id."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def check_probability(value: float, name: str, *, open_top: bool = True) -> None:
    top_ok = value < 1 if open_top else value <= 1
    check(value > 0 and top_ok, f"{name} must be a probability, got {value}")


@dataclass(frozen=True)
class Reference:
    __pydantic_config__ = STRICT
    citation: str
    url: str | None = None
    note: str | None = None

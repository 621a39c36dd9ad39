"""The body atlas: the regions a drawing can mark, as written in atlas.yaml and as drawn.

A region is written once without its side (:class:`RegionDef`); :class:`Region` is the concrete
left, right or midline region a drawing's ids name, built by :class:`.knowledge_base.Knowledge`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from paintrace.knowledge.vocabulary import STRICT, Side


@dataclass(frozen=True)
class RegionDef:
    __pydantic_config__ = STRICT
    id: str
    name: str
    landmarks: str
    view: Literal["front", "back", "side", "sole"]
    below_knee: bool = False
    leg: bool = False  # below the buttock: counts for the both-legs red flag


@dataclass(frozen=True)
class Atlas:
    __pydantic_config__ = STRICT
    sided: list[RegionDef]
    midline: list[RegionDef]


@dataclass(frozen=True)
class Region:
    """A concrete region of a drawing: a sided region on one side, or a midline region."""

    id: str
    base: str
    side: Side | None
    name: str
    landmarks: str
    view: str
    below_knee: bool
    leg: bool

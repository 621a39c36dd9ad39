"""How a source or muscle name reads inside a sentence."""

from __future__ import annotations

import pytest

from paintrace.knowledge import load_knowledge
from paintrace.wording import in_sentence, join_and

SOURCES = load_knowledge().sources


@pytest.mark.parametrize("sid", sorted(SOURCES))
def test_every_source_name_reads_right_inside_a_sentence(sid: str) -> None:
    name = SOURCES[sid].name
    out = in_sentence(name)
    assert out[1:] == name[1:], "only the first letter may change"
    if name[:2].isalnum() and name[:2].upper() == name[:2] and not name[:2].isdigit():
        assert out == name, "an abbreviation (L5, S1) is kept"
    else:
        assert out[0] == name[0].lower()


def test_abbreviations_are_kept_and_plain_names_lowered() -> None:
    assert in_sentence("L5 nerve root") == "L5 nerve root"
    assert in_sentence("S1 nerve root") == "S1 nerve root"
    assert in_sentence("Piriformis") == "piriformis"
    assert in_sentence("Gluteus medius") == "gluteus medius"
    assert in_sentence("Peroneus (fibularis) longus") == "peroneus (fibularis) longus"
    assert in_sentence("") == "" and in_sentence("A") == "a"


def test_a_list_reads_with_and_before_its_last_item_and_names_each_once():
    assert join_and([]) == ""
    assert join_and(["piriformis"]) == "piriformis"
    assert join_and(["piriformis", "gluteus minimus"]) == "piriformis and gluteus minimus"
    assert join_and(["a", "b", "a", "c"]) == "a, b and c"

"""How a source or muscle name reads inside a sentence."""

from __future__ import annotations

import pytest

from paintrace.knowledge import load_knowledge
from paintrace.wording import MAX_WORDS, fits, in_sentence, join_and, list_sentences

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


def test_a_sentence_fits_at_most_25_words():
    assert MAX_WORDS == 25
    assert fits("word " * 25) and not fits("word " * 26)
    assert fits("Short.", "Also short.") and not fits("Short.", "word " * 26)


def test_a_long_list_runs_over_sentences_that_each_fit():
    places = [f"place number {n}" for n in range(1, 13)]
    out = list_sentences(
        ("It does not usually explain the", "you marked."), ("The same goes for the", "."), places
    )
    assert len(out) == 3 and all(fits(s) for s in out)
    # shared out evenly: no sentence is left with one place
    assert [s.count("place number") for s in out] == [4, 4, 4]
    assert out[0].startswith("It does not usually explain the place number 1, ")
    assert out[0].endswith(" you marked.") and out[1].startswith("The same goes for the ")
    assert out[2].endswith(" and place number 12.")
    assert all(p in " ".join(out) for p in places)
    assert list_sentences(("You marked the", "."), ("Also the", "."), ["calf"]) == [
        "You marked the calf."
    ]

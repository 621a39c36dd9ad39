"""Checks on typed text: numbers int() can read, and no NUL."""

from __future__ import annotations

import pytest

from paintrace.errors import InputError
from paintrace.typed_text import refuse_nul, whole_number


@pytest.mark.parametrize(
    ("raw", "ok"),
    [
        ("7", True),
        ("9" * 18, True),
        ("9" * 19, False),
        ("²", False),
        ("٣", False),
        ("-1", False),
        ("", False),
    ],
)
def test_whole_number_is_what_int_reads(raw: str, ok: bool) -> None:
    assert whole_number(raw) is ok
    if ok:
        assert int(raw) >= 0


def test_refuse_nul_names_the_field() -> None:
    refuse_nul("a note", "note")
    with pytest.raises(InputError) as info:
        refuse_nul("a\x00b", "note")
    assert info.value.field == "note"

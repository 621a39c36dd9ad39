"""The shared refusal of unknown fields: one wording, the first unknown field in sorted order."""

from __future__ import annotations

import pytest

from paintrace.errors import InputError, refuse_unknown


def test_known_fields_pass_and_any_subset_of_them_too() -> None:
    refuse_unknown({"a": 1, "b": 2}, ("a", "b", "c"))
    refuse_unknown({}, ("a",))


def test_the_first_unknown_field_is_named_with_the_allowed_ones() -> None:
    with pytest.raises(InputError) as caught:
        refuse_unknown({"zeta": 1, "beta": 2, "a": 3}, ("c", "a"))
    assert caught.value.field == "beta"
    assert caught.value.message == "unknown field; allowed fields: a, c"


def test_a_nested_object_names_the_path() -> None:
    with pytest.raises(InputError) as caught:
        refuse_unknown({"weight": 80}, ("age", "sex"), "patient.")
    assert caught.value.field == "patient.weight"

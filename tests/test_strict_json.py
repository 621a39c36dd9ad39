"""Strict JSON: one meaning per document, bounded, never a traceback."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paintrace.strict_json import MAX_DEPTH, StrictJSONError, depth, loads, printable


def test_duplicate_keys_are_refused_at_any_depth():
    with pytest.raises(StrictJSONError, match="duplicate key 'saddle-numbness'"):
        loads('{"findings": {"saddle-numbness": true, "saddle-numbness": false}}')


def test_a_leading_byte_order_mark_is_ignored_as_rfc_8259_allows():
    # Windows Notepad saves UTF-8 with one; the file is still the same JSON.
    assert loads(b"\xef\xbb\xbf" + b'{"drawing": {}}') == {"drawing": {}}
    assert loads("\ufeff[1]") == [1]
    with pytest.raises(StrictJSONError, match="empty input"):
        loads(b"\xef\xbb\xbf  ")


def test_depth_counts_brackets_outside_strings():
    assert depth('{"a": "[[[[", "b": [1, {"c": 2}]}') == 3
    assert depth('"\\"[["') == 0


def test_too_deep_too_big_and_odd_numbers_are_refused():
    with pytest.raises(StrictJSONError, match="nested"):
        loads("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    with pytest.raises(StrictJSONError, match="too large"):
        loads('{"age": ' + "1" * 40 + "}")
    with pytest.raises(StrictJSONError, match="Infinity"):
        loads('{"age": Infinity}')
    with pytest.raises(StrictJSONError, match="empty"):
        loads("  ")


def test_a_lone_surrogate_escape_is_refused_and_a_whole_pair_is_not():
    assert loads('{"a": "\\ud83d\\ude00"}') == {"a": "\U0001f600"}
    for lone in ('{"a": "\\ud800x"}', '{"\\udfff": 1}', '["\\ude00\\ud83d"]'):
        with pytest.raises(StrictJSONError, match="surrogate"):
            loads(lone)


def test_printable_escapes_control_characters():
    assert printable("a\x1b[31mb\n") == "a\\x1b[31mb\\n"
    assert len(printable("x" * 500, limit=80)) == 80


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_plain_documents_read_as_the_standard_parser_reads_them(value):
    text = json.dumps(value)
    assert loads(text) == json.loads(text)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_either_parse_or_raise_the_one_error(data):
    with contextlib.suppress(StrictJSONError):
        loads(data)

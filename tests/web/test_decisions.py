"""The pure parts of the pages: reasons marked in the listing's words, skipped case ids."""

from __future__ import annotations

import pytest

from maskscreen.web.decisions import highlight, parse_ids


def test_highlight_marks_quoted_reason_phrases_case_insensitively():
    pieces = highlight("Silicone mask, PASSES FACE ID", ["evasion claim: 'passes face ID'",
                                                         "'silicone'"])  # fmt: skip
    assert pieces == [("Silicone", True), (" mask, ", False), ("PASSES FACE ID", True)]


def test_highlight_keeps_hostile_text_as_data():
    text = "<script>alert(1)</script> mask"
    assert "".join(p for p, _ in highlight(text, ["'mask'"])) == text
    assert highlight(None, ["'x'"]) == [] and highlight("abc", []) == [("abc", False)]


@pytest.mark.parametrize(
    ("text", "ids"),
    [("3,17,3", [3, 17]), ("", []), ("x<script>1", [1]), (None, []), ("9" * 20, [])],
)
def test_parse_ids_takes_only_numbers(text, ids):
    assert parse_ids(text) == ids

"""Markdown is converted once per distinct text per build: a description shown on many
pages and in both languages costs one conversion, however many texts the build has."""

from __future__ import annotations

import collections

import pytest

from generator.site import markup


@pytest.fixture
def conversions(monkeypatch) -> collections.Counter:
    """How many times each text reached the Markdown converter, from a clean memo."""
    counted: collections.Counter = collections.Counter()
    parser = markup._markdown()
    real = parser.convert

    def counting(text):
        counted[text] += 1
        return real(text)

    monkeypatch.setattr(parser, "convert", counting)
    markup.clear()
    yield counted
    markup.clear()  # no text rendered by the counting converter outlives the test


def test_a_text_rendered_on_many_pages_is_converted_once(conversions):
    text = "Build **1,000** flats, see [the plan](https://example.org/plan)."
    pages = [markup.render_markdown(text) for _ in range(50)]
    assert conversions[text] == 1
    assert set(pages) == {pages[0]} and "<strong>1,000</strong>" in pages[0]


def test_more_texts_than_the_old_bound_are_each_converted_once(conversions):
    """Two languages' texts of 10,000 targets, each rendered on two pages: no text converted
    twice (a bounded memo of 4,096 texts, cycled through, converted every one again)."""
    texts = [f"Target {i}: *progress* note" for i in range(6000)]
    texts += [f"目標 {i}：進度" for i in range(6000)]
    for _ in range(2):  # the target's page, then a list page
        for text in texts:
            markup.render_markdown(text)
    assert len(conversions) == len(texts) and set(conversions.values()) == {1}


def test_clear_starts_the_next_build_afresh(conversions):
    markup.render_markdown("A note.")
    markup.render_markdown("A note.")
    markup.clear()
    assert markup.render_markdown("A note.") == markup.render_markdown("A note.")
    assert conversions["A note."] == 2


def test_the_memo_gives_what_a_conversion_gives(conversions):
    text = "<script>alert(1)</script>\n\n- one\n- two"
    first = markup.render_markdown(text)
    markup.clear()
    assert markup.render_markdown(text) == first
    assert "<script>" not in first and "<li>one</li>" in first
    assert markup.render_markdown("") == "" and markup.render_markdown(None) == ""

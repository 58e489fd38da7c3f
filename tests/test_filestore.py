"""The store of built files (site/filestore) and the stable digests keying them
(register/digest): what a rebuild keeps must be exactly what an earlier build made."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.register.digest import digest
from generator.site.filestore import FileStore


def _store(cache, staging, reuse=True) -> FileStore:
    staging.mkdir(parents=True, exist_ok=True)
    return FileStore(cache, staging, reuse=reuse)


def _make(store: FileStore, path: str, data: bytes, key: str) -> None:
    target = store.staging / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    store.keep(key, path)


def test_a_kept_file_is_linked_into_the_next_build_byte_for_byte(tmp_path):
    first = _store(tmp_path / "cache", tmp_path / "one")
    _make(first, "charts/a.svg", b"<svg>a</svg>", "key-a")
    first.save()
    second = _store(tmp_path / "cache", tmp_path / "two")
    assert second.link("key-a", "charts/a.svg")
    assert (tmp_path / "two" / "charts" / "a.svg").read_bytes() == b"<svg>a</svg>"
    assert second.reused == 1
    assert not second.link("key-b", "charts/b.svg")  # never made: make it


def test_a_file_edited_in_place_is_never_served_again(tmp_path):
    first = _store(tmp_path / "cache", tmp_path / "one")
    _make(first, "page.html", b"<p>as built</p>", "key")
    first.save()
    # Someone edits the built site in place: the store shares that file (a hard link).
    site_file = tmp_path / "one" / "page.html"
    site_file.write_bytes(b"<p>as edited</p>")
    second = _store(tmp_path / "cache", tmp_path / "two")
    assert second.text("key") is None
    assert not second.link("key", "page.html")


def test_a_file_whose_change_time_alone_moved_is_served_after_a_check_of_its_bytes(tmp_path):
    first = _store(tmp_path / "cache", tmp_path / "one")
    _make(first, "page.html", b"<p>as built</p>", "key")
    first.save()
    kept = next(p for p in (tmp_path / "cache" / "files").rglob("*") if len(p.name) == 64)
    os.utime(kept, ns=(1_000_000_000, 1_000_000_000))  # as an archive may restore it
    second = _store(tmp_path / "cache", tmp_path / "two")
    assert second.text("key") == "<p>as built</p>"
    # Same size and a moved time, other bytes: refused.
    kept.write_bytes(b"<p>as BUILT</p>")
    third = _store(tmp_path / "cache", tmp_path / "three")
    assert third.text("key") is None


def test_save_keeps_only_this_builds_files_and_a_forced_build_reuses_none(tmp_path):
    first = _store(tmp_path / "cache", tmp_path / "one")
    _make(first, "a.txt", b"a", "key-a")
    _make(first, "b.txt", b"b", "key-b")
    first.save()
    second = _store(tmp_path / "cache", tmp_path / "two")
    assert second.link("key-a", "a.txt")
    second.save()
    kept = [p for p in (tmp_path / "cache" / "files").rglob("*") if len(p.name) == 64]
    assert [p.read_bytes() for p in kept] == [b"a"]
    forced = _store(tmp_path / "cache", tmp_path / "three", reuse=False)
    assert not forced.link("key-a", "a.txt")


def test_a_damaged_or_missing_manifest_costs_only_speed(tmp_path):
    first = _store(tmp_path / "cache", tmp_path / "one")
    _make(first, "a.txt", b"a", "key-a")
    first.save()
    (tmp_path / "cache" / "files" / "manifest.json").write_text("{not json")
    assert not _store(tmp_path / "cache", tmp_path / "two").link("key-a", "a.txt")
    nowhere = _store(None, tmp_path / "three")
    _make(nowhere, "a.txt", b"a", "key-a")  # no store: nothing kept, nothing fails
    nowhere.save()
    assert not nowhere.link("key-a", "a.txt")


@dataclasses.dataclass(frozen=True)
class Point:
    x: int
    tags: frozenset


def test_digest_is_the_same_in_every_process_whatever_the_hash_seed():
    code = (
        "from tests.test_filestore import Point; from generator.register.digest import digest;"
        "print(digest([Point(1, frozenset({'a', 'b', 'c', 'd'})), {'k': {1, 2, 'x'}}]))"
    )
    seen = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }  # fmt: skip
    assert len(seen) == 1


def test_digest_tells_apart_what_differs_and_refuses_what_it_does_not_know():
    assert digest(Point(1, frozenset())) != digest(Point(2, frozenset()))
    assert digest([1]) != digest((1,)) != digest(["1"])
    assert digest(Decimal("1.0")) != digest(Decimal("1.00"))  # a figure as typed
    assert digest(Fraction(1, 3)) != digest(1 / 3)
    assert digest(True) != digest(1)
    with pytest.raises(TypeError):
        digest(object())


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(values, values)
def test_two_values_have_the_same_digest_exactly_when_they_are_the_same(a, b):
    # For these values sorted JSON is a faithful form: 1, 1.0 and true stay apart.
    same = json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    assert (digest(a) == digest(b)) == same
    assert digest(a) == digest(json.loads(json.dumps(a)))  # rebuilt, in another order


def test_a_file_edited_in_place_then_made_again_is_kept_as_made(tmp_path):
    # The review's case: the edited copy (shared with the store through a link) must not
    # be taken for the content when the same bytes are made again.
    first = _store(tmp_path / "cache", tmp_path / "one")
    _make(first, "a.svg", b"<svg>as made</svg>", "key")
    first.save()
    (tmp_path / "one" / "a.svg").write_bytes(b"<svg>as made</svg>\n")  # edited in place
    second = _store(tmp_path / "cache", tmp_path / "two")
    assert not second.link("key", "a.svg")
    _make(second, "a.svg", b"<svg>as made</svg>", "key")  # made again
    second.save()
    third = _store(tmp_path / "cache", tmp_path / "three")
    assert third.link("key", "a.svg")
    assert (tmp_path / "three" / "a.svg").read_bytes() == b"<svg>as made</svg>"


def test_a_page_is_kept_as_its_text_whatever_line_endings_it_was_written_with(tmp_path):
    first = _store(tmp_path / "cache", tmp_path / "one")
    (tmp_path / "one" / "p.html").write_bytes(b"<p>\r\n</p>\r\n")  # as Windows writes text
    first.keep("key", "p.html", data=b"<p>\n</p>\n")
    first.save()
    assert _store(tmp_path / "cache", tmp_path / "two").text("key") == "<p>\n</p>\n"

"""Safe YAML loading with line numbers (generator/yamldoc.py)."""

from __future__ import annotations

import datetime
import textwrap
import time
import tracemalloc

import pytest
import yaml

from generator.register.errors import Problem
from generator.register.yamldoc import MAX_FILE_BYTES, Document, field_name, load_document

PATH = "targets/X.yaml"
ALIAS_MESSAGE = "YAML aliases (*name) are not allowed in the register: write the value out"


def load(text: str | bytes) -> tuple[Document | None, list[Problem]]:
    raw = text if isinstance(text, bytes) else textwrap.dedent(text).encode("utf-8")
    return load_document(PATH, raw)


def shown(problems: list[Problem]) -> list[str]:
    return [str(p) for p in problems]


# --- field names -------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ((), ""),
        (("title",), "title"),
        (("title", "en"), "title.en"),
        (("progress", 2, "quarter"), "progress[2].quarter"),
        (("progress", 0, "sources", 1), "progress[0].sources[1]"),
        (("delay", "revised_due"), "delay.revised_due"),
    ],
)
def test_field_name_reads_like_staff_write_it(path, name):
    assert field_name(path) == name


# --- plain data and lines ----------------------------------------------------


def test_plain_data_is_returned_with_a_line_for_every_value():
    doc, problems = load(
        """\
        id: PA2023-017
        policy_address: 2023
        title:
          en: Parks
          zh-Hant: 公園
        progress:
          - quarter: 2024-Q1
            value: 12.5
          - quarter: 2024-Q2
            value: 14
        """
    )
    assert problems == []
    assert doc.path == PATH
    assert doc.data == {
        "id": "PA2023-017",
        "policy_address": 2023,
        "title": {"en": "Parks", "zh-Hant": "公園"},
        "progress": [{"quarter": "2024-Q1", "value": 12.5}, {"quarter": "2024-Q2", "value": 14}],
    }
    assert doc.line(("id",)) == 1
    assert doc.line(("policy_address",)) == 2
    # A value's line is its key's line, also for a block below the key.
    assert doc.line(("title",)) == 3
    assert doc.line(("title", "zh-Hant")) == 5
    assert doc.line(("progress",)) == 6
    assert doc.line(("progress", 0)) == 7
    assert doc.line(("progress", 1, "quarter")) == 9
    assert doc.line(("progress", 1, "value")) == 10


def test_line_of_a_missing_field_is_the_line_of_its_nearest_ancestor():
    doc, _ = load(
        """\
        id: X
        delay:
          reason: late
        """
    )
    assert doc.line(("delay", "measures")) == 2
    assert doc.line(("delay", "measures", "deeper", 3)) == 2
    assert doc.line(("nothing",)) == 1


def test_document_problem_is_located_by_line_and_field():
    doc, _ = load(
        """\
        id: X
        progress:
          - quarter: 2024-Q1
            value: 3
        """
    )
    problem = doc.problem(("progress", 0, "value"), "must be a number")
    assert problem == Problem(PATH, 4, "progress[0].value", "must be a number")
    assert str(problem) == "targets/X.yaml:4: progress[0].value: must be a number"


def test_standard_scalar_types_are_read():
    doc, problems = load(
        """\
        a_str: hello
        an_int: 42
        a_float: 1.5
        a_bool: true
        a_null:
        a_date: 2026-01-15
        quoted: "2024"
        """
    )
    assert problems == []
    assert doc.data == {
        "a_str": "hello",
        "an_int": 42,
        "a_float": 1.5,
        "a_bool": True,
        "a_null": None,
        "a_date": datetime.date(2026, 1, 15),
        "quoted": "2024",
    }


def test_utf8_byte_order_mark_is_accepted():
    doc, problems = load("\ufeffid: X\n".encode())
    assert problems == []
    assert doc.data == {"id": "X"}


# --- files that give nothing usable ------------------------------------------


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file_is_a_problem(text):
    doc, problems = load(text)
    assert doc is None
    assert shown(problems) == [
        "targets/X.yaml:1: file is empty: "
        "a target needs at least id, title, policy_address, bureau and due"
    ]


def test_non_utf8_bytes_are_a_problem_not_an_exception():
    doc, problems = load("id: X\ntitle: 公園\n".encode("big5"))
    assert doc is None
    assert len(problems) == 1
    assert problems[0].path == PATH
    assert problems[0].message.startswith("file is not UTF-8 text")


def test_invalid_yaml_syntax_names_the_line():
    doc, problems = load(
        """\
        id: X
        title: Parks
        progress: [2024-Q1
        due: 2025-Q4
        """
    )
    assert doc is None
    assert len(problems) == 1
    assert problems[0].path == PATH
    assert problems[0].line in (3, 4)
    assert problems[0].message.startswith("not valid YAML: ")


def test_bad_indentation_names_the_line():
    doc, problems = load("id: X\ntitle: Parks\n  bureau: B\n")
    assert doc is None
    assert [(p.line, p.message.startswith("not valid YAML")) for p in problems] == [(3, True)]


def test_several_documents_in_one_file_are_refused():
    doc, problems = load("id: X\n---\nid: Y\n")
    assert doc is None
    assert len(problems) == 1
    assert problems[0].message.startswith("not valid YAML")


def test_control_characters_are_a_problem_not_an_exception():
    doc, problems = load(b"id: X\x00\n")
    assert doc is None
    assert len(problems) == 1
    assert problems[0].message.startswith("not valid YAML")


def test_a_file_larger_than_the_limit_is_refused_unread():
    doc, problems = load(b"#" * (MAX_FILE_BYTES + 1))
    assert doc is None
    assert shown(problems) == [
        f"targets/X.yaml: file is larger than {MAX_FILE_BYTES} bytes: one target per file"
    ]


# --- aliases -----------------------------------------------------------------


def test_alias_as_a_mapping_value_is_refused_at_its_key():
    doc, problems = load(
        """\
        title: &t Parks
        area: Leisure
        bureau: *t
        """
    )
    assert shown(problems) == [f"targets/X.yaml:3: bureau: {ALIAS_MESSAGE}"]
    assert doc.data["title"] == "Parks"
    assert doc.data["bureau"] is None


def test_alias_in_a_list_is_refused():
    doc, problems = load(
        """\
        progress:
          - &q1
            quarter: 2024-Q1
            value: 12
          - *q1
        """
    )
    assert [(p.field, p.message) for p in problems] == [("progress[1]", ALIAS_MESSAGE)]
    assert doc.data["progress"] == [{"quarter": "2024-Q1", "value": 12}, None]


def test_alias_in_a_list_is_reported_at_the_line_of_the_alias():
    # Bug: _Converter.fail falls back to node.start_mark, and an alias *is* the anchored
    # node, so the problem points at the anchor (line 2), not at "- *q1" (line 5).
    _, problems = load(
        """\
        progress:
          - &q1
            quarter: 2024-Q1
            value: 12
          - *q1
        """
    )
    assert shown(problems) == [f"targets/X.yaml:5: progress[1]: {ALIAS_MESSAGE}"]


def test_self_referencing_anchor_is_refused_without_looping():
    doc, problems = load("a: &a [1, *a]\n")
    assert [(p.field, p.message) for p in problems] == [("a[1]", ALIAS_MESSAGE)]
    assert doc.data == {"a": [1, None]}


def billion_laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghijklmnop"
    for prev, name in zip(names[:levels], names[1 : levels + 1], strict=True):
        lines.append(f"{name}: &{name} [{','.join(['*' + prev] * 9)}]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_fails_fast_with_the_alias_message():
    text = billion_laughs()  # would expand to 9**9 (387 million) strings
    tracemalloc.start()
    began = time.perf_counter()
    try:
        doc, problems = load(text.encode())
        elapsed = time.perf_counter() - began
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 2.0
    assert peak < 20_000_000
    assert problems
    assert {p.message for p in problems} == {ALIAS_MESSAGE}
    assert "targets/X.yaml:" in str(problems[0])
    assert problems[0].field == "b[0]"
    # Every list but the first holds nothing but refused aliases.
    assert doc.data["i"] == [None] * 9


# --- tags --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("a: !!python/object:os.system {}\n", "tag:yaml.org,2002:python/object:os.system"),
        ("a: !!python/name:os.system ''\n", "tag:yaml.org,2002:python/name:os.system"),
        (
            "a: !!python/object/apply:os.system ['echo hi']\n",
            "tag:yaml.org,2002:python/object/apply:os.system",
        ),
        ("a: !!binary aGVsbG8=\n", "tag:yaml.org,2002:binary"),
        ("a: !!set {x, y}\n", "tag:yaml.org,2002:set"),
        ("a: !custom hello\n", "!custom"),
    ],
)
def test_non_plain_tags_are_refused(text, tag):
    doc, problems = load(text)
    assert shown(problems) == [
        f"targets/X.yaml:1: a: YAML tag {tag!r} is not allowed: "
        "remove the '!' tag and write plain text or numbers"
    ]
    assert doc.data == {"a": None}


def test_python_tag_never_runs_code(tmp_path):
    marker = tmp_path / "ran"
    text = f"a: !!python/object/apply:os.mkdir ['{marker}']\n"
    yaml.unsafe_load(text)  # the same text does run code when loaded unsafely
    assert marker.exists()
    marker.rmdir()
    doc, problems = load(text)
    assert not marker.exists()
    assert doc.data == {"a": None}
    assert problems


# --- duplicate keys, odd keys, odd scalars -----------------------------------


def test_duplicate_key_is_refused_on_its_second_line_and_the_first_value_is_kept():
    doc, problems = load(
        """\
        id: X
        title: Parks
        id: Y
        """
    )
    assert shown(problems) == [
        "targets/X.yaml:3: id: duplicate key: this field is already given on line 1; keep one"
    ]
    assert doc.data["id"] == "X"


def test_duplicate_key_in_a_nested_mapping_names_the_nested_field():
    _, problems = load(
        """\
        progress:
          - quarter: 2024-Q1
            value: 12
            value: 13
        """
    )
    assert shown(problems) == [
        "targets/X.yaml:4: progress[0].value: duplicate key: "
        "this field is already given on line 3; keep one"
    ]


@pytest.mark.parametrize("key", ["1", "true", "~", "2024-01-01", "[a, b]", "{a: b}"])
def test_keys_must_be_plain_words(key):
    doc, problems = load(f"id: X\n{key}: value\n")
    assert problems
    assert problems[-1].path == PATH
    assert problems[-1].message == "every key must be a plain word, such as 'title'"
    assert doc.data == {"id": "X"}


@pytest.mark.parametrize("key", ["1", "true", "~", "[a, b]"])
def test_a_bad_key_is_reported_at_its_own_line(key):
    # Bug: mapping() reports a bad key through fail(key_node, path), and fail() prefers
    # the line already recorded for the *parent* path, so a bad key anywhere in the
    # file is reported at the line where its mapping starts (line 2 here, not 4).
    _, problems = load(f"id: X\ndelay:\n  reason: late\n  {key}: value\n")
    assert [p.line for p in problems] == [4] * len(problems)


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan"])
def test_non_finite_numbers_are_refused(value):
    doc, problems = load(f"id: X\nvalue: {value}\n")
    assert shown(problems) == [
        f"targets/X.yaml:2: value: {value!r} is not a finite number: write a number"
    ]
    assert doc.data["value"] is None


def test_a_number_too_large_for_a_float_is_refused_for_its_exponent():
    # Exponents are refused before the value (infinity) is looked at.
    _, problems = load("id: X\nvalue: 1.0e+999\n")
    assert shown(problems) == [
        "targets/X.yaml:2: value: '1.0e+999' has an exponent, which YAML readers disagree "
        "about: write the number out in digits, or put it in quotes, '1.0e+999', if it is text"
    ]


@pytest.mark.parametrize("value", ["2026-02-30", "2026-13-01"])
def test_impossible_dates_are_a_problem_not_an_exception(value):
    doc, problems = load(f"id: X\nsubmitted: {value}\n")
    assert len(problems) == 1
    assert (problems[0].line, problems[0].field) == (2, "submitted")
    assert problems[0].message.startswith("cannot read this value (")
    assert doc.data["submitted"] is None


@pytest.mark.parametrize("depth", [200, 500, 999])
def test_deeply_nested_data_is_a_problem_not_an_exception(depth):
    # Bug: _Converter.convert recurses once per level (several Python frames each), so
    # nesting that libyaml still accepts (<= 1000 levels) overflows the Python stack and
    # load_document raises RecursionError instead of returning a problem.
    for raw in (b"[" * depth + b"]" * depth, b"{a: " * depth + b"1" + b"}" * depth):
        doc, problems = load(raw)
        assert doc is not None or problems

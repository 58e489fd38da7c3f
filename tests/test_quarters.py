"""Calendar quarters: parsing, ordering, arithmetic and wording (generator/quarters.py)."""

from __future__ import annotations

import pytest

from generator.register.quarters import Quarter, describe_span, quarter_range


def Q(text: str) -> Quarter:
    return Quarter.parse(text)


@pytest.mark.parametrize(
    ("text", "year", "q"),
    [("2025-Q3", 2025, 3), ("2024-Q1", 2024, 1), ("1999-Q4", 1999, 4), ("1940-Q1", 1940, 1)],
)
def test_parse_reads_year_and_quarter(text, year, q):
    quarter = Quarter.parse(text)
    assert (quarter.year, quarter.q) == (year, q)


@pytest.mark.parametrize("text", ["2025-Q3", "2024-Q1", "1999-Q4"])
def test_str_writes_the_quarter_back_as_parsed(text):
    assert str(Quarter.parse(text)) == text


@pytest.mark.parametrize(
    "text",
    [
        "2024-1",
        "24-Q1",
        "20245-Q1",
        "Q1-2024",
        "",
    ],
)
def test_parse_rejects_text_that_is_not_yyyy_qn(text):
    with pytest.raises(ValueError) as exc:
        Quarter.parse(text)
    assert str(exc.value) == f"{text!r} is not a quarter (use YYYY-Qn)"


@pytest.mark.parametrize("text", ["2024-q1", "2024Q1", " 2024-Q1", "2024-Q1 ", "2024-Q1-"])
def test_parse_rejects_a_near_miss_naming_the_quarter_meant(text):
    with pytest.raises(ValueError) as exc:
        Quarter.parse(text)
    assert str(exc.value) == f"{text!r} is not a quarter (use YYYY-Qn): write 2024-Q1"


@pytest.mark.parametrize("value", [None, 2024, 2024.3, ["2024-Q1"], b"2024-Q1"])
def test_parse_rejects_values_that_are_not_text(value):
    with pytest.raises(ValueError, match="is not a quarter"):
        Quarter.parse(value)


@pytest.mark.parametrize(
    "text",
    [
        "2024-Q1\n",  # `$` in QUARTER_RE also matches before a final newline
        "\uff12\uff10\uff12\uff14-Q1",  # full-width digits: `\d` matches any Unicode digit
        "\u0662\u0660\u0662\u0664-Q1",  # Arabic-Indic digits
    ],
)
def test_parse_accepts_only_ascii_yyyy_qn_and_nothing_after_it(text):
    # REGISTER.md: "A quarter is written YYYY-Qn". A block scalar (`due: |`) or a
    # quoted "2024-Q1\n" must not slip through, nor must non-ASCII digits.
    with pytest.raises(ValueError):
        Quarter.parse(text)


def test_quarters_order_by_year_then_quarter():
    quarters = [Q("2025-Q1"), Q("2024-Q4"), Q("2024-Q1"), Q("2023-Q4"), Q("2024-Q2")]
    assert sorted(quarters) == [
        Q("2023-Q4"),
        Q("2024-Q1"),
        Q("2024-Q2"),
        Q("2024-Q4"),
        Q("2025-Q1"),
    ]
    assert Q("2024-Q4") < Q("2025-Q1")
    assert Q("2025-Q1") > Q("2024-Q4")
    assert Q("2024-Q3") <= Q("2024-Q3")
    assert max(quarters) == Q("2025-Q1")


def test_equal_quarters_are_equal_and_hash_alike():
    assert Q("2024-Q3") == Quarter(2024, 3)
    assert Q("2024-Q3") != Q("2024-Q4")
    assert len({Q("2024-Q3"), Quarter(2024, 3), Q("2024-Q4")}) == 2
    assert {Q("2024-Q3"): "x"}[Quarter(2024, 3)] == "x"


@pytest.mark.parametrize(
    ("later", "earlier", "count"),
    [
        ("2024-Q1", "2024-Q1", 0),
        ("2024-Q2", "2024-Q1", 1),
        ("2025-Q1", "2024-Q4", 1),
        ("2026-Q1", "2024-Q1", 8),
        ("2025-Q3", "2023-Q4", 7),
        ("2023-Q4", "2025-Q3", -7),
    ],
)
def test_subtraction_counts_quarters_across_years(later, earlier, count):
    assert Q(later) - Q(earlier) == count


@pytest.mark.parametrize(
    ("start", "by", "result"),
    [
        ("2024-Q4", 1, "2025-Q1"),
        ("2024-Q1", -1, "2023-Q4"),
        ("2024-Q2", 0, "2024-Q2"),
        ("2024-Q3", 4, "2025-Q3"),
        ("2024-Q3", -4, "2023-Q3"),
        ("2024-Q3", 10, "2027-Q1"),
        ("2024-Q3", -11, "2021-Q4"),
    ],
)
def test_shift_moves_by_whole_quarters(start, by, result):
    assert Q(start).shift(by) == Q(result)
    assert Q(start).shift(by) - Q(start) == by


def test_index_and_from_index_round_trip():
    for text in ("2023-Q4", "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1"):
        quarter = Q(text)
        assert Quarter.from_index(quarter.index) == quarter
    assert Q("2024-Q1").index + 1 == Q("2024-Q2").index
    assert Q("2024-Q4").index + 1 == Q("2025-Q1").index


def test_quarter_range_includes_both_ends_and_crosses_years():
    assert quarter_range(Q("2024-Q3"), Q("2025-Q2")) == [
        Q("2024-Q3"),
        Q("2024-Q4"),
        Q("2025-Q1"),
        Q("2025-Q2"),
    ]


def test_quarter_range_of_one_quarter():
    assert quarter_range(Q("2024-Q3"), Q("2024-Q3")) == [Q("2024-Q3")]


def test_quarter_range_is_empty_when_last_is_before_first():
    assert quarter_range(Q("2025-Q1"), Q("2024-Q4")) == []


def test_quarter_range_length_matches_subtraction():
    first, last = Q("2019-Q2"), Q("2026-Q1")
    assert len(quarter_range(first, last)) == last - first + 1


@pytest.mark.parametrize(
    ("quarters", "words"),
    [
        (0, "0 quarters"),
        (1, "1 quarter"),
        (2, "2 quarters"),
        (3, "3 quarters"),
        (4, "4 quarters (1 year)"),
        (5, "5 quarters (1 year 1 quarter)"),
        (6, "6 quarters (1 year 2 quarters)"),
        (8, "8 quarters (2 years)"),
        (9, "9 quarters (2 years 1 quarter)"),
        (11, "11 quarters (2 years 3 quarters)"),
        (40, "40 quarters (10 years)"),
    ],
)
def test_describe_span_in_words(quarters, words):
    assert describe_span(quarters) == words


@pytest.mark.parametrize("text", ["2027-q4", "2027 Q4", "2027Q4", "2027_Q4", "2027-Q 4"])
def test_a_near_miss_is_told_the_quarter_it_stands_for(text):
    with pytest.raises(ValueError) as error:
        Quarter.parse(text)
    assert str(error.value) == f"{text!r} is not a quarter (use YYYY-Qn): write 2027-Q4"


@pytest.mark.parametrize("text", ["Q4 2027", "soon"])
def test_no_hint_where_no_quarter_is_near(text):
    with pytest.raises(ValueError) as error:
        Quarter.parse(text)
    assert str(error.value) == f"{text!r} is not a quarter (use YYYY-Qn)"


@pytest.mark.parametrize("text", ["2024-Q5", "2024-Q0", "2024-Q12", "2025 q5"])
def test_a_quarter_number_outside_1_to_4_is_told_so(text):
    with pytest.raises(ValueError) as exc:
        Quarter.parse(text)
    assert str(exc.value) == (
        f"{text!r} is not a quarter (use YYYY-Qn): a year has quarters Q1 to Q4 only"
    )

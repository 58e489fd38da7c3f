"""A target's unit in each language (``indicator.unit`` as a language map): read, shown
in the page's language or marked as another's, published, and compared as a promise in
the default language only."""

from __future__ import annotations

import json
import re

import pytest

from generator.assess.gitlog import PublishedCommit, PublishedHistory, VersionChange
from generator.assess.record import build_record
from generator.register import i18n
from generator.register.loader import SourceFile, read_source
from generator.staff.changeset import promise_changes
from tests.gitenv import commit, git, isolate

HEAD = """\
id: PA-1
title: Cut the waste sent to landfill
policy_address: 2023
bureau: Environment and Ecology Bureau
due: 2025-Q4
"""


def read(unit: str, target: float = 100, extra: str = ""):
    """The target (and problems as staff read them) of a file whose unit is ``unit`` (YAML)."""
    text = HEAD + f"indicator:\n  unit: {unit}\n  baseline: 0\n  target: {target}\n" + extra
    found, problems, _ = read_source(SourceFile("PA-1.yaml", "PA-1", text.encode()), "en", None)
    return found, [str(p) for p in problems]


def test_a_unit_is_one_line_or_a_map_of_language_to_line_with_the_default_first():
    plain, problems = read("tonnes per day")
    assert problems == [] and plain.indicator.unit == {"en": "tonnes per day"}
    both, problems = read("{zh-Hant: 公噸／日, en: tonnes per day}")
    assert problems == []
    # The default language comes first whatever the file's order: it is what is promised.
    assert list(both.indicator.unit.items()) == [("en", "tonnes per day"), ("zh-Hant", "公噸／日")]


def test_a_unit_map_without_the_default_language_or_with_a_bad_line_is_refused():
    _, problems = read("{zh-Hant: 公噸／日}")
    assert any("indicator.unit" in p and "'en' must be given" in p for p in problems), problems
    _, problems = read('{en: "tonnes\\nper day"}')
    assert any("indicator.unit.en" in p and "single line" in p for p in problems), problems
    _, problems = read("{english: tonnes}")
    assert any("not a language code" in p for p in problems), problems


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ('{en: sites, zh-Hant: ""}', "7: indicator.unit.zh-Hant: must be text, not the text ''"),
        ("[sites, 幅]", "7: indicator.unit: must be text, not a list"),
        ("{en: sites, zh-Hant: [幅]}", "7: indicator.unit.zh-Hant: must be text, not a list"),
        ("{en: sites, zh-Hant: {a: b}}", "7: indicator.unit.zh-Hant: must be text"),
    ],
)
def test_a_broken_unit_translation_is_refused_with_its_line(unit, expected):
    target, problems = read(unit)
    assert target is None or target.indicator is None
    assert any(expected in p for p in problems), problems


def test_figures_take_the_unit_of_the_language_in_force():
    from generator.assess import wording

    target, _ = read("{en: tonnes per day, zh-Hant: 公噸／日}", target=8500)
    english_only, _ = read("beds", target=8500)
    assert wording.fmt_measure(target, 8500) == "8,500 tonnes per day"
    with i18n.use("zh-Hant"):
        assert wording.fmt_measure(target, 8500) == "8,500 公噸／日"
        assert wording.unit_language(target.indicator) == "zh-Hant"
        # No Chinese unit: the English one, and which language it is in, for pages to mark.
        assert wording.fmt_measure(english_only, 8500) == "8,500 beds"
        assert wording.unit_language(english_only.indicator) == "en"


# --- the promise: a translation added is no amendment -------------------------------------


def _history(*versions) -> PublishedHistory:
    """Each version published in its own commit, the first added, the rest changing it."""
    commits = [PublishedCommit(f"{1:040x}", "2026-01-01", (VersionChange(None, versions[0]),))]
    for n, (old, new) in enumerate(zip(versions, versions[1:], strict=False), start=2):
        commits.append(PublishedCommit(f"{n:040x}", f"2026-01-{n:02d}", (VersionChange(old, new),)))
    return PublishedHistory(commits=tuple(commits))


def test_adding_or_mending_a_translation_of_the_unit_is_not_an_amendment():
    first, _ = read("tonnes per day")
    translated, _ = read("{en: tonnes per day, zh-Hant: 噸}")
    mended, _ = read("{en: tonnes per day, zh-Hant: 公噸／日}")
    known = build_record(_history(first, translated, mended)).of("PA-1")
    assert known.amendments == [] and not known.amended
    # The status is judged on the promise with the translations as they stand now.
    assert known.as_promised(mended).indicator.unit["zh-Hant"] == "公噸／日"
    # Staff's pull-request check agrees.
    assert promise_changes(first, mended) == []


def test_changing_the_unit_in_the_default_language_is_an_amendment():
    first, _ = read("{en: tonnes per day, zh-Hant: 公噸／日}")
    changed, _ = read("{en: tonnes per week, zh-Hant: 公噸／日}")
    known = build_record(_history(first, changed)).of("PA-1")
    assert [a.field for a in known.amendments] == ["indicator.unit"]
    assert known.amended_without_reason
    assert [c.field for c in promise_changes(first, changed)] == ["indicator.unit"]


def test_a_translation_committed_to_git_is_no_amendment_on_the_published_record(
    tmp_path, monkeypatch
):
    """End to end through git: the record the build reads from the register's history."""
    from generator.assess.gitlog import read_history

    isolate(monkeypatch)
    repo = tmp_path / "repo"
    folder = repo / "targets"
    folder.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    path = folder / "PA-1.yaml"
    body = "indicator:\n  unit: {unit}\n  baseline: 0\n  target: 100\n"
    path.write_text(HEAD + body.format(unit="tonnes per day"))
    commit(repo, "add", "2026-01-01")
    path.write_text(HEAD + body.format(unit="{en: tonnes per day, zh-Hant: 公噸／日}"))
    commit(repo, "translate the unit", "2026-01-02")
    path.write_text(HEAD + body.format(unit="{en: tonnes a day, zh-Hant: 公噸／日}"))
    commit(repo, "change the unit", "2026-01-03")
    record = build_record(read_history(folder, "en"))
    changes = record.of("PA-1").amendments
    assert [(c.field, c.date) for c in changes] == [("indicator.unit", "2026-01-03")]
    assert changes[0].old["en"] == "tonnes per day" and changes[0].new["en"] == "tonnes a day"


# --- the built site -----------------------------------------------------------------------


def _page(site, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def test_a_chinese_page_shows_the_chinese_unit(sample_site):
    page = _page(sample_site, "zh-hant/targets/PA2022-003.html")
    assert "公噸／日" in page and "tonnes per day" not in page
    english = _page(sample_site, "targets/PA2022-003.html")
    assert "tonnes per day" in english and "公噸／日" not in english


def test_a_unit_missing_in_chinese_is_shown_in_english_marked_never_bare(sample_site):
    page = _page(sample_site, "zh-hant/targets/PA2022-015.html")  # unit: workers (English)
    # Named once beside the promise, with its language and the note other such text has.
    note = '<small class="lang-note">單位： <span lang="en">workers</span> （只有英文）</small>'
    assert note in page
    # Each figure in the progress table carries the unit's language on the unit alone (the
    # number and "約" are the page's).
    cells = re.findall(r'<td data-label="[^"]*">[^<]*\d <span lang="en">workers</span></td>', page)
    assert cells, "progress figures are not marked as English"
    # The English page needs no marking.
    assert '<span lang="en">workers</span>' not in _page(sample_site, "targets/PA2022-015.html")


def test_published_data_keeps_unit_as_the_default_text_and_adds_units(sample_site):
    data = json.loads(_page(sample_site, "data/targets.json"))
    by_id = {t["id"]: t for t in data["targets"]}
    assert by_id["PA2022-003"]["unit"] == "tonnes per day"
    assert by_id["PA2022-003"]["units"] == {"en": "tonnes per day", "zh-Hant": "公噸／日"}
    assert by_id["PA2022-015"]["units"] == {"en": "workers"}
    one = json.loads(_page(sample_site, "data/targets/PA2022-003.json"))
    assert (one["unit"], one["units"]["zh-Hant"]) == ("tonnes per day", "公噸／日")
    csv = _page(sample_site, "data/targets.csv")
    assert "tonnes per day" in csv and "公噸" not in csv.split("\n")[0]


def test_the_schema_lets_editors_give_a_unit_in_each_language():
    import jsonschema

    from generator import CODE

    schema = json.loads((CODE.parent / "docs" / "target.schema.json").read_text())
    unit = {"unit": {"en": "tonnes per day", "zh-Hant": "公噸／日"}, "baseline": 0, "target": 9}
    document = {
        "id": "PA-1", "title": "A", "policy_address": 2023, "bureau": "B", "due": "2025-Q4",
        "indicator": unit,
    }  # fmt: skip
    jsonschema.validate(document, schema)
    document["indicator"]["unit"] = {"zh-Hant": "公噸／日"}
    try:
        jsonschema.validate(document, schema)
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("a unit map without the default language passed the schema")

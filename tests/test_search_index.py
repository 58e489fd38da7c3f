"""What the search index holds for a target page: its title, its status in words and its
description, never the field labels of the page (in Chinese they ran into their values, so
results showed scraps such as "負責政策局環境局"; issue 14), nor its figures, which change
every quarter and would re-run the index for nothing (issue 16)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from generator.register import i18n

ROOTS = {"en": "", "zh-Hant": "zh-hant/"}
# The labels of the target page's facts, sections and links: none is search text (those
# that are also everyday words, such as Progress, 進度, are left out).
LABELS = (
    "Responsible bureau", "Work starts", "Legislature panel", "Partners", "Policy area",
    "The promise", "Status history", "Changes to the promise since it was published",
    "Read the delay justification", "Revised due",
)  # fmt: skip


def fragments(site: Path, root: str) -> dict[str, dict]:
    """The indexed pages of one language's Pagefind index, by page address."""
    found = {}
    for path in (site / root / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        fragment = json.loads(data[data.index(b"{") :])  # after Pagefind's magic bytes
        found[fragment["url"].rsplit("/", 1)[-1].removesuffix(".html")] = fragment
    return found


def text(fragment: dict) -> str:
    """The indexed text as a reader sees it (Pagefind marks Chinese word breaks)."""
    return fragment["content"].replace("\u200b", "")


@pytest.mark.parametrize("lang", ROOTS)
def test_a_target_is_indexed_by_title_status_and_description(sample_site, lang):
    indexed = fragments(sample_site, ROOTS[lang])
    page = (sample_site / ROOTS[lang] / "targets" / "PA2022-003.html").read_text("utf-8")
    found = text(indexed["PA2022-003"])
    title = {"en": "Cut municipal solid waste", "zh-Hant": "把每日運往堆填區的都市固體廢物"}
    # The eyebrow line first (its id: a search for the id finds the target), then the title.
    eyebrow = {"en": "Target PA2022-003 · Policy Address 2022. ", "zh-Hant": "目標PA2022-003"}
    assert found.startswith(eyebrow[lang]), found[:80]
    assert title[lang] in found[:120], found[:120]
    assert indexed["PA2022-003"]["meta"]["title"].startswith(title[lang])
    # The description (the promise in the register's words), not the key figures line.
    assert {"en": "landfill", "zh-Hant": "廚餘回收"}[lang] in found
    assert {"en": "8,500 tonnes per day", "zh-Hant": "8,500 公噸／日"}[lang] in page
    assert {"en": "8,500 tonnes per day", "zh-Hant": "8,500 公噸／日"}[lang] not in found
    assert "image_alt" not in indexed["PA2022-003"]["meta"]  # the chart's text: figures
    assert len(found) < len(page) / 10  # the clean text, not the whole page


@pytest.mark.parametrize("lang", ROOTS)
def test_no_field_label_or_language_note_is_search_text(sample_site, lang):
    with i18n.use(lang):
        labels = [i18n.gettext(label) for label in LABELS]
        # The note beside text given in another language only: "（只有英文）".
        notes = [
            i18n.gettext("(%(language)s only)") % {"language": i18n.language_name(other, lang)}
            for other in ROOTS
            if other != lang
        ]
    for target_id, fragment in fragments(sample_site, ROOTS[lang]).items():
        found = text(fragment)
        assert not [label for label in labels if label in found], (target_id, found[:200])
        assert not [note for note in notes if note in found], (target_id, found[:200])


def test_every_target_page_is_indexed_in_each_language_with_its_filters(sample_site):
    data = json.loads((sample_site / "data" / "targets.json").read_text("utf-8"))
    ids = {t["id"] for t in data["targets"]}
    for root in ROOTS.values():
        indexed = fragments(sample_site, root)
        assert ids <= set(indexed)
        meta = indexed["PA2022-003"]["meta"]
        # The search page filters on these codes, the same in every language (search.js).
        assert (meta["status"], meta["year"]) == ("missed", "2022")

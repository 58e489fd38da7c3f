"""The search index is rebuilt only when what Pagefind reads changed (issue 16): a second
run over the same pages, or over pages whose only change is a figure outside the indexed
text, puts the cached index back byte for byte without running Pagefind; a change to
indexed text runs it; a damaged or half-written cache entry is never used."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.site import search, searchkey

ROOTS = ["", "zh-hant/"]
TARGET = "PA2022-003"  # missed, with money: its key figures and money line show figures


def copy_pages(site: Path, to: Path) -> Path:
    """The part of a built site Pagefind reads: each language's target pages."""
    for root in ROOTS:
        shutil.copytree(site / root / "targets", to / root / "targets")
    return to


def change_figure(site: Path) -> None:
    """As a build with the latest reported figure of TARGET changed (9,300 to 9,250
    tonnes) writes its pages: the figure changes wherever the page shows it (key figures,
    chart text, table)."""
    for root in ROOTS:
        page = site / root / "targets" / f"{TARGET}.html"
        html = page.read_text(encoding="utf-8")
        key_figures = re.search(r'<p class="key-figures">.*?</p>', html).group(0)
        assert "9,300" in key_figures and html.count("9,300") >= 3
        page.write_text(html.replace("9,300", "9,250"), encoding="utf-8")


@pytest.fixture
def pagefind_runs(monkeypatch) -> list:
    """Every Pagefind run of the search module (still run for real)."""
    runs, real = [], subprocess.run

    def counted(command, **options):
        runs.append(command)
        return real(command, **options)

    monkeypatch.setattr(search.subprocess, "run", counted)
    return runs


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def indexes(site: Path) -> dict[str, dict[str, bytes]]:
    return {root: files(site / root / "pagefind") for root in ROOTS}


def fragment_text(site: Path, root: str, target: str) -> str:
    for path in (site / root / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        fragment = json.loads(data[data.index(b"{") :])  # after Pagefind's magic bytes
        if fragment["url"].endswith(f"/{target}.html"):
            return fragment["content"].replace("\u200b", "")
    raise AssertionError(f"{target} not in the {root or 'default'} index")


def edit_page(site: Path, root: str, old: str, new: str) -> None:
    page = site / root / "targets" / f"{TARGET}.html"
    html = page.read_text(encoding="utf-8")
    assert old in html
    page.write_text(html.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def warm(sample_site, tmp_path_factory):
    """The sample's pages indexed once into a cache, and that index as Pagefind made it."""
    cache = tmp_path_factory.mktemp("search-cache")
    site = copy_pages(sample_site, tmp_path_factory.mktemp("first"))
    search.build_search_index(site, ROOTS, cache)
    return site, cache


@pytest.fixture
def cache(warm, tmp_path) -> Path:
    """A copy of the warm cache, for a test to use (or damage) alone."""
    shutil.copytree(warm[1], tmp_path / "cache")
    return tmp_path / "cache"


def test_the_same_pages_again_reuse_the_index_byte_for_byte(warm, cache, tmp_path, pagefind_runs):
    site = copy_pages(warm[0], tmp_path / "again")
    search.build_search_index(site, ROOTS, cache)
    assert pagefind_runs == []
    assert indexes(site) == indexes(warm[0])
    # and that index is the one Pagefind makes without a cache
    fresh = copy_pages(warm[0], tmp_path / "fresh")
    search.build_search_index(fresh, ROOTS)
    assert len(pagefind_runs) == 2
    assert indexes(fresh) == indexes(site)


def test_a_changed_figure_alone_does_not_rerun_pagefind(warm, cache, tmp_path, pagefind_runs):
    site = copy_pages(warm[0], tmp_path / "site")
    change_figure(site)
    search.build_search_index(site, ROOTS, cache)
    assert pagefind_runs == []
    # and what Pagefind makes of the changed pages is that index, byte for byte
    fresh = copy_pages(site, tmp_path / "fresh")
    search.build_search_index(fresh, ROOTS)
    assert indexes(fresh) == indexes(site)


@pytest.mark.parametrize(
    "root, old, new, word",
    [
        ("", "Cut municipal solid waste", "Cut municipal quixotic waste", "quixotic"),
        ("zh-hant/", "廚餘回收", "廚餘堆肥", "堆肥"),  # in the description
    ],
)
def test_changed_indexed_text_reruns_pagefind_for_that_language(
    warm, cache, tmp_path, pagefind_runs, root, old, new, word
):
    site = copy_pages(warm[0], tmp_path / "site")
    edit_page(site, root, old, new)
    search.build_search_index(site, ROOTS, cache)
    assert len(pagefind_runs) == 1 and f"{root}targets/*.html" in pagefind_runs[0]
    assert word in fragment_text(site, root, TARGET)
    other = next(r for r in ROOTS if r != root)
    assert files(site / other / "pagefind") == indexes(warm[0])[other]


@pytest.mark.parametrize("damage", ["truncate", "delete", "no-manifest", "edited-in-a-site"])
def test_a_damaged_or_partial_cache_entry_is_never_used(
    warm, cache, tmp_path, pagefind_runs, damage
):
    entry = next(p for p in (cache / "_default").iterdir() if p.is_dir() and len(p.name) == 64)
    victim = sorted((entry / "index" / "fragment").iterdir())[0]
    if damage == "truncate":
        victim.write_bytes(victim.read_bytes()[:-5])
    elif damage == "delete":
        victim.unlink()
    elif damage == "no-manifest":
        (entry / search.MANIFEST).unlink()  # as if the build stopped while storing it
    else:  # a site the index was put back into (linked to the cache) edited in place
        served = copy_pages(warm[0], tmp_path / "served")
        search.build_search_index(served, [""], cache)
        fragment = sorted((served / "pagefind" / "fragment").iterdir())[0]
        with fragment.open("ab") as out:
            out.write(b"edited")
        pagefind_runs.clear()
    site = copy_pages(warm[0], tmp_path / "site")
    search.build_search_index(site, ROOTS, cache)
    assert len(pagefind_runs) == 1  # the default language again, the other one reused
    assert indexes(site) == indexes(warm[0])
    pagefind_runs.clear()
    again = copy_pages(warm[0], tmp_path / "again")
    search.build_search_index(again, ROOTS, cache)  # the entry stored anew is whole
    assert pagefind_runs == [] and indexes(again) == indexes(warm[0])


def test_old_entries_are_pruned(warm, cache, tmp_path, pagefind_runs):
    for n in range(search.KEEP + 1):
        site = copy_pages(warm[0], tmp_path / f"site{n}")
        edit_page(site, "", "Cut municipal solid waste", f"Cut municipal solid waste v{n}")
        search.build_search_index(site, [""], cache)
    entries = [p for p in (cache / "_default").iterdir() if p.is_dir()]
    assert len(entries) == search.KEEP


PAGE = """<!DOCTYPE html><html lang="en"><head><title>T</title></head><body><main>
<div><h1 data-pagefind-body>Title</h1>direct text<table data-pagefind-ignore><tr><td>42</td>
</tr></table><span hidden data-pagefind-meta="status">missed</span></div>
<figure data-pagefind-ignore="all"><img src="a.svg" alt="chart 42"></figure>
<p data-pagefind-body>Body</p><footer><img src="b.svg" alt="logo"></footer></main></body></html>"""


@pytest.mark.parametrize(
    "old, new",
    [
        ("direct text", "other text"),  # text Pagefind adds after a body (in its ancestor)
        (">missed<", ">at_risk<"),  # a meta value, even outside the bodies
        ('alt="logo"', 'alt="mark"'),  # the first image after the title: the image meta
        ("<p data-pagefind-body>Body", "<p data-pagefind-body>Bodies"),
        ('lang="en"', 'lang="fr"'),
    ],
)
def test_what_pagefind_reads_changes_the_key(old, new):
    assert searchkey.page_digest(PAGE.encode()) != searchkey.page_digest(
        PAGE.replace(old, new).encode()
    )


@pytest.mark.parametrize("old, new", [("<td>42", "<td>43"), ('alt="chart 42"', 'alt="c 43"')])
def test_what_pagefind_does_not_read_leaves_the_key(old, new):
    kind, digest = searchkey.page_digest(PAGE.encode())
    assert kind == "body"
    assert searchkey.page_digest(PAGE.replace(old, new).encode()) == (kind, digest)


def test_a_page_left_unclosed_counts_whole():
    page = PAGE.replace("<td>42</td>", "<td>42")
    assert searchkey.page_reads(page.encode()) == ("unsure", b"whole\0" + page.encode())


SEGMENT = re.compile(rb'>([^<]*)<|="([^"]*)"')


def test_no_change_that_leaves_the_key_changes_what_pagefind_indexes(warm, tmp_path):
    """Each text and attribute value of a real target page changed in turn: every changed
    page whose key stayed the same is indexed by Pagefind exactly as the page was."""
    kept = 0
    for root in ROOTS:
        page = (warm[0] / root / "targets" / f"{TARGET}.html").read_bytes()
        site = tmp_path / (root or "en")
        site.mkdir()
        (site / "page.html").write_bytes(page)
        for n, match in enumerate(SEGMENT.finditer(page)):
            start, end = match.span(1 if match.group(1) is not None else 2)
            changed = page[:start] + page[start:end] + b" zqx " + page[end:]
            if searchkey.page_digest(changed) == searchkey.page_digest(page):
                (site / f"changed-{n}.html").write_bytes(changed)
                kept += 1
        search._index(site, ["--quiet"], site / "pagefind")  # every page of the folder
        found = {}
        for path in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
            data = gzip.decompress(path.read_bytes())
            fragment = json.loads(data[data.index(b"{") :])
            found[fragment.pop("url").rsplit("/", 1)[-1]] = fragment
        assert len(found) == len(list(site.glob("*.html")))
        assert all(fragment == found["page.html"] for fragment in found.values())
    assert kept > 200  # most of the page is not read: the figures, the table, the facts

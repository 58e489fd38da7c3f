"""The whole built sample site against a committed manifest of its files' hashes.

As Pelican's functional tests do: a refactor proves it changed nothing a reader or a
machine can see, byte for byte, and a change that does alter the site shows which files
it altered. After an intended change, refresh the manifest on purpose with
``invoke golden`` (``UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py``) and commit
it with the change.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from tests.conftest import ROOT

MANIFEST = ROOT / "tests" / "expected" / "sample-site.sha256"


def manifest(site: Path) -> str:
    """``<sha256>  <path>`` for every file of ``site``, sorted by path."""
    lines = [
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.relative_to(site).as_posix()}"
        for path in sorted(site.rglob("*"), key=lambda p: p.as_posix())
        if path.is_file()
    ]
    return "\n".join(lines) + "\n"


def _files(text: str) -> dict[str, str]:
    return {path: digest for digest, path in (line.split("  ", 1) for line in text.splitlines())}


def test_the_sample_site_is_byte_for_byte_the_committed_one(sample_site):
    built = manifest(sample_site)
    if os.environ.get("UPDATE_GOLDEN"):
        MANIFEST.write_text(built, encoding="utf-8")
    expected, now = _files(MANIFEST.read_text(encoding="utf-8")), _files(built)
    changed = sorted(p for p in expected.keys() & now.keys() if expected[p] != now[p])
    added, gone = sorted(now.keys() - expected.keys()), sorted(expected.keys() - now.keys())
    assert not (changed or added or gone), (
        f"the built sample differs from {MANIFEST.name}: {len(changed)} changed, "
        f"{len(added)} added, {len(gone)} gone; first of each: {changed[:5]} {added[:5]} "
        f"{gone[:5]}. If the change is intended, run 'invoke golden' and commit the manifest."
    )


def test_the_manifest_lists_the_pages_and_data_of_both_languages():
    # A guard on the check above: the manifest is the whole site, not an empty file.
    files = _files(MANIFEST.read_text(encoding="utf-8"))
    assert len(files) > 500
    for path in ("index.html", "zh-hant/index.html", "data/targets.json", "feeds/status.xml"):
        assert path in files, path

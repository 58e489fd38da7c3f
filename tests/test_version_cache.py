"""The version cache: reading the published record parses each file version once across
builds, gives exactly what a read without it gives, and never trusts a file it cannot check.

Made in temporary git repositories (never this project's own history)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.assess import gitlog, versioncache
from generator.assess.corrections import corrections_from
from generator.assess.gitlog import read_history
from generator.assess.record import build_record
from generator.assess.versioncache import VersionCache
from generator.project import loader as project_loader
from generator.register.loader import load_register
from generator.register.model import ProgressEntry, Target
from generator.register.quarters import Quarter
from tests.conftest import FIXTURE_REGISTER, SAMPLE_REGISTER, build_site
from tests.gitenv import GIT_ENV

AMENDED_DUE = (
    "due: 2027-Q4\namendments:\n  - date: 2025-09-01\n    fields: [due]\n"
    "    reason: The site was handed over late.\n"
)


@pytest.fixture(autouse=True)
def no_outside_git(monkeypatch, tmp_path):
    """Never the caller's repository or configuration."""
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def git(repo: Path, *args: str, day: str | None = None) -> str:
    env = dict(GIT_ENV)
    if day:
        stamp = f"{day}T12:00:00+00:00"
        env |= {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    done = subprocess.run(
        ["git", "-C", str(repo), *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def commit(repo: Path, message: str, day: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, day=day)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def make_history(repo: Path) -> Path:
    """The fixture register, then an amended due quarter, a corrected figure, a version
    that does not validate, a move, a removal and a fix: something of every kind."""
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    register = repo / "targets"
    shutil.copytree(FIXTURE_REGISTER, register)
    commit(repo, "publish", "2025-07-15")
    edit(register / "2024" / "FX-ON.yaml", "due: 2026-Q4\n", AMENDED_DUE)
    edit(register / "2023" / "FX-ACH.yaml", "value: 2,", "value: 2.5,")
    edit(register / "2024" / "FX-RISK.yaml", "policy_address: 2024", "policy_address: soon")
    (register / "2023" / "FX-LATE.yaml").rename(register / "2024" / "FX-LATE.yaml")
    (register / "2023" / "FX-MISS.yaml").unlink()
    commit(repo, "amend, correct, move, remove; one file broken", "2025-10-15")
    edit(register / "2024" / "FX-RISK.yaml", "policy_address: soon", "policy_address: 2024")
    commit(repo, "fix the broken file", "2025-10-16")
    return repo


@pytest.fixture(scope="module")
def history_repo(tmp_path_factory) -> Path:
    """A repository made once for the module; tests that commit more copy it first."""
    return make_history(tmp_path_factory.mktemp("versions") / "repo")


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The file versions the record reader parses, by their shown name, as they happen."""
    seen: list[str] = []
    real = gitlog.read_source

    def counting(source, default_lang, reporting_quarter):
        seen.append(source.shown)
        return real(source, default_lang, reporting_quarter)

    monkeypatch.setattr(gitlog, "read_source", counting)
    return seen


def same(one, other) -> None:
    """Equal, and written alike (repr tells 3 from 3.0 and True from 1)."""
    assert one == other
    assert repr(one) == repr(other)


def the_cache_file(cache: Path) -> Path:
    (found,) = (cache / versioncache.FOLDER).glob("*.json")
    return found


# --- Warm reads equal cold ones ------------------------------------------------------------


def test_a_warm_read_parses_nothing_and_gives_the_same_history(history_repo, tmp_path, parses):
    register, cache = history_repo / "targets", tmp_path / "cache"
    plain = read_history(register, "en")
    versions = len(parses)
    assert versions >= 10 and plain.available
    cold = read_history(register, "en", cache=cache)
    assert len(parses) == 2 * versions  # an empty cache: every version parsed again
    warm = read_history(register, "en", cache=cache)
    assert len(parses) == 2 * versions  # and then none
    same(cold, plain)
    same(warm, plain)
    same(build_record(warm), build_record(plain))
    same(corrections_from(warm), corrections_from(plain))
    # The history has something of each kind the record reads.
    record = build_record(warm)
    assert [a.field for a in record.amendments()] == ["due"]
    assert record.amendments()[0].reason == "The site was handed over late."
    assert record.of("FX-MISS").removed is not None
    assert record.of("FX-LATE").removed is None  # moved, not removed
    assert [c.field for c in corrections_from(warm)] == ["value"]


def test_a_new_commit_parses_only_the_versions_it_adds(history_repo, tmp_path, parses):
    repo = tmp_path / "repo"
    shutil.copytree(history_repo, repo)
    register, cache = repo / "targets", tmp_path / "cache"
    read_history(register, "en", cache=cache)
    edit(register / "2024" / "FX-DELAY.yaml", "value: 18}", "value: 19}")
    commit(repo, "one more figure", "2026-01-15")
    before = len(parses)
    warm = read_history(register, "en", cache=cache)
    assert len(parses) == before + 1 and "FX-DELAY" in parses[-1]
    same(warm, read_history(register, "en"))
    assert len(parses) > before + 1 + 5  # the read without the cache parsed every one
    # The rewritten file now holds that version too: the next read parses nothing.
    parsed = len(parses)
    same(read_history(register, "en", cache=cache), warm)
    assert len(parses) == parsed


def test_a_rewritten_history_keeps_only_its_own_versions(history_repo, tmp_path, parses):
    repo = tmp_path / "repo"
    shutil.copytree(history_repo, repo)
    register, cache = repo / "targets", tmp_path / "cache"
    read_history(register, "en", cache=cache)
    size = the_cache_file(cache).stat().st_size
    git(repo, "reset", "-q", "--hard", "HEAD~2")  # the amendments never happened
    before = len(parses)
    shorter = read_history(register, "en", cache=cache)
    assert len(parses) == before  # every version it has was kept
    same(shorter, read_history(register, "en"))
    edit(register / "2024" / "FX-ON.yaml", "value: 300}", "value: 310}")
    commit(repo, "another line", "2025-10-20")
    read_history(register, "en", cache=cache)
    # Written anew without the versions of the abandoned commits.
    assert the_cache_file(cache).stat().st_size < size
    parsed = len(parses)
    same(read_history(register, "en", cache=cache), read_history(register, "en"))
    assert len(parses) > parsed  # only the read without the cache parsed


# --- Keys: the language and the code ------------------------------------------------------------


def test_another_default_language_never_shares_a_parse(history_repo, tmp_path, parses):
    register, cache = history_repo / "targets", tmp_path / "cache"
    read_history(register, "en", cache=cache)
    before = len(parses)
    chinese = read_history(register, "zh-Hant", cache=cache)
    assert len(parses) == 2 * before  # parsed anew, in its own file
    assert len(list((cache / versioncache.FOLDER).glob("*.json"))) == 2
    same(chinese, read_history(register, "zh-Hant"))


def test_a_change_to_the_code_never_serves_an_old_parse(
    history_repo, tmp_path, parses, monkeypatch
):
    register, cache = history_repo / "targets", tmp_path / "cache"
    read_history(register, "en", cache=cache)
    before = len(parses)
    monkeypatch.setattr(versioncache, "code_hash", lambda: "0" * 64)
    read_history(register, "en", cache=cache)
    assert len(parses) == 2 * before


def test_the_code_hash_follows_every_module_of_the_package(tmp_path, monkeypatch):
    package = tmp_path / "generator"
    shutil.copytree(versioncache.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(versioncache, "PACKAGE", package)
    first = versioncache.code_hash.__wrapped__()
    assert first == versioncache.code_hash.__wrapped__()
    (package / "register" / "validation.py").write_text(
        (package / "register" / "validation.py").read_text() + "\n# a change\n"
    )
    changed = versioncache.code_hash.__wrapped__()
    assert changed != first
    (package / "locale" / "notes.txt").write_text("not code")
    assert versioncache.code_hash.__wrapped__() == changed
    (package / "newmodule.py").write_text("X = 1\n")
    assert versioncache.code_hash.__wrapped__() != changed


# --- A cache that cannot be trusted is ignored and written anew ----------------------------------


def _rewrite(path: Path, change) -> None:
    """Change the JSON of the cache file with ``change`` and give it a matching checksum."""
    document = json.loads(path.read_bytes().partition(b"\n")[2])
    change(document)
    body = json.dumps(document).encode()
    path.write_bytes(versioncache._MAGIC + b" " + hashlib.sha256(body).hexdigest().encode()
                     + b"\n" + body)  # fmt: skip


def _first_entry(document: dict) -> list:
    return next(e for e in document["versions"].values() if e is not None)


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    at = data.index(b"FX-ACH", data.index(b"\n"))
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def _deep(path: Path) -> None:
    body = b"[" * 200_000 + b"]" * 200_000
    path.write_bytes(versioncache._MAGIC + b" " + hashlib.sha256(body).hexdigest().encode()
                     + b"\n" + body)  # fmt: skip


def _to_link(path: Path) -> None:
    real = path.with_name("real")
    path.rename(real)
    path.symlink_to(real.name)


def _change_id(document: dict) -> None:
    _first_entry(document)[0] = 12


DAMAGE = {
    "one byte changed": _flip_a_byte,
    "cut short": lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
    "empty": lambda p: p.write_bytes(b""),
    "not the format": lambda p: p.write_bytes(b"\x80\x04pickle?\n" + b"\x00" * 64),
    "checksum right, a number for a text": lambda p: _rewrite(p, _change_id),
    "checksum right, a field missing": lambda p: _rewrite(p, lambda d: _first_entry(d).pop()),
    "checksum right, a place outside the table": lambda p: _rewrite(
        p, lambda d: d.__setitem__("shared", [])
    ),
    "checksum right, a bad key": lambda p: _rewrite(
        p, lambda d: d["versions"].__setitem__("HEAD FX-ACH", None)
    ),
    "checksum right, another portal": lambda p: _rewrite(p, lambda d: d.update(code="x")),
    "checksum right, another language": lambda p: _rewrite(p, lambda d: d.update(lang="fr")),
    "checksum right, nested too deeply": _deep,
    "a link to the file": _to_link,
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_cache_that_cannot_be_trusted_is_ignored_and_written_anew(
    history_repo, tmp_path, parses, damage, caplog
):
    register, cache = history_repo / "targets", tmp_path / "cache"
    cold = read_history(register, "en", cache=cache)
    versions = len(parses)
    path = the_cache_file(cache)
    damage(path)
    with caplog.at_level(logging.INFO, logger="generator.assess.versioncache"):
        again = read_history(register, "en", cache=cache)
    assert len(parses) == 2 * versions  # nothing taken from the damaged file
    same(again, cold)
    assert str(path) in caplog.text
    assert not path.is_symlink()  # replaced by a file of its own, never written through
    read_history(register, "en", cache=cache)
    assert len(parses) == 2 * versions  # the file written anew is used


def test_a_cache_that_cannot_be_written_only_costs_speed(history_repo, tmp_path, parses, caplog):
    register, cache = history_repo / "targets", tmp_path / "cache"
    cache.write_text("a file where the folder should be")
    with caplog.at_level(logging.WARNING, logger="generator.assess.versioncache"):
        history = read_history(register, "en", cache=cache)
    same(history, read_history(register, "en"))
    assert "not written" in caplog.text and "building anyway" in caplog.text


def test_the_cache_is_json_never_code(history_repo, tmp_path):
    register, cache = history_repo / "targets", tmp_path / "cache"
    read_history(register, "en", cache=cache)
    head, _, body = the_cache_file(cache).read_bytes().partition(b"\n")
    assert head == versioncache._MAGIC + b" " + hashlib.sha256(body).hexdigest().encode()
    document = json.loads(body)
    assert (document["format"], document["lang"]) == (versioncache.FORMAT, "en")
    # The version that did not validate is kept as such: parsed once, never published.
    assert None in document["versions"].values()
    assert all(key.split(" ")[1].startswith("FX-") for key in document["versions"])


# --- The codec ------------------------------------------------------------------------------


def _round_trip(targets: list[Target]) -> list[Target]:
    cache = VersionCache(Path("unused"), "en")
    versions = {(f"{i:040x}", t.id): t for i, t in enumerate(targets)}
    kept = VersionCache(Path("unused"), "en")._decode(cache._encode(versions))
    return [kept[f"{i:040x}", t.id] for i, t in enumerate(targets)]


@pytest.mark.parametrize("register", [FIXTURE_REGISTER, SAMPLE_REGISTER], ids=["fixture", "sample"])
def test_every_target_of_the_registers_comes_back_as_it_was(register):
    targets = load_register(register, reporting_quarter=None, default_lang="en")
    same(_round_trip(targets), targets)


numbers = st.one_of(
    st.none(), st.integers(-(10**12), 10**12), st.floats(allow_nan=False, allow_infinity=False)
)
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
entries = st.builds(
    ProgressEntry,
    quarter=st.builds(Quarter, st.integers(1940, 2130), st.integers(1, 4)),
    value=numbers,
    percent_complete=numbers,
    note=st.none() | texts,
    sources=st.lists(texts, max_size=3).map(tuple),
    verified_by=st.none() | texts,
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(entries, max_size=6), min_size=1, max_size=4), texts)
def test_progress_entries_shared_between_versions_keep_their_own_types(progress, title):
    # 3 and 3.0 are equal in Python, and share a place only with their own kind.
    base = load_register(FIXTURE_REGISTER, reporting_quarter=None, default_lang="en")[0]
    targets = [dataclasses.replace(base, progress=tuple(p), title={"en": title}) for p in progress]
    targets.append(dataclasses.replace(base, progress=tuple(e for p in progress for e in p)))
    same(_round_trip(targets), targets)


# --- The build ----------------------------------------------------------------------------


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file()}  # fmt: skip


def _build(register: Path, output: Path, cache: Path) -> None:
    build_site(register, output, CHART_CACHE_PATH=str(cache), RECORD_SINCE=None)


def test_a_build_with_a_warm_cache_equals_one_with_a_cold_cache(
    history_repo, tmp_path, monkeypatch, parses
):
    register, cache = history_repo / "targets", tmp_path / "cache"
    # The project loader reads the record with the chart cache's folder, as it is to pass it.
    real = project_loader.read_history
    monkeypatch.setattr(
        project_loader, "read_history", lambda *args, **kw: real(*args, **({"cache": cache} | kw))
    )
    _build(register, tmp_path / "cold", cache)
    parsed = len(parses)
    assert parsed >= 10 and the_cache_file(cache)
    _build(register, tmp_path / "warm", cache)
    assert len(parses) == parsed  # the second build parsed no version
    cold, warm = _files(tmp_path / "cold"), _files(tmp_path / "warm")
    assert sorted(cold) == sorted(warm)
    assert [name for name in cold if cold[name] != warm[name]] == []
    site = json.loads(cold["data/targets.json"])
    assert site["record_available"] is True
    assert "FX-MISS" in {t["id"] for t in site["targets"]}  # removed, and still published


def test_the_build_keeps_the_versions_it_parsed(history_repo, tmp_path):
    cache = tmp_path / "cache"
    _build(history_repo / "targets", tmp_path / "site", cache)
    assert list((cache / versioncache.FOLDER).glob("*.json"))

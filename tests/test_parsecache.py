"""The register is parsed once per changed file: results kept in the chart cache folder
(``register/parsecache``) are the same as a fresh parse, targets and messages alike, and
anything they depend on changing, or a damaged cache, means a parse again."""

from __future__ import annotations

import hashlib
import io
import logging
import os
import pickle
import shutil
from pathlib import Path

import pytest

from generator import build
from generator.register import loader, parsecache
from generator.register.bureaufile import read_content
from generator.register.errors import RegisterError
from generator.register.loader import load_register, read_source, register_files
from generator.register.quarters import Quarter
from tests.conftest import FIXTURE_REGISTER, ROOT, SAMPLE_REGISTER

INVALID = ROOT / "tests" / "fixtures" / "invalid-register"
HISTORY = ROOT / "tests" / "fixtures" / "history-register"
BUREAUS = read_content(ROOT / "content", ("en", "zh-Hant"))[0]


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The files parsed (``read_source`` called), by shown path."""
    parsed: list[str] = []
    real = loader.read_source

    def counting(source, *args):
        parsed.append(source.shown)
        return real(source, *args)

    monkeypatch.setattr(loader, "read_source", counting)
    return parsed


def _load(register: Path, cache: Path | None, **settings):
    """``load_register``'s targets, or the message of its RegisterError."""
    settings = {"default_lang": "en", "reporting_quarter": None, "bureaus": BUREAUS} | settings
    try:
        return load_register(register, cache=cache, **settings)
    except RegisterError as exc:
        return str(exc)


def _copy(register: Path, tmp_path: Path) -> Path:
    shutil.copytree(register, tmp_path / "targets")
    return tmp_path / "targets"


@pytest.mark.parametrize("register", [SAMPLE_REGISTER, FIXTURE_REGISTER, HISTORY, INVALID])
def test_every_file_read_from_the_cache_is_as_parsed(register, tmp_path):
    """Each file's result (target, problems, id claim) from the cache equals a fresh parse,
    to the type of every number (repr): the sample, the fixtures and the invalid register."""
    files, _ = register_files(register)
    sources = [loader._read_source(path)[0] for path in files]
    sources = [s for s in sources if s is not None]
    fresh = [read_source(s, "en", None, BUREAUS) for s in sources]
    context = ("en", "None", repr(BUREAUS))
    cache = parsecache.ParseCache(tmp_path / "cache", register)
    parse = lambda s: read_source(s, "en", None, BUREAUS)  # noqa: E731
    assert cache.results(sources, context, parse, loader._is_result) == fresh

    def refused(source):
        raise AssertionError(f"{source.shown} parsed again")

    kept = cache.results(sources, context, refused, loader._is_result)
    assert kept == fresh and repr(kept) == repr(fresh)
    assert any(problems for _, problems, _ in fresh) == (register == INVALID)


@pytest.mark.parametrize("register", [SAMPLE_REGISTER, INVALID])
def test_a_warm_load_parses_nothing_and_gives_the_same_register(register, tmp_path, parses):
    cache = tmp_path / "cache"
    uncached = _load(register, None)
    assert _load(register, cache) == uncached
    count = len(parses)
    assert count == 2 * len(register_files(register)[0])
    warm = _load(register, cache)
    assert warm == uncached and repr(warm) == repr(uncached)
    assert len(parses) == count  # none this time
    assert [p.name for p in (cache / "register").iterdir()] != []


def test_only_the_changed_file_is_parsed_again(tmp_path, parses):
    register, cache = _copy(SAMPLE_REGISTER, tmp_path), tmp_path / "cache"
    _load(register, cache)
    changed = sorted(register.rglob("*.yaml"))[3]
    changed.write_text(changed.read_text().replace("title:", "# a comment\ntitle:", 1))
    removed = sorted(register.rglob("*.yaml"))[5]
    removed.unlink()
    parses.clear()
    targets = _load(register, cache)
    assert parses == [loader.display_path(changed)]
    assert targets == load_register(register, default_lang="en", reporting_quarter=None,
                                    bureaus=BUREAUS)  # fmt: skip


@pytest.mark.parametrize(
    "change",
    [
        {"reporting_quarter": Quarter(2024, 4)},
        {"default_lang": "zh-Hant"},
        {"bureaus": None},
        {"bureaus": type(BUREAUS)(BUREAUS.path, "en", BUREAUS.entries[1:])},
    ],
    ids=["quarter", "language", "no bureaus", "other bureaus"],
)
def test_a_setting_or_the_bureaus_changing_parses_again(change, tmp_path, parses):
    cache = tmp_path / "cache"
    _load(SAMPLE_REGISTER, cache)
    parses.clear()
    assert _load(SAMPLE_REGISTER, cache, **change) == _load(SAMPLE_REGISTER, None, **change)
    assert len(parses) == 2 * len(register_files(SAMPLE_REGISTER)[0])


def test_a_bureau_renamed_is_a_new_parse(tmp_path):
    """A bureau renamed in bureaus.yaml is checked anew: the file naming it is refused."""
    cache = tmp_path / "cache"
    assert "Housing Bureau" in {t.bureau for t in _load(FIXTURE_REGISTER, cache)}
    entries = tuple(
        b if b.names["en"] != "Housing Bureau" else type(b)(**{**vars(b), "names": {"en": "H"}})
        for b in BUREAUS.entries
    )
    renamed = type(BUREAUS)(BUREAUS.path, BUREAUS.default_lang, entries)
    message = _load(FIXTURE_REGISTER, cache, bureaus=renamed)
    assert "'Housing Bureau' is not a declared bureau" in message
    assert message == _load(FIXTURE_REGISTER, None, bureaus=renamed)


def test_other_code_is_a_new_parse(tmp_path, parses, monkeypatch):
    cache = tmp_path / "cache"
    _load(FIXTURE_REGISTER, cache)
    parses.clear()
    monkeypatch.setattr(parsecache, "code_hash", lambda: "another version of the portal")
    _load(FIXTURE_REGISTER, cache)
    assert len(parses) == len(register_files(FIXTURE_REGISTER)[0])


def test_the_code_hash_changes_with_any_module_of_the_package(tmp_path, monkeypatch):
    copy = tmp_path / "register"
    shutil.copytree(parsecache.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(parsecache, "PACKAGE", copy)
    code_hash = parsecache.code_hash.__wrapped__
    assert code_hash() == parsecache.code_hash()  # the same code, the same hash
    with (copy / "validation.py").open("a") as module:
        module.write("# a change\n")
    assert code_hash() != parsecache.code_hash()
    assert {"PyYAML", "ruamel.yaml"} <= set(parsecache.LIBRARIES)


def _cache_file(cache: Path) -> Path:
    [found] = (cache / "register").iterdir()
    return found


def _damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "flipped":
        path.write_bytes(data[:-100] + bytes([data[-100] ^ 1]) + data[-99:])
    elif how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "empty":
        path.write_bytes(b"")
    else:  # a folder where the file should be
        path.unlink()
        path.mkdir()


@pytest.mark.parametrize("how", ["flipped", "truncated", "empty", "folder"])
def test_a_damaged_cache_is_parsed_anew(how, tmp_path, parses):
    cache = tmp_path / "cache"
    expected = _load(FIXTURE_REGISTER, cache)
    _damage(_cache_file(cache), how)
    parses.clear()
    assert _load(FIXTURE_REGISTER, cache) == expected
    assert len(parses) == len(register_files(FIXTURE_REGISTER)[0])


class _Remove:
    """A value whose unpickling would remove a file, were it allowed to."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):
        return os.remove, (str(self.path),)


def _forged(cache_file: Path, value) -> None:
    """Every entry of ``cache_file`` replaced by ``value``, the checksum made to match."""
    magic = parsecache._MAGIC
    body = cache_file.read_bytes()[len(magic) + 32 :]
    table = pickle.load(io.BytesIO(body))
    forged = {key: pickle.dumps(value) for key in table}
    body = pickle.dumps(forged)
    cache_file.write_bytes(magic + hashlib.sha256(body).digest() + body)


@pytest.mark.parametrize("forgery", ["code", "wrong shape"])
def test_a_forged_cache_runs_no_code_and_is_parsed_anew(forgery, tmp_path, parses):
    """Whoever can write the cache (a CI cache) cannot make a build run code."""
    cache, canary = tmp_path / "cache", tmp_path / "canary"
    canary.write_text("still here")
    expected = _load(FIXTURE_REGISTER, cache)
    _forged(_cache_file(cache), _Remove(canary) if forgery == "code" else ("a", "b"))
    parses.clear()
    assert _load(FIXTURE_REGISTER, cache) == expected
    assert canary.exists()
    assert len(parses) == len(register_files(FIXTURE_REGISTER)[0])


def test_an_unwritable_cache_still_loads_with_one_warning(tmp_path, caplog):
    cache = tmp_path / "cache"
    cache.write_text("a file, not a folder")  # every write under it fails
    expected = _load(FIXTURE_REGISTER, None)
    with caplog.at_level(logging.WARNING):
        assert _load(FIXTURE_REGISTER, cache) == expected
        assert _load(HISTORY, cache) == _load(HISTORY, None)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "register cache" in warnings[0].getMessage()


def test_no_cache_folder_keeps_nothing(tmp_path, parses):
    _load(FIXTURE_REGISTER, None)
    _load(FIXTURE_REGISTER, None)
    assert len(parses) == 2 * len(register_files(FIXTURE_REGISTER)[0])


def test_the_build_keeps_the_register_in_chart_cache_path(tmp_path, parses):
    """The settings' CHART_CACHE_PATH reaches the register: a second validate (what every
    build runs first) parses nothing."""
    cache = tmp_path / "charts"
    settings = build.read_settings(
        ROOT / "pelicanconf.py",
        {"TARGETS_PATH": str(FIXTURE_REGISTER), "CHART_CACHE_PATH": str(cache)},
    )
    first = build.validate(settings).targets
    count = len(parses)
    assert count == len(register_files(FIXTURE_REGISTER)[0])
    assert build.validate(settings).targets == first
    assert len(parses) == count
    assert _cache_file(cache).is_file()

"""Portal settings: their defaults, meanings and checks, in one place.

Every setting the portal or its theme reads is checked once, at start-up, and every
problem is reported at once, one line each: ``NAME: what is wrong: what to write``.
"""

from __future__ import annotations

import datetime
import difflib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..assess.status import DEFAULT_AT_RISK_LAG, DEFAULT_SPEND_LAG
from ..register.errors import SettingsError
from ..register.i18n import catalog_languages, catalog_path, has_catalog
from ..register.quarters import Quarter


@dataclass(frozen=True)
class PortalSettings:
    """The settings the portal reads from ``pelicanconf.py``."""

    targets_path: Path = Path("targets")
    """TARGETS_PATH: the register folder. Default ``targets``."""
    reporting_quarter: Quarter | None = None
    """REPORTING_QUARTER: the quarter statuses are computed as of. Default: the latest
    quarter found in any progress entry."""
    at_risk_lag: float = DEFAULT_AT_RISK_LAG
    """AT_RISK_LAG: how far (0..1) progress may trail the expected path before a target
    is at risk. Default 0.20."""
    spend_lag: float = DEFAULT_SPEND_LAG
    """SPEND_LAG: how far (0..1) the share of a budget spent may trail the expected path, or
    run ahead of the share of the result delivered, before the target is flagged
    ``funds_idle`` or ``spending_ahead_of_results``. Default 0.20."""
    default_lang: str = "en"
    """DEFAULT_LANG: the language of ``title`` in the published data, in any letter case
    (``zh-hant`` is taken as ``zh-Hant``, the catalog's spelling). Default ``en``."""
    sample_data: bool = False
    """SAMPLE_DATA: show a notice on every page that the register is illustrative."""
    siteurl: str = ""
    """SITEURL: the site's public http(s) address, or empty; feeds, the calendar and link
    previews use it for absolute links."""
    chart_cache_path: Path = Path(".cache/charts")
    """CHART_CACHE_PATH: where rendered charts are kept between builds, so a rebuild renders
    only the charts that changed. Safe to delete. Default ``.cache/charts``; a relative path
    is taken from the settings file's folder (by ``python -m generator`` and ``invoke``)."""
    languages: tuple[str, ...] = ("en",)
    """LANGUAGES: the languages every page is published in, the default language first
    (it lives at the site root; the others in a folder each, e.g. ``zh-hant/``).
    Default: DEFAULT_LANG only."""
    require_translations: bool = False
    """REQUIRE_TRANSLATIONS: refuse a register whose titles and descriptions are not given
    in every one of LANGUAGES. Default False: a missing translation is shown in the
    language it exists in, with a note."""
    record_since: str | None = None
    """RECORD_SINCE: where publication began, a commit id (at least 7 hex digits) or an ISO
    date (compared with commit dates): earlier commits are drafts, and the register as it
    stood there counts as first published there. Default None: the whole history."""
    require_history: bool = False
    """REQUIRE_HISTORY: refuse to build without the register's complete first-parent git
    history (not a git work tree, a shallow clone, an unreadable history, an unknown
    RECORD_SINCE). Default False: pages say the record is unavailable. True in publishconf."""
    content_path: Path = Path("content")
    """PATH: Pelican's content folder, which holds bureaus.yaml, the names glossaries and
    the hand-written pages. Default ``content``."""
    editions_path: Path = Path("editions")
    """EDITIONS_PATH: the folder of committed editions (``<YYYY-Qn>.json``, written by the
    ``edition`` command); the site publishes each with what changed since. Default
    ``editions``; a relative path is taken from the settings file's folder."""
    financial_year_start: int = 1
    """FINANCIAL_YEAR_START: the month (1..12) the financial year starts in, which names the
    months a quarter label covers: quarter ``Y-Qn`` is the n-th quarter of the year starting
    in that month of Y (4 for Hong Kong's April-March year: 2026-Q3 is October to December
    2026, in the financial year 2026-27). Default 1: calendar quarters."""
    published_date: str | None = None
    """PUBLISHED_DATE: the date the pages give as published, an ISO date in quotes. Default
    None: the commit date of the register's newest commit (unknown outside git)."""
    link_previews: bool = True
    """LINK_PREVIEWS: give each target page a PNG of its chart for link previews (og:image),
    about a third of a first build's chart rendering. Default True; False publishes no PNG
    and no og:image, and a first build is that much quicker."""


# Every setting the portal, its plugin or its theme reads (Pelican reads its own as well).
PORTAL_SETTINGS = (
    "TARGETS_PATH", "REPORTING_QUARTER", "AT_RISK_LAG", "SAMPLE_DATA", "DEFAULT_LANG",
    "SITEURL", "CHART_CACHE_PATH", "LANGUAGES", "REQUIRE_TRANSLATIONS", "DATA_LICENSE",
    "DATA_LICENSE_URL", "SITENAME", "SITE_OWNER", "RELATIVE_URLS", "JINJA_ENVIRONMENT",
    "PLUGINS", "RECORD_SINCE", "REQUIRE_HISTORY", "EDITIONS_PATH", "FINANCIAL_YEAR_START",
    "PUBLISHED_DATE", "SPEND_LAG", "LINK_PREVIEWS",
)  # fmt: skip
PLUGIN = "generator.plugin"
# The settings file a build read (set by build.read_settings): its folder is the repository.
SETTINGS_FILE = "PORTAL_SETTINGS_FILE"
URL_HINT = "must be an http(s) address such as https://targets.example.gov, or empty"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
# Strict on purpose: the address is written into attributes, feeds and the calendar, so
# only a scheme, a host name or IP, a port and a plain path; no quotes, spaces, user
# names, queries or fragments.
URL_RE = re.compile(
    rf"https?://(?:{_LABEL}(?:\.{_LABEL})*|\[[0-9a-f:.]+\])(?::(?P<port>[0-9]{{1,5}}))?"
    r"(?:/(?:[a-z0-9._~+-]|%[0-9a-f]{2})*)*/?",
    re.IGNORECASE,
)
# A language tag also names the language's folder of the site: letters, digits and '-'.
LANG_RE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")


class _Invalid(ValueError):
    """One setting's problem, without its name."""


class _Reader:
    """Reads settings one by one, collecting every problem instead of stopping at the first."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        self.problems: list[str] = []

    def take(self, name: str, check: Callable[[Any], Any], default: Any = None) -> Any:
        """``check`` applied to the setting ``name`` (or ``default``); None if it fails."""
        try:
            return check(self.settings.get(name, default))
        except _Invalid as exc:
            self.fail(name, str(exc))
            return None

    def present(self, name: str, check: Callable[[Any], Any]) -> None:
        """Check ``name`` only where the mapping has it (Pelican always gives its own)."""
        if name in self.settings:
            self.take(name, check)

    def fail(self, name: str, message: str) -> None:
        self.problems.append(f"{name}: {message}")


def from_pelican(settings: dict[str, Any]) -> PortalSettings:
    """Read and check the portal settings from a Pelican settings mapping.

    Raises ``SettingsError`` listing every bad setting, one ``NAME: message`` a line.
    """
    reader = _Reader(settings)
    default_lang, languages = _languages(reader)
    values = {
        "targets_path": _folder(reader, "TARGETS_PATH", "targets"),
        "content_path": _folder(reader, "PATH", "content"),
        "reporting_quarter": reader.take("REPORTING_QUARTER", _quarter),
        "at_risk_lag": reader.take("AT_RISK_LAG", _lag, DEFAULT_AT_RISK_LAG),
        "spend_lag": reader.take("SPEND_LAG", _lag, DEFAULT_SPEND_LAG),
        "sample_data": reader.take("SAMPLE_DATA", _boolean, False),
        "siteurl": reader.take("SITEURL", _web_address, ""),
        "chart_cache_path": _folder(reader, "CHART_CACHE_PATH", ".cache/charts"),
        "require_translations": reader.take("REQUIRE_TRANSLATIONS", _boolean, False),
        "record_since": reader.take("RECORD_SINCE", _record_since),
        "require_history": reader.take("REQUIRE_HISTORY", _boolean, False),
        "editions_path": _beside_settings(settings, _folder(reader, "EDITIONS_PATH", "editions")),
        "financial_year_start": reader.take("FINANCIAL_YEAR_START", _month, 1),
        "published_date": reader.take("PUBLISHED_DATE", _iso_date),
        "link_previews": reader.take("LINK_PREVIEWS", _boolean, True),
    }
    _check_cache_apart(reader, values["chart_cache_path"], values["targets_path"])
    _check_theme_settings(reader)
    if reader.problems:
        raise SettingsError("\n".join(sorted(reader.problems)))
    return PortalSettings(default_lang=default_lang, languages=languages, **values)


def unknown_settings(settings: dict[str, Any]) -> list[str]:
    """Warnings for settings that look like a misspelt portal setting (``REPORTNG_QUARTER``)."""
    warnings = []
    for name in sorted(n for n in settings if isinstance(n, str) and n.isupper()):
        if name in PORTAL_SETTINGS:
            continue
        close = difflib.get_close_matches(name, PORTAL_SETTINGS, n=1, cutoff=0.85)
        if close:
            warnings.append(f"{name}: unknown setting, ignored; did you mean {close[0]}?")
    return warnings


# --- Languages ------------------------------------------------------------------------------


def _languages(reader: _Reader) -> tuple[str, tuple[str, ...]]:
    default = reader.take("DEFAULT_LANG", _language_tag, "en")
    languages = reader.take("LANGUAGES", _language_list)
    given = reader.settings.get("LANGUAGES") is not None
    if default is None or (given and languages is None):
        return default or "en", ()  # the problem is reported already
    languages = languages if given else (default,)
    if not languages or languages[0] != default:
        reader.fail(
            "LANGUAGES",
            f"must start with DEFAULT_LANG ({default!r}): put it first, or set DEFAULT_LANG "
            "to the language of the site root",
        )
    missing = [lang for lang in languages if not has_catalog(lang)]
    if missing:
        reader.fail(
            "LANGUAGES" if given else "DEFAULT_LANG",
            f"no interface translation for {', '.join(missing)}; "
            f"add {catalog_path(missing[0])} (see CONTRIBUTING.md)",
        )
    return default, languages


def canonical_tag(tag: str) -> str:
    """A language tag as the catalogs spell it (``zh-hant`` → ``zh-Hant``), else in BCP 47
    letter case (``en-gb`` → ``en-GB``)."""
    key = tag.replace("_", "-").lower()
    known = {lang.lower(): lang for lang in catalog_languages()}
    if key in known:
        return known[key]
    first, *rest = key.split("-")
    parts = [first]
    for part in rest:
        parts.append(part.title() if len(part) == 4 else part.upper() if len(part) == 2 else part)
    return "-".join(parts)


def _language_tag(value: Any) -> str:
    if not isinstance(value, str) or not LANG_RE.fullmatch(value):
        raise _Invalid(f"{value!r} is not a language tag: write one such as en or zh-Hant")
    return canonical_tag(value)


def _language_list(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str | bytes | dict) or not hasattr(value, "__iter__"):
        raise _Invalid(f"{value!r} must be a list of language tags, such as ['en', 'zh-Hant']")
    return tuple(dict.fromkeys(_language_tag(lang) for lang in value))


# --- Values ---------------------------------------------------------------------------------


def _folder(reader: _Reader, name: str, default: str) -> Path | None:
    """The folder setting ``name`` (``default`` when not set, and the example given)."""

    def check(value: Any) -> Path:
        if isinstance(value, Path) or (isinstance(value, str) and value.strip()):
            return Path(value)
        shown = "" if value in ("", None) else f"{value!r} "
        raise _Invalid(f"{shown}must be a folder path, such as {default}")

    return reader.take(name, check, default)


def _quarter(value: Any) -> Quarter | None:
    if value is None:
        return None
    try:
        return Quarter.parse(value)
    except ValueError as exc:
        raise _Invalid(str(exc)) from None


def _lag(value: Any) -> float:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if not number or not math.isfinite(value) or not 0 <= value < 1:
        raise _Invalid(f"{value!r} must be a number from 0 up to (not incl.) 1, such as 0.2")
    return float(value)


def _boolean(value: Any) -> bool:
    # A string such as "False" is true in Python: only a real boolean says what is meant.
    if not isinstance(value, bool):
        raise _Invalid(f"{value!r} must be True or False (without quotes)")
    return value


def _record_since(value: Any) -> str | None:
    text = value.strip() if isinstance(value, str) else ""
    if re.fullmatch(r"[0-9a-fA-F]{7,40}", text):
        return text.lower()
    try:
        return _iso_date(value)
    except _Invalid:
        pass
    raise _Invalid(
        f"{value!r} must be a commit id (at least 7 hex digits) or an ISO date such as "
        "'2026-01-15', in quotes, or None"
    )


def _month(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 12:
        raise _Invalid(
            f"{value!r} must be the number of the month the financial year starts in, "
            "1 to 12, such as 4 for April (Hong Kong) or 1 for calendar years"
        )
    return value


def _iso_date(value: Any) -> str | None:
    # A date object (unquoted in Python) is taken too; a date-time is not a publication date.
    if value is None:
        return None
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()
    text = value.strip() if isinstance(value, str) else ""
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        try:
            return datetime.date.fromisoformat(text).isoformat()
        except ValueError:
            pass
    raise _Invalid(
        f"{value!r} must be an ISO date such as '2026-12-01', in quotes, or None for the "
        "date of the register's newest commit"
    )


def _web_address(value: Any) -> str:
    if value is None or value == "":
        return ""
    match = URL_RE.fullmatch(value) if isinstance(value, str) else None
    if match is None or int(match["port"] or 1) > 65535:
        raise _Invalid(f"{value!r} {URL_HINT}")
    return value.rstrip("/")


def _string(value: Any) -> str:
    # None would be shown as the word "None" in every page header.
    if not isinstance(value, str):
        raise _Invalid(f"{value!r} must be text, in quotes (or '' for none)")
    return value


def _text(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise _Invalid(f"{value!r} must be text (in quotes), or None")
    return value


def _beside_settings(settings: dict[str, Any], folder: Path | None) -> Path | None:
    # Editions live in the repository, the settings file's folder, wherever a command is run.
    settings_file = settings.get(SETTINGS_FILE)
    if folder is None or folder.is_absolute() or not settings_file:
        return folder
    return Path(settings_file).parent / folder


# --- Settings the theme and Pelican glue rely on -------------------------------------------


def _check_cache_apart(reader: _Reader, cache: Path | None, targets: Path | None) -> None:
    # The cache is safe to delete at any time: it must not be a folder that holds the register.
    if cache is None or targets is None:
        return
    if targets.resolve().is_relative_to(cache.resolve()):
        reader.fail(
            "CHART_CACHE_PATH",
            f"{str(cache)!r} holds TARGETS_PATH ({targets}), and the chart cache may be "
            "deleted at any time: give the cache a folder of its own, such as .cache/charts",
        )


def _check_theme_settings(reader: _Reader) -> None:
    reader.present("SITENAME", _site_name)
    reader.present("SITE_OWNER", _string)
    licence = reader.take("DATA_LICENSE", _text)
    url = reader.take("DATA_LICENSE_URL", _web_address)
    if licence and url == "":
        reader.fail(
            "DATA_LICENSE_URL",
            "required with DATA_LICENSE: give the licence's web address, such as "
            "https://creativecommons.org/licenses/by/4.0/",
        )
    reader.present("RELATIVE_URLS", _relative_urls)
    reader.present("JINJA_ENVIRONMENT", _autoescape)
    reader.present("PLUGINS", _plugins)


def _site_name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        shown = "" if value == "" else f"{value!r} "
        raise _Invalid(f"{shown}must be the site's name, in quotes: it heads every page")
    return value


def _relative_urls(value: Any) -> bool:
    if value is not True:
        raise _Invalid(
            f"must be True, not {value!r}: every page links to the others relatively, so the "
            "site works from any folder (SITEURL gives feeds their full addresses)"
        )
    return value


def _autoescape(value: Any) -> None:
    if not isinstance(value, dict) or value.get("autoescape") is not True:
        raise _Invalid(
            "autoescape must be True: register text is untrusted and the theme relies on "
            'Jinja escaping it; write JINJA_ENVIRONMENT = {"autoescape": True, ...}'
        )


def _plugins(value: Any) -> None:
    names = [getattr(p, "__name__", p) for p in value] if isinstance(value, list | tuple) else []
    if PLUGIN not in names:
        raise _Invalid(f"must include {PLUGIN!r}, the portal itself: PLUGINS = [{PLUGIN!r}]")

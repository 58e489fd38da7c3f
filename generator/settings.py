"""Portal settings: their defaults, meanings and checks, in one place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import SettingsError
from .i18n import catalog_path, has_catalog
from .quarters import Quarter
from .status import DEFAULT_AT_RISK_LAG


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
    default_lang: str = "en"
    """DEFAULT_LANG: the language of ``title`` in the published data. Default ``en``."""
    sample_data: bool = False
    """SAMPLE_DATA: show a notice on every page that the register is illustrative."""
    siteurl: str = ""
    """SITEURL: the site's public address; feeds and the calendar use it for absolute links."""
    chart_cache_path: Path = Path(".cache/charts")
    """CHART_CACHE_PATH: where rendered charts are kept between builds, so a rebuild renders
    only the charts that changed. Safe to delete. Default ``.cache/charts``; a relative path
    is taken from the settings file's folder (by ``kpi-portal`` and ``invoke``)."""
    languages: tuple[str, ...] = ("en",)
    """LANGUAGES: the languages every page is published in, the default language first
    (it lives at the site root; the others in a folder each, e.g. ``zh-hant/``).
    Default: DEFAULT_LANG only."""
    require_translations: bool = False
    """REQUIRE_TRANSLATIONS: refuse a register whose titles and descriptions are not given
    in every one of LANGUAGES. Default False: a missing translation is shown in the
    language it exists in, with a note."""


def from_pelican(settings: dict[str, Any]) -> PortalSettings:
    """Read and check the portal settings from a Pelican settings mapping.

    Raises ``SettingsError`` naming the setting and what is wrong with it.
    """
    quarter = settings.get("REPORTING_QUARTER")
    if quarter is not None:
        try:
            quarter = Quarter.parse(quarter)
        except ValueError as exc:
            raise SettingsError(f"REPORTING_QUARTER: {exc}") from None
    lag = settings.get("AT_RISK_LAG", DEFAULT_AT_RISK_LAG)
    if isinstance(lag, bool) or not isinstance(lag, int | float) or not 0 <= lag < 1:
        raise SettingsError(f"AT_RISK_LAG: {lag!r} must be a number from 0 up to (not incl.) 1")
    path = settings.get("TARGETS_PATH", "targets")
    if not isinstance(path, str | Path):
        raise SettingsError(f"TARGETS_PATH: {path!r} must be a folder path")
    default_lang = str(settings.get("DEFAULT_LANG", "en"))
    return PortalSettings(
        targets_path=Path(path),
        reporting_quarter=quarter,
        at_risk_lag=float(lag),
        default_lang=default_lang,
        sample_data=bool(settings.get("SAMPLE_DATA", False)),
        siteurl=str(settings.get("SITEURL") or ""),
        chart_cache_path=_folder(
            "CHART_CACHE_PATH", settings.get("CHART_CACHE_PATH", ".cache/charts")
        ),
        languages=_languages(settings.get("LANGUAGES"), default_lang),
        require_translations=bool(settings.get("REQUIRE_TRANSLATIONS", False)),
    )


def _languages(value: Any, default_lang: str) -> tuple[str, ...]:
    if value is None:
        return (default_lang,)
    if isinstance(value, str) or not all(isinstance(lang, str) for lang in value):
        raise SettingsError(f"LANGUAGES: {value!r} must be a list of language tags")
    languages = tuple(dict.fromkeys(value))
    if not languages or languages[0] != default_lang:
        raise SettingsError(f"LANGUAGES: must start with DEFAULT_LANG ({default_lang!r})")
    missing = [lang for lang in languages if not has_catalog(lang)]
    if missing:
        raise SettingsError(
            f"LANGUAGES: no interface translation for {', '.join(missing)}; "
            f"add {catalog_path(missing[0])} (see CONTRIBUTING.md)"
        )
    return languages


def _folder(name: str, value: Any) -> Path:
    if not isinstance(value, str | Path):
        raise SettingsError(f"{name}: {value!r} must be a folder path")
    return Path(value)

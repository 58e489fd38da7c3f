"""The site's languages: interface strings from gettext catalogs, and where each language lives.

Interface strings are marked ``_("...")`` where they are used, or ``N_("...")`` where a
module constant holds them, and are translated into the language set by ``use(lang)``.
The catalogs are the ``.po`` files under ``generator/locale``, compiled in memory at
build time, so there is no compiled ``.mo`` file to forget to update.

The default language lives at the site root; every other language in a folder named
after it in lower case (``zh-hant/targets/X.html``), so each page has the same path
in every language and the language switch is a change of prefix.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from .. import CODE

LOCALE_DIR = CODE / "locale"
DOMAIN = "messages"

_active: ContextVar[tuple[str, _gettext.NullTranslations] | None] = ContextVar(
    "portal_language", default=None
)


@cache
def catalog_name(lang: str) -> str:
    """The catalog folder of a language tag, in any letter case: ``zh-hant`` → ``zh_Hant``."""
    name = lang.replace("-", "_")
    # Tags are case-insensitive (Pelican lower-cases DEFAULT_LANG); folder names are not.
    found = [p.name for p in LOCALE_DIR.iterdir() if p.is_dir() and p.name.lower() == name.lower()]
    return found[0] if found else name


def catalog_path(lang: str) -> Path:
    """The ``.po`` file holding a language's interface strings."""
    return LOCALE_DIR / catalog_name(lang) / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The interface strings of ``lang``; English (the source language) needs none."""
    path = catalog_path(lang)
    if not path.is_file():
        return _gettext.NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=catalog_name(lang))
    compiled = BytesIO()
    write_mo(compiled, catalog)  # fuzzy (unreviewed) translations are left out
    compiled.seek(0)
    return _gettext.GNUTranslations(compiled)


def catalog_languages() -> tuple[str, ...]:
    """The tags the interface can be shown in, as spelt in the catalogs: ``en``, ``zh-Hant``."""
    found = sorted(
        po.parent.parent.name.replace("_", "-")
        for po in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")
    )
    return ("en", *(lang for lang in found if lang != "en"))


def has_catalog(lang: str) -> bool:
    """True when the interface can be shown in ``lang``."""
    return lang.split("-")[0] == "en" or catalog_path(lang).is_file()


@contextmanager
def use(lang: str) -> Iterator[None]:
    """Translate interface strings into ``lang`` inside the ``with`` block."""
    token = _active.set((lang, translations(lang)))
    try:
        yield
    finally:
        _active.reset(token)


def current() -> str | None:
    """The language set by ``use``, or None outside it (the source language, English)."""
    active = _active.get()
    return active[0] if active else None


def gettext(message: str) -> str:
    """``message`` in the language in force."""
    active = _active.get()
    return active[1].gettext(message) if active else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for ``n``, in the language in force."""
    active = _active.get()
    if active:
        return active[1].ngettext(singular, plural, n)
    return singular if n == 1 else plural


_ = gettext


def N_(message: str) -> str:  # noqa: N802 - the conventional name extraction tools look for
    """Mark a string for translation where it is defined; ``gettext`` translates it at use."""
    return message


def lang_root(lang: str, default: str) -> str:
    """The folder of a language's pages, with a trailing slash; empty for the default."""
    return "" if lang == default else f"{lang.lower()}/"


def language_name(lang: str, in_lang: str | None = None) -> str:
    """A language's name, in ``in_lang`` (default: its own): ``English``, ``中文 (繁體)``."""
    try:
        locale = Locale.parse(catalog_name(lang))
        return locale.get_display_name(catalog_name(in_lang or lang)) or lang
    except (ValueError, UnknownLocaleError):
        return lang

"""The Pelican settings the portal relies on, and the defaults the plugin gives them.

The portal's own pages are rendered as the portal needs, whatever the site around them
sets for its own: escaped (register text is untrusted and the templates rely on Jinja
escaping it), with trimmed blocks (the templates are written for it) and with relative
links (every page works from any folder). A host site keeps its own JINJA_ENVIRONMENT
and RELATIVE_URLS for its articles. The portal settings themselves (TARGETS_PATH and the
rest) have their defaults in ``project.settings``; the few that the templates read
straight from Pelican's context get theirs here, where the site gives none.
"""

from __future__ import annotations

from typing import Any

from .project.settings import PortalSettings, from_pelican

PORTAL_JINJA_ENVIRONMENT = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True}
"""The Jinja options of the portal's pages (the site's JINJA_ENVIRONMENT adds only its
``extensions``, for override templates that use them)."""

CONTEXT_DEFAULTS: dict[str, Any] = {
    "SITE_OWNER": "",
    "SAMPLE_DATA": False,
    "DATA_LICENSE": None,
    "DATA_LICENSE_URL": None,
}
"""Settings the templates read from Pelican's context: the owner shown beside SITENAME,
the sample-data notice, the data licence (none: the open data page names none)."""


def add_defaults(settings: dict[str, Any]) -> None:
    """Give each setting of ``CONTEXT_DEFAULTS`` its default where the site sets none."""
    for name, value in CONTEXT_DEFAULTS.items():
        settings.setdefault(name, value)


def portal_view(settings: dict[str, Any]) -> dict[str, Any]:
    """``settings`` as the portal's own pages use them: escaped, trimmed, relative links.

    The site's other settings are shared, not copied: the portal reads, never writes them.
    """
    site_jinja = settings.get("JINJA_ENVIRONMENT") or {}
    jinja = {"extensions": list(site_jinja.get("extensions", [])), **PORTAL_JINJA_ENVIRONMENT}
    return {**settings, "RELATIVE_URLS": True, "JINJA_ENVIRONMENT": jinja}


def portal_settings(settings: dict[str, Any]) -> PortalSettings:
    """The portal settings read and checked from the site's, as the portal's pages use
    them (``portal_view``): every entry point reads them so."""
    return from_pelican(portal_view(settings))


def portal_writes_pages(settings: dict[str, Any]) -> bool:
    """Whether the portal writes the site's hand-written pages itself, in its theme and
    every language: only where Pelican writes none of them (PAGE_SAVE_AS is empty, as in
    ``portalonly``); a host site's pages stay the host's."""
    return not settings.get("PAGE_SAVE_AS")

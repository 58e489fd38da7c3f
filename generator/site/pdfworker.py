"""Rendering one briefing pack's HTML to PDF with WeasyPrint, in a worker process or not.

Kept apart from ``packs`` so that a spawned worker loads only this module and WeasyPrint.
WeasyPrint needs system libraries (Pango, HarfBuzz, fontconfig): ``missing_libraries``
says, without a traceback, when they or WeasyPrint itself cannot be loaded.
"""

from __future__ import annotations

from importlib import metadata


def missing_libraries() -> str | None:
    """Why WeasyPrint cannot render here, in a sentence; None when it can."""
    try:
        import weasyprint  # noqa: F401  (loading it loads Pango: that is the check)
    except ImportError as exc:
        return f"WeasyPrint is not installed ({exc}): pip install weasyprint"
    except OSError as exc:  # its system libraries: Pango, HarfBuzz, fontconfig
        return (
            f"WeasyPrint's system libraries cannot be loaded ({exc}): install Pango "
            "(Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk)"
        )
    return None


def renderer() -> str:
    """What a pack's bytes depend on besides its HTML: another WeasyPrint may lay it out
    differently, so its PDF must not come from an older build's cache."""
    try:
        version = metadata.version("weasyprint")
    except metadata.PackageNotFoundError:
        version = "none"
    return f"weasyprint {version}; pdf 1"


def render_pdf(html: str) -> bytes:
    """The PDF of ``html`` (a whole document, its stylesheet inline, no outside files).

    Runs in the workers, so it is a plain module-level function of a plain argument.
    """
    import weasyprint
    from weasyprint.urls import URLFetcher

    # A pack loads nothing, from disk or network: register text is untrusted, and an image
    # it names must not be fetched at build time. Fonts come from fontconfig.
    nothing = URLFetcher(allowed_protocols=())
    return weasyprint.HTML(string=html, url_fetcher=nothing).write_pdf()

"""Pelican glue: a generator that writes the portal's pages, charts and data files.

Everything it shows is computed by the pure core; this module only reads the
settings, hands the core's results to the theme's templates and writes files.
"""

from __future__ import annotations

import logging
from pathlib import Path

from jinja2 import pass_context
from markupsafe import Markup, escape
from pelican import signals
from pelican.generators import Generator
from pelican.log import console

from .assess import wording
from .assess.corrections import corrections_from
from .assess.delays import misplaced_justifications
from .assess.gitlog import read_history
from .assess.record import build_record
from .build import CHART_COUNTS, VALIDATED_REGISTER
from .project.settings import canonical_tag, from_pelican
from .register import i18n
from .register.bureaufile import load_content
from .register.loader import load_register
from .register.model import in_language, shown_language
from .register.names import name_in, translate_name
from .site import charts, editiondiff, exports, pages, portal, publish
from .site.markup import render_markdown
from .site.search import build_search_index

logger = logging.getLogger(__name__)

TEMPLATE_FILTERS = {
    "markdown": render_markdown,
    "tr": i18n.gettext,  # for strings held in variables: plain text, escaped like any other
    "status_label": wording.status_label,
    "fmt_number": wording.fmt_number,
    "fmt_percent": wording.fmt_percent,
    "in_language": in_language,
    "shown_language": shown_language,
    "url_host": wording.url_host,
}
TEMPLATE_GLOBALS = {
    "wording": wording,
    "target_url": portal.target_url,
    "delay_url": portal.delay_url,
    "chart_url": portal.chart_url,
    "chart_png_url": portal.chart_png_url,
    "expected_at": charts.expected_at,
    "group_title": pages.group_title,
    "briefing_url": pages.briefing_url,
    "target_data_url": exports.target_data_url,
    "quarter_url": pages.quarter_url,
    "amendments_url": pages.AMENDMENTS_URL,
    "feed_paths": exports.feed_paths,
    "GROUP_TITLES": pages.GROUP_TITLES,
    "language_name": i18n.language_name,
    "lang_root": i18n.lang_root,
}


class PortalGenerator(Generator):
    """Loads the register, assesses every target and writes the portal in every language."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Interface strings follow the language set by i18n.use() while a page is written.
        self.env.add_extension("jinja2.ext.i18n")
        self.env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)
        self.env.globals.update(
            href=href,
            absolute=absolute,
            # Open Graph knows regions, not scripts: Traditional Chinese as written in HK.
            OG_LOCALES={"en": "en_GB", "zh-Hant": "zh_HK"},
            lang_chart_url=lang_chart_url,
            local_name=self.local_name,
            plain_name=self.plain_name,
        )

    def generate_context(self) -> None:
        """Load and assess the register; share the result with every template."""
        settings = from_pelican(self.settings)
        bureaus, glossary = load_content(self.settings["PATH"], settings.languages)
        targets = self.settings.get(VALIDATED_REGISTER)
        if targets is None:  # run by plain `pelican`, not through generator.build
            targets = load_register(
                settings.targets_path,
                reporting_quarter=settings.reporting_quarter,
                default_lang=settings.default_lang,
                bureaus=bureaus,
            )
        # Git history is read here, at the edge, once: the record and the corrections log
        # both derive from it; the core stays free of I/O beyond files.
        history = read_history(
            settings.targets_path,
            settings.default_lang,
            settings.record_since,
            cache=settings.chart_cache_path,
        )
        record = build_record(history, targets)
        self.portal = portal.build_portal(targets, settings, bureaus, record)
        for warning in misplaced_justifications(self.portal.assessments):
            logger.warning(warning)
        self.portal.corrections = corrections_from(history)
        self.portal.glossary = glossary
        self.context["portal"] = self.portal
        self.context["LANGUAGES"] = settings.languages
        # Each edition against the register as of its quarter: a second portal per edition.
        self.editions = editiondiff.published_editions(targets, settings, bureaus, record)
        self.context["EDITIONS"] = self.editions

    def generate_output(self, writer) -> None:
        """Write the charts, data files and feeds, then every page of the plan."""
        out = Path(self.output_path)
        charts_made = publish.render_charts(
            self.portal, lambda path, data: _write_file(out / path, data), console
        )
        self.settings.get(CHART_COUNTS, {}).update(
            rendered=charts_made.rendered, cached=charts_made.cached
        )
        for path, data in publish.site_files(self.portal):
            _write_file(out / path, data)
        for published in self.editions:  # the committed file, byte for byte
            _write_file(out / published.edition.data_url, published.edition.data)
        for lang in self.portal.settings.languages:
            with i18n.use(lang):
                editions = pages.edition_pages(self.editions)
                urls = [published.edition.data_url for published in self.editions]
                plan = pages.plan(self.portal, urls)
                for page in plan + editions + self.content_pages(lang):
                    self.write_page(writer, page, lang)

    def write_page(self, writer, page: pages.Page, lang: str) -> None:
        """Write one page in ``lang``, under that language's folder."""
        root = i18n.lang_root(lang, self.portal.settings.default_lang)
        writer.write_file(
            root + page.save_as,
            self.get_template(page.template),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            page_title=page.title,
            crumbs=page.crumbs,
            LANG=lang,
            LANG_ROOT=root,
            page_path=page.save_as,
            **page.variables,
        )

    def content_pages(self, lang: str) -> list[pages.Page]:
        """The hand-written pages under content/, each in ``lang`` where a translation exists."""
        found = []
        for original in self.context.get("pages", []):
            translated = [p for p in original.translations if canonical_tag(p.lang) == lang]
            page = translated[0] if translated else original
            save_as = f"pages/{original.slug}.html"
            variables = {"page": page, "content_lang": canonical_tag(page.lang)}
            found.append(
                pages.Page(save_as, page.template, page.title, ((page.title, ""),), variables)
            )
        return found

    def plain_name(self, name: str) -> str:
        """A name in the language being written, as plain text (for titles and attributes)."""
        return name_in(self.portal.glossary, name, i18n.current())

    def local_name(self, name: str) -> Markup:
        """A bureau, partner or area name in the language being written, from the glossary
        (bureaus: from bureaus.yaml).

        A name not given in that language is shown in the default language, marked with
        it so screen readers pronounce it right, and with a note like other one-language
        text.
        """
        lang = i18n.current() or self.portal.settings.default_lang
        default = self.portal.settings.default_lang
        translated = translate_name(self.portal.glossary, name, lang)
        if translated is not None or lang == default:
            return escape(translated or name)
        note = i18n.gettext("(%(language)s only)") % {"language": i18n.language_name(default, lang)}
        return Markup('<span lang="{}">{}</span> <small class="lang-note">{}</small>').format(
            default, name, note
        )


@pass_context
def lang_chart_url(context, name: str) -> str:
    """An overview chart with words in it, drawn in the language of the page being written."""
    return portal.chart_url(f"{context.get('LANG_ROOT', '')}{name}")


@pass_context
def absolute(context, path: str) -> str:
    """``path`` under the site's public address (SITEURL) when there is one, for link
    previews and search engines; relative to the page otherwise."""
    public = context["portal"].settings.siteurl.rstrip("/")
    return f"{public or context['SITEURL']}/{path}"


@pass_context
def href(context, path: str) -> str:
    """A link to ``path`` (site-relative) in the language of the page being written."""
    return f"{context['SITEURL']}/{context.get('LANG_ROOT', '')}{path}"


def _write_file(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8", newline="\n")


def add_template_helpers(pelican) -> None:
    """Make the portal's filters and helpers available to every template, pages included."""
    pelican.settings.setdefault("JINJA_FILTERS", {}).update(TEMPLATE_FILTERS)
    pelican.settings.setdefault("JINJA_GLOBALS", {}).update(TEMPLATE_GLOBALS)


def get_generators(pelican) -> type[Generator]:
    """Add the portal generator to Pelican's."""
    return PortalGenerator


def index_for_search(pelican) -> None:
    """Once every page is written, build each language's search index over them."""
    settings = from_pelican(pelican.settings)
    roots = [i18n.lang_root(lang, settings.default_lang) for lang in settings.languages]
    build_search_index(Path(pelican.output_path), roots)


def same_case_language(content) -> None:
    """Compare a page's ``Lang:`` with DEFAULT_LANG in lower case, as Pelican spells the
    setting: else ``Lang: zh-Hant`` on a zh-Hant site counts as a second original."""
    content.lang = content.lang.lower()
    content.in_default_lang = content.lang == content.settings["DEFAULT_LANG"].lower()


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.initialized.connect(add_template_helpers)
    signals.content_object_init.connect(same_case_language)
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(index_for_search)

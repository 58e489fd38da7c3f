"""Pelican glue: a generator that writes the portal's pages, charts and data files.

Everything it shows is computed by the pure core; this module only reads the
settings, hands the core's results to the theme's templates and writes files.
"""

from __future__ import annotations

import logging
from pathlib import Path

from jinja2 import pass_context
from markupsafe import Markup, escape
from pelican import Pelican, signals
from pelican.generators import Generator
from pelican.log import console
from pelican.writers import FileOverwriteFailedError

from .assess import moneywords, recordwords, wording
from .assess.corrections import corrections_from
from .assess.delays import misplaced_justifications
from .assess.publication import publication_facts
from .assess.status import MISSED
from .pelicansettings import add_defaults, portal_settings, portal_view, portal_writes_pages
from .portaltheme import replaced_static_files, static_files, use_portal_templates
from .project.loader import Project, load_project
from .project.settings import canonical_tag, from_pelican
from .register import i18n
from .register.errors import PortalError
from .register.model import in_language, shown_language
from .register.names import name_in, translate_name
from .site import charts, editiondiff, exports, markup, opendata, packs, pages, portal, publish
from .site.beside import Beside
from .site.dependencies import Dependencies, Memo
from .site.filestore import FileStore, KeptPage, RecordedPage, write_new
from .site.markup import render_markdown
from .site.publish import Written
from .site.search import build_search_index

logger = logging.getLogger(__name__)

TEMPLATE_FILTERS = {
    "markdown": render_markdown,
    "tr": i18n.gettext,  # for strings held in variables: plain text, escaped like any other
    "status_label": wording.status_label,
    "fmt_number": wording.fmt_number,
    "fmt_percent": wording.fmt_percent,
    "fmt_share": moneywords.fmt_share,
    "in_language": in_language,
    "shown_language": shown_language,
    "url_host": wording.url_host,
}
TEMPLATE_GLOBALS = {
    "wording": wording,
    "record_words": recordwords,
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


# The templates of the pages that link the PDF briefing packs (PDF_PACKS).
PACK_PAGES = ("briefing", "briefings")


class PortalGenerator(Generator):
    """Loads the register, assesses every target and writes the portal in every language."""

    run: Pelican | None = None
    """The Pelican run this generator class was made for (see ``get_generators``)."""

    def __init__(self, context, settings, *args, **kwargs) -> None:
        # The portal's pages as the portal needs them, whatever the site sets for its own.
        super().__init__(context, portal_view(settings), *args, **kwargs)
        self.use_portal_theme()
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

    def use_portal_theme(self) -> None:
        """Render with the portal's templates (THEME_TEMPLATES_OVERRIDES first) and its
        filters and helpers, not the site's THEME."""
        overrides = self.settings["THEME_TEMPLATES_OVERRIDES"]
        self._templates_path = use_portal_templates(self.env, overrides)
        self.env.filters.update(TEMPLATE_FILTERS)
        self.env.globals.update(TEMPLATE_GLOBALS)

    def generate_context(self) -> None:
        """Assess the project's register; share the result with every template."""
        project = getattr(self.run, "project", None)
        if project is None:  # run by plain `pelican`, not through generator.build
            project = load_project(from_pelican(self.settings), with_record=True)
        self.portal = portal.build_portal(
            project.targets, project.settings, project.bureaus, project.record
        )
        for warning in misplaced_justifications(self.portal.assessments):
            logger.warning(warning)
        self.portal.corrections = corrections_from(project.history)
        self.portal.glossary = project.glossary
        self.history = project.history  # the briefing packs' source line: the register's commit
        self.context["portal"] = self.portal
        self.context["LANGUAGES"] = project.settings.languages
        # Each edition against the register as of its quarter: a second portal per edition.
        self.editions = editiondiff.published_editions(
            project.targets, project.settings, project.bureaus, project.record
        )
        self.context["EDITIONS"] = self.editions
        # Published date, months covered, next update, edition: for every page's status bar.
        self.context["PUBLICATION"] = publication_facts(
            self.portal.quarter,
            project.settings.financial_year_start,
            project.settings.published_date,
            project.history,
            [published.edition.quarter for published in self.editions],
        )
        self.written = Written(
            targets=len(project.targets),
            missed=sum(1 for a in self.portal.assessments if a.status == MISSED),
            reporting_quarter=str(self.portal.quarter),
            removed=sum(1 for a in self.portal.assessments if a.removed),
        )

    def generate_output(self, writer) -> None:
        """Write the data files and feeds, then the pages while the charts and PDF packs
        are rendered beside them (their specs and HTML made first, in this thread)."""
        out = Path(self.output_path)
        markup.clear()  # each text converted once per build, remembered for this build only
        self.memo = self.make_memo(out)
        chart_work = publish.prepare_charts(
            self.portal, lambda path, data: write_new(out / path, data), self.memo
        )
        for path, data in publish.site_files(self.portal, self.release(), self.memo):
            write_new(out / path, data)
        for a in self.portal.assessments:  # each target's own document, for the next build
            self.memo.keep(exports.target_data_url(a.target.id), (a.target.id,))
        for path, data in static_files():  # the theme's css and js, whatever the site's THEME
            write_new(out / path, data)
        for published in self.editions:  # the committed file, byte for byte
            write_new(out / published.edition.data_url, published.edition.data)
        pack_work = self.prepare_packs(out)
        self.context["PDF_PACKS"] = pack_work.packs  # before the pages that link them
        with Beside() as beside:
            # One progress bar at a time: the charts', the longer part of a first build.
            charts_made = beside.run(chart_work.run, console)
            packs_made = beside.run(pack_work.run)
            page_paths = self.write_pages(writer)
        self.count(charts_made.result(), packs_made.result())
        # Every language has the same pages: the sitemap gives each in every language.
        published = self.context["PUBLICATION"].published_date
        for path, data in publish.basic_files(self.portal, page_paths, published):
            write_new(out / path, data)
        self.memo.save()
        self.written.files_reused = self.memo.reused
        if self.run is not None:
            self.run.written = self.written

    def count(self, charts_made, packs_made) -> None:
        """What the charts and packs cost, for the build's summary."""
        self.written.charts_rendered = charts_made.rendered
        # From the cache either way: the file store is under CHART_CACHE_PATH too.
        self.written.charts_cached = charts_made.cached + charts_made.kept
        self.written.packs_rendered = packs_made.rendered
        self.written.packs_cached = packs_made.cached + packs_made.kept
        self.written.packs_seconds = packs_made.seconds

    def make_memo(self, out: Path) -> Memo:
        """What this build may keep of earlier builds' files, and keeps of its own: nothing
        when run by plain ``pelican`` (``generator.build`` says what the inputs are)."""
        inputs = getattr(self.run, "site_inputs", None)
        if inputs is None:
            return Memo()
        store = FileStore(self.portal.settings.chart_cache_path, out, reuse=not self.run.fresh)
        extra = (self.context["PUBLICATION"], self.portal.settings.languages)
        return Memo(store, Dependencies(self.portal, inputs, extra))

    def write_pages(self, writer) -> list[str]:
        """Write every page of the plan in every language; their paths, in one language."""
        page_paths: list[str] = []
        for lang in self.portal.settings.languages:
            with i18n.use(lang):
                editions = pages.edition_pages(self.editions)
                urls = [published.edition.data_url for published in self.editions]
                plan = pages.plan(self.portal, urls)
                for page in plan + editions + self.content_pages(lang):
                    self.write_page(writer, page, lang)
                    self.written.pages += 1
                    page_paths.append(page.save_as)
        return page_paths

    def prepare_packs(self, out: Path):
        """The PDF briefing packs to render (``packs.PackWork``), their HTML made."""

        def write(path: str, data: bytes) -> None:
            write_new(out / path, data)

        source = publish.pack_source(self.history)  # the packs alone show the newest commit
        also = repr(sorted(source.items()))
        return publish.prepare_packs(self.portal, self.pack_html, write, self.memo, also)

    def pack_html(self, pack: packs.Pack, lang: str) -> str:
        """The HTML of one briefing pack in ``lang``, its links under the public address."""
        root = i18n.lang_root(lang, self.portal.settings.default_lang)
        with i18n.use(lang):
            return self.get_template("pdf_pack").render({
                **self.context,
                "SITEURL": self.portal.settings.siteurl.rstrip("/"),
                "LANG": lang,
                "LANG_ROOT": root,
                "pack": pack,
                "packs": packs,
                "source": publish.pack_source(self.history),
            })  # fmt: skip

    def release(self) -> opendata.Release:
        """What the open data say of their publication: the publication facts, the site's
        name and owner, its data licence, the committed editions."""
        return opendata.Release(
            publication=self.context["PUBLICATION"],
            site_name=self.settings["SITENAME"],
            publisher=self.settings["SITE_OWNER"],
            licence=self.settings["DATA_LICENSE"],
            licence_url=self.settings["DATA_LICENSE_URL"],
            editions=tuple(published.edition for published in self.editions),
        )

    def write_page(self, writer, page: pages.Page, lang: str) -> None:
        """Write one page in ``lang``, under that language's folder: as an earlier build
        made it, if the memo holds it, else rendered."""
        root = i18n.lang_root(lang, self.portal.settings.default_lang)
        path = root + page.save_as
        # The briefing pages link the PDF packs made, which depend on WeasyPrint running here.
        also = repr(sorted(self.context["PDF_PACKS"])) if page.template in PACK_PAGES else ""
        kept = self.memo.text(path, page.shows, also)
        template = (
            RecordedPage(self.get_template(page.template)) if kept is None else KeptPage(kept)
        )
        try:
            writer.write_file(
                path,
                template,
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                page_title=page.title,
                crumbs=page.crumbs,
                LANG=lang,
                LANG_ROOT=root,
                page_path=page.save_as,
                **page.variables,
            )
        except FileOverwriteFailedError:
            raise _taken(path) from None
        if kept is None:
            logger.debug("rendered %s", path)
            self.written.pages_rendered += 1
            self.memo.keep(path, page.shows, also, data=template.text.encode("utf-8"))

    def content_pages(self, lang: str) -> list[pages.Page]:
        """The hand-written pages under content/, each in ``lang`` where a translation exists."""
        if not portal_writes_pages(self.settings):
            return []  # Pelican writes them, in the site's theme
        found = []
        for original in self.context.get("pages", []):
            translated = [p for p in original.translations if canonical_tag(p.lang) == lang]
            page = translated[0] if translated else original
            save_as = f"pages/{original.slug}.html"
            variables = {"page": page, "content_lang": canonical_tag(page.lang)}
            # A hand-written page shows no target: its text is content, a site-wide input.
            crumbs = ((page.title, ""),)
            found.append(pages.Page(save_as, page.template, page.title, crumbs, variables, ()))
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


def _taken(path: str) -> PortalError:
    return PortalError(
        f"{path}: the site writes a page of its own there, where the portal writes one of "
        "its pages (they are at the root of the output: see the README's section 'Add the "
        "portal to an existing Pelican site'): move the site's page, its front page for "
        "one with INDEX_SAVE_AS = 'blog/index.html'"
    )


def add_settings_defaults(pelican) -> None:
    """Default the settings the portal's templates read, where the site sets none, and
    lend the site's templates the portal's filters and helpers under the names it leaves
    free (Pelican compiles a portal-only site's page templates with them)."""
    add_defaults(pelican.settings)
    filters = pelican.settings.setdefault("JINJA_FILTERS", {})
    helpers = pelican.settings.setdefault("JINJA_GLOBALS", {})
    for name, value in TEMPLATE_FILTERS.items():
        filters.setdefault(name, value)
    for name, value in TEMPLATE_GLOBALS.items():
        helpers.setdefault(name, value)


class PortalRun(Pelican):
    """A Pelican run of a project loaded and validated beforehand (by ``generator.build``).

    The portal generator takes the project from here instead of loading it again, and
    leaves ``written`` here: what it wrote (None if it did not run).
    """

    def __init__(
        self, settings: dict, project: Project, site_inputs: str | None = None, fresh: bool = False
    ) -> None:
        self.project = project
        self.written: Written | None = None
        self.site_inputs = site_inputs
        """The hash of the site-wide inputs (``fingerprint.site_inputs``): with it, the build
        keeps the files of earlier builds whose inputs are unchanged (``dependencies``)."""
        self.fresh = fresh
        """Make every file anew (``build --force``), keeping them for the next build."""
        super().__init__(settings)


def get_generators(pelican: Pelican) -> type[Generator]:
    """Add the portal generator to Pelican's, made for this run (its project, its report)."""
    return type("PortalGenerator", (PortalGenerator,), {"run": pelican})


def index_for_search(pelican) -> None:
    """Once every page is written, build each language's search index over them."""
    settings = portal_settings(pelican.settings)
    roots = [i18n.lang_root(lang, settings.default_lang) for lang in settings.languages]
    # Kept by what Pagefind reads of the pages: a change no search sees costs no new index.
    cache = None if settings.chart_cache_path is None else settings.chart_cache_path / "search"
    build_search_index(Path(pelican.output_path), roots, cache)


def check_static_files(pelican) -> None:
    """Refuse a site whose theme's own files replaced the portal's css or js (Pelican copies
    the site's THEME static files after the portal has written its own)."""
    replaced = replaced_static_files(Path(pelican.output_path), static_files())
    if replaced:
        raise PortalError(
            f"{', '.join(replaced)}: the site's THEME has a file of the same name, which "
            "replaced the portal's: rename it, or set THEME_STATIC_DIR to another folder "
            "than 'theme'"
        )


def same_case_language(content) -> None:
    """Compare a page's ``Lang:`` with DEFAULT_LANG in lower case, as Pelican spells the
    setting: else ``Lang: zh-Hant`` on a zh-Hant site counts as a second original."""
    content.lang = content.lang.lower()
    content.in_default_lang = content.lang == content.settings["DEFAULT_LANG"].lower()


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.initialized.connect(add_settings_defaults)
    signals.content_object_init.connect(same_case_language)
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(check_static_files)
    signals.finalized.connect(index_for_search)

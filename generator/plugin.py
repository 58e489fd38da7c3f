"""Pelican glue: a generator that writes the portal's pages, charts and data files.

Everything it shows is computed by the pure core; this module only reads the
settings, hands the core's results to the theme's templates and writes files.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from . import charts, exports, pages, portal, publish, wording
from .build import VALIDATED_REGISTER
from .corrections import corrections_log
from .delays import misplaced_justifications
from .markup import render_markdown
from .model import in_language
from .register import load_register
from .settings import from_pelican

logger = logging.getLogger(__name__)

TEMPLATE_FILTERS = {
    "markdown": render_markdown,
    "status_label": wording.status_label,
    "fmt_number": wording.fmt_number,
    "fmt_percent": wording.fmt_percent,
    "in_language": in_language,
    "url_host": wording.url_host,
}
TEMPLATE_GLOBALS = {
    "wording": wording,
    "target_url": portal.target_url,
    "delay_url": portal.delay_url,
    "chart_url": portal.chart_url,
    "expected_at": charts.expected_at,
    "group_title": pages.group_title,
    "briefing_url": pages.briefing_url,
    "target_data_url": exports.target_data_url,
    "quarter_url": pages.quarter_url,
    "feed_paths": exports.feed_paths,
    "GROUP_TITLES": pages.GROUP_TITLES,
}


class PortalGenerator(Generator):
    """Loads the register, assesses every target and writes the portal."""

    def generate_context(self) -> None:
        """Load and assess the register; share the result with every template."""
        settings = from_pelican(self.settings)
        targets = self.settings.get(VALIDATED_REGISTER)
        if targets is None:  # run by plain `pelican`, not through generator.build
            targets = load_register(
                settings.targets_path,
                reporting_quarter=settings.reporting_quarter,
                default_lang=settings.default_lang,
            )
        self.portal = portal.build_portal(targets, settings)
        for warning in misplaced_justifications(self.portal.assessments):
            logger.warning(warning)
        # Git history is read here, at the edge: the core stays free of I/O beyond files.
        self.portal.corrections = corrections_log(settings.targets_path)
        self.context["portal"] = self.portal

    def generate_output(self, writer) -> None:
        """Write the charts, data files and feeds, then every page of the plan."""
        out = Path(self.output_path)
        for path, text in publish.site_files(self.portal):
            _write_text(out / path, text)
        for page in pages.plan(self.portal):
            writer.write_file(
                page.save_as,
                self.get_template(page.template),
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                page_title=page.title,
                crumbs=page.crumbs,
                **page.variables,
            )


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def add_template_helpers(pelican) -> None:
    """Make the portal's filters and helpers available to every template, pages included."""
    pelican.settings.setdefault("JINJA_FILTERS", {}).update(TEMPLATE_FILTERS)
    pelican.settings.setdefault("JINJA_GLOBALS", {}).update(TEMPLATE_GLOBALS)


def get_generators(pelican) -> type[Generator]:
    """Add the portal generator to Pelican's."""
    return PortalGenerator


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.initialized.connect(add_template_helpers)
    signals.get_generators.connect(get_generators)

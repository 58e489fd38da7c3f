"""Pelican settings for the KPI portal. Portal settings are documented in README.md."""

from pathlib import Path

HERE = Path(__file__).parent

SITENAME = "Policy Targets Tracker"
SITE_OWNER = "Office of the Chief Secretary (sample)"
SITEURL = ""
RELATIVE_URLS = True
PATH = "content"
THEME = "theme"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
# Every page is published in each language; the first (DEFAULT_LANG) at the site root,
# the others under a folder each (zh-hant/). Interface strings: generator/locale/.
LANGUAGES = ["en", "zh-Hant"]
# True: refuse titles and descriptions not given in every language. False: show the
# language there is, marked, with a note.
REQUIRE_TRANSLATIONS = False

# --- Portal settings (see README "Settings") ---
# The register folder: every *.yaml file below it is one target.
TARGETS_PATH = str(HERE / "targets")
# The quarter statuses are computed as of, e.g. "2026-Q3". None: the latest quarter
# found in any progress entry. Never the clock, so builds are reproducible.
REPORTING_QUARTER = None
# How far (0..1) progress may trail the straight-line path before a target is at risk.
AT_RISK_LAG = 0.20
# How far (0..1) spending may trail the time gone, or run ahead of the result, before a
# target with a budget is flagged funds_idle or spending_ahead_of_results.
SPEND_LAG = 0.20
# Show on every page that the register is illustrative sample data.
SAMPLE_DATA = True
# Where publication of the sample register began: earlier commits (years of development
# edits) are drafts, not amendments (see REGISTER.md, "The published record").
RECORD_SINCE = "38ccafe185e7fc4ec857e55f58e7a9f0b8837fa6"

# The licence of the published data, shown on the open data page.
DATA_LICENSE = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
DATA_LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"

PLUGINS = ["generator.plugin"]

# Register text is untrusted: escape everything unless a template says otherwise.
JINJA_ENVIRONMENT = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True}

# A site that is the portal alone: Pelican writes none of its own pages, feeds or lists
# (there are no articles), and the portal writes content/pages itself, once per language
# (pages/{slug}.html). A host site adding the portal to its own leaves this line out.
from generator.portalonly import *  # noqa: E402, F403

# Only hand-written pages, and no static content files.
PAGE_PATHS = ["pages"]
STATIC_PATHS = []

DELETE_OUTPUT_DIRECTORY = True
# Keep builds byte-identical: no build dates or cache files in the output.
LOAD_CONTENT_CACHE = False
CACHE_CONTENT = False

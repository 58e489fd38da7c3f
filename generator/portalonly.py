"""Settings for a Pelican site that is the portal alone, as this repository's is.

A settings file takes them all with ``from generator.portalonly import *``: Pelican then
writes none of its own pages, feeds or lists (the site has no articles), and the portal
writes the hand-written pages of ``content/pages`` itself, in its theme and in every
language (``pages/{slug}.html``). A host site, whose articles, categories and feeds
Pelican writes, leaves this out. Set here, in the settings file, not by the plugin:
Pelican checks its feed settings as it reads the file.
"""

__all__ = [
    "ARTICLE_PATHS", "DIRECT_TEMPLATES", "PAGE_URL", "PAGE_SAVE_AS", "PAGE_LANG_URL",
    "PAGE_LANG_SAVE_AS", "ARTICLE_SAVE_AS", "CATEGORY_SAVE_AS", "TAG_SAVE_AS",
    "AUTHOR_SAVE_AS", "ARCHIVES_SAVE_AS", "CATEGORIES_SAVE_AS", "TAGS_SAVE_AS",
    "AUTHORS_SAVE_AS", "FEED_ALL_ATOM", "CATEGORY_FEED_ATOM", "TRANSLATION_FEED_ATOM",
    "AUTHOR_FEED_ATOM", "AUTHOR_FEED_RSS", "DEFAULT_PAGINATION",
]  # fmt: skip

# No articles, and so no article, category, tag, author or archive pages.
ARTICLE_PATHS: list[str] = []
DIRECT_TEMPLATES: list[str] = []
ARTICLE_SAVE_AS = ""
CATEGORY_SAVE_AS = ""
TAG_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
TAGS_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
DEFAULT_PAGINATION = False
# The portal writes content/pages itself, once per language (pages/{slug}.html).
PAGE_URL = ""
PAGE_SAVE_AS = ""
PAGE_LANG_URL = ""
PAGE_LANG_SAVE_AS = ""
# No article feeds: the portal writes its own (feeds/status.xml, feeds/missed.xml).
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

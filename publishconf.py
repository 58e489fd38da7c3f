"""Settings for publishing: pelicanconf.py plus the public address of the site."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403

# The public address, e.g. https://targets.example.gov; links stay relative either way.
SITEURL = os.environ.get("PORTAL_SITEURL", "")
RELATIVE_URLS = True
SAMPLE_DATA = os.environ.get("PORTAL_SAMPLE_DATA", "1") == "1"

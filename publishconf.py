"""Settings for publishing: pelicanconf.py plus the public address of the site."""

import os
import sys
from pathlib import Path

# pelicanconf.py beside this file, whichever folder the build is run from.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from pelicanconf import *  # noqa: E402,F403

# The public address, e.g. https://targets.example.gov; links stay relative either way.
# The portal checks it at start-up: an http(s) address, or empty.
SITEURL = os.environ.get("PORTAL_SITEURL", "")
RELATIVE_URLS = True

_SAMPLE = os.environ.get("PORTAL_SAMPLE_DATA", "1").strip()
if _SAMPLE not in ("1", "0"):
    # Anything else was once read as 0: a typo such as "true" hid the sample-data notice.
    raise ValueError(
        f"PORTAL_SAMPLE_DATA: {_SAMPLE!r} must be 1 (sample data) or 0 (a real register)"
    )
SAMPLE_DATA = _SAMPLE == "1"

# A published site must show the whole record: refuse to build from a shallow clone or a
# copy without git history (fetch the full history: git fetch --unshallow).
REQUIRE_HISTORY = True

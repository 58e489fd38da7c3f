"""Every file under ``data/``, as the site publishes it: the published record (``exports``),
the open data beside it (``opendata``), the two JSON Schemas, the data package descriptor
(``datapackage``) and the zip of them all.

The descriptor and the zip are made last, from the bytes of every other data file, the
committed editions included (the plugin writes those byte for byte): the zip holds exactly
the files published under ``data/``, and the descriptor their sizes and hashes.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..register.schema import schema_json
from . import datapackage, exports, opendata, targetschema
from .opendata import Release
from .portal import Portal


def data_files(portal: Portal, release: Release, memo=None) -> Iterator[tuple[str, str | bytes]]:
    """Every data file, as (site-relative path, text or bytes); the editions excepted,
    which the plugin copies from EDITIONS_PATH. ``memo`` (``dependencies.Memo``) gives
    each target's document as an earlier build made it from the same inputs."""
    texts = dict(_texts(portal, release, memo))
    published = {path: text.encode("utf-8") for path, text in texts.items()}
    published |= {edition.data_url: edition.data for edition in release.editions}
    package = datapackage.descriptor(portal, release, published)
    published[datapackage.DESCRIPTOR_PATH] = package.encode("utf-8")
    yield from texts.items()
    yield datapackage.DESCRIPTOR_PATH, package
    date = release.publication.published_date
    yield opendata.ZIP_PATH, opendata.data_zip(published, date)


def _texts(portal: Portal, release: Release, memo=None) -> Iterator[tuple[str, str]]:
    """The data files that are text: tables, JSON documents and schemas."""
    yield "data/targets.json", exports.targets_json(portal, opendata.about_fields(portal, release))
    yield "data/targets.csv", exports.targets_csv(portal)
    yield "data/progress.csv", opendata.progress_csv(portal)
    yield "data/bureaus.csv", opendata.bureaus_csv(portal)
    yield "data/overdue.csv", exports.overdue_csv(portal)
    yield "data/history.csv", exports.history_csv(portal)
    yield "data/amendments.csv", exports.amendments_csv(portal)
    corrections = opendata.corrections_csv(portal)
    if corrections is not None:  # unavailable: not published, rather than empty
        yield "data/corrections.csv", corrections
    yield "data/schema.json", schema_json()
    yield targetschema.SCHEMA_PATH, targetschema.targets_schema_json()
    lang = portal.settings.default_lang
    for a in portal.assessments:
        path = exports.target_data_url(a.target.id)
        kept = memo.data(path, (a.target.id,)) if memo is not None else None
        if kept is not None:
            yield path, kept.decode("utf-8")
            continue
        history = portal.histories.get(a.target.id, ())
        yield path, exports.target_json(a, lang, portal.bureaus, history)

"""The register read and checked: files, YAML, figures, text, fields, validation,
the typed model, bureaus and names.

The lowest layer: it imports nothing else of the portal.
"""

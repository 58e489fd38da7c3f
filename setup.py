"""What pyproject.toml cannot say: the packages found, plus the theme mapped into them.

The theme is kept at the top of the repository (``theme/``) and ships inside the package
as ``generator/theme``, where the plugin finds its templates and static files wherever
the portal is installed (``generator/portaltheme.py``). Every other setting, the package
data included, is in pyproject.toml.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["generator", "generator.*"]), "generator.theme"],
    package_dir={"generator.theme": "theme"},
)

"""casualty-schema: claims about civilian casualties of airstrikes, their schema and validator."""

from casualty_schema.bundled import bundled_package, bundled_version

__version__ = bundled_version()
PACKAGE_PATH = bundled_package()

__all__ = ["PACKAGE_PATH", "__version__", "bundled_package"]

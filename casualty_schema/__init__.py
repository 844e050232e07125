"""casualty-schema: claims about civilian casualties of airstrikes, their schema and validator.

The library API::

    casualty_schema.validate(path) -> Report     # never raises for bad data
    casualty_schema.load(path) -> {resource: polars.DataFrame}   # typed, validated
    casualty_schema.schema(resource) -> pandera.polars.DataFrameSchema   # derived
    casualty_schema.RULES                        # the rule registry
    casualty_schema.PACKAGE_PATH                 # the bundled datapackage.json
"""

from casualty_schema.api import InvalidPackageError, load, validate
from casualty_schema.downstream.pandera import schema
from casualty_schema.package.bundled import bundled_package, bundled_version
from casualty_schema.pipeline import UnknownRuleError
from casualty_schema.report import Report
from casualty_schema.rules import RULES, Rule

__version__ = bundled_version()
PACKAGE_PATH = bundled_package()

__all__ = [
    "PACKAGE_PATH",
    "RULES",
    "InvalidPackageError",
    "Report",
    "Rule",
    "UnknownRuleError",
    "__version__",
    "bundled_package",
    "load",
    "schema",
    "validate",
]

"""casualty-schema: claims about civilian casualties of airstrikes, their schema and validator.

The library API::

    casualty_schema.validate(path) -> Report     # never raises for bad data
    casualty_schema.load(path) -> {resource: polars.DataFrame}   # typed, validated
    casualty_schema.schema(resource) -> pandera.polars.DataFrameSchema   # derived
    casualty_schema.RULES                        # the rule registry
    casualty_schema.PACKAGE_PATH                 # the bundled datapackage.json
    casualty_schema.extract.extract(text) -> Extraction   # an article's candidate claims

Each name is imported from its module when first used (PEP 562), so that ``import
casualty_schema`` — and the command line's ``--version`` and ``--help`` — cost no polars,
pandera or frictionless import.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from casualty_schema.package.bundled import bundled_package, bundled_version

if TYPE_CHECKING:
    from casualty_schema.api import InvalidPackageError, load, validate
    from casualty_schema.domain import numerals
    from casualty_schema.downstream.pandera import schema
    from casualty_schema.pipeline import UnknownRuleError
    from casualty_schema.report import Report
    from casualty_schema.rules import RULES, Rule

__version__ = bundled_version()
PACKAGE_PATH = bundled_package()

#: name -> the module it is imported from on first use.
_LAZY = {
    "InvalidPackageError": "casualty_schema.api",
    "load": "casualty_schema.api",
    "validate": "casualty_schema.api",
    "schema": "casualty_schema.downstream.pandera",
    "UnknownRuleError": "casualty_schema.pipeline",
    "Report": "casualty_schema.report",
    "RULES": "casualty_schema.rules",
    "Rule": "casualty_schema.rules",
    "numerals": "casualty_schema.domain",  # its home before 0.2: casualty_schema.numerals
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'casualty_schema' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


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
    "numerals",
    "schema",
    "validate",
]

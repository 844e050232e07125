"""Where the bundled data package lives.

In a source checkout the package is the repository root (``datapackage.json`` beside
``casualty_schema/``); in an installed wheel it is this directory, ``casualty_schema/package/``,
where the build puts a copy (see ``[tool.hatch.build.targets.wheel.force-include]``).
"""

from __future__ import annotations

import json
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def bundled_package() -> Path:
    """Path of the bundled ``datapackage.json``: the schema and data of this version."""
    for candidate in (_HERE / "datapackage.json", _HERE.parent.parent / "datapackage.json"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        "the bundled datapackage.json is missing from this installation of casualty-schema"
    )


def bundled_version() -> str:
    """The one version of the data, the schema and this package, read from the descriptor."""
    descriptor = json.loads(bundled_package().read_text(encoding="utf-8"))
    version = descriptor["version"]
    if not isinstance(version, str):
        raise TypeError("datapackage.json: 'version' must be a string")
    return version

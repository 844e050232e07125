"""The data package itself: its descriptor (``descriptor``; its JSON read within limits:
``reading``), where a package is read from
(``source``: a directory, a release archive, a git ref), remote resources fetched on request
(``remote``), and the bundled package of this version (``bundled``).

In an installed wheel this directory also holds the bundled ``datapackage.json`` and
``data/`` (see ``[tool.hatch.build.targets.wheel.force-include]`` in pyproject.toml)."""

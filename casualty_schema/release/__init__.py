"""Cutting a release: :func:`make_release` (the steps, :mod:`~casualty_schema.release.steps`),
the journal that lets a killed release be rolled back (:mod:`~casualty_schema.release.journal`),
the layout-keeping descriptor editor (:mod:`~casualty_schema.release.json_edit`), CHANGELOG
editing (:mod:`~casualty_schema.release.changelog`), the reproducible archive
(:mod:`~casualty_schema.release.archive`) and versions (:mod:`~casualty_schema.release.version`).
"""

from casualty_schema.release.changelog import released_versions, update_changelog
from casualty_schema.release.journal import journal_path, recover
from casualty_schema.release.json_edit import update_descriptor
from casualty_schema.release.steps import ReleaseError, ReleaseRefused, ReleaseResult, make_release
from casualty_schema.release.version import Version

__all__ = [
    "ReleaseError",
    "ReleaseRefused",
    "ReleaseResult",
    "Version",
    "journal_path",
    "make_release",
    "recover",
    "released_versions",
    "update_changelog",
    "update_descriptor",
]

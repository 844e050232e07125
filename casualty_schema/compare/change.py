"""One classified difference between two versions, and the version bump it needs."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

__all__ = ["Bump", "Change"]


class Bump(IntEnum):
    """The version bump a change needs; ordered, so the largest wins."""

    NONE = 0
    PATCH = 1
    MINOR = 2
    MAJOR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    def __str__(self) -> str:
        return self.label

    @classmethod
    def parse(cls, text: str) -> Bump:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown bump {text!r}: major, minor or patch") from None


@dataclass(frozen=True)
class Change:
    """One classified difference."""

    bump: Bump
    kind: str  # a stable id: field-removed, constraint-tightened, rows-added, …
    summary: str  # what changed, in words
    reason: str  # why it needs ``bump``
    resource: str | None = None
    field: str | None = None
    before: Any = None
    after: Any = None

    @property
    def where(self) -> str:
        return ".".join(p for p in (self.resource, self.field) if p) or "package"

    def to_dict(self) -> dict[str, Any]:
        return {
            "bump": self.bump.label,
            "kind": self.kind,
            "resource": self.resource,
            "field": self.field,
            "summary": self.summary,
            "reason": self.reason,
            "before": self.before,
            "after": self.after,
        }

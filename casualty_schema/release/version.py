"""Release versions: ``MAJOR.MINOR.PATCH``, ordered, and bumped by a
:class:`~casualty_schema.compare.change.Bump`."""

from __future__ import annotations

from dataclasses import dataclass

from casualty_schema.compare.change import Bump
from casualty_schema.package.source import VERSION

__all__ = ["VERSION", "Version"]


@dataclass(frozen=True, order=True)
class Version:
    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> Version:
        match = VERSION.fullmatch(text.strip())
        if match is None:
            raise ValueError(f"{text!r} is not a version MAJOR.MINOR.PATCH (such as 1.2.0)")
        return cls(*(int(g) for g in match.groups()))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    def bumped(self, bump: Bump) -> Version:
        if bump is Bump.MAJOR:
            return Version(self.major + 1, 0, 0)
        if bump is Bump.MINOR:
            return Version(self.major, self.minor + 1, 0)
        if bump is Bump.PATCH:
            return Version(self.major, self.minor, self.patch + 1)
        return self

    def bump_to(self, new: Version) -> Bump:
        """Which bump ``self`` → ``new`` is (``new`` is greater)."""
        if new.major != self.major:
            return Bump.MAJOR
        if new.minor != self.minor:
            return Bump.MINOR
        return Bump.PATCH if new.patch != self.patch else Bump.NONE

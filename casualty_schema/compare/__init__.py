"""Comparing two versions of a package: what changed and the version bump it needs."""

"""What ``casualty-schema release`` says: the result of a release, or why it was refused."""

from __future__ import annotations

from casualty_schema.release import ReleaseRefused, ReleaseResult
from casualty_schema.render.diff import MEANING


def result_text(result: ReleaseResult) -> str:
    """The lines printed on standard output for a release made (or, on a dry run, checked)."""
    baseline = result.baseline
    if baseline and result.baseline_commit:
        baseline += f", {result.baseline_found or 'commit ' + result.baseline_commit[:12]}"
    since = (
        f"from {result.previous} ({baseline}): a {result.bump.label} release"
        if result.baseline
        else "first release"
    )
    verb = "would release" if result.dry_run else "released"
    lines = [
        f"{verb} {result.name} {result.version}, {since}",
        f"required bump: {result.required_bump.label} — {MEANING[result.required_bump]}",
        f"created: {result.created}",
        f"archive: {result.archive} ({len(result.entries)} entries)",
        f"sha256:  {result.sha256}",
    ]
    if result.tag:
        lines.append(f"tag:     {result.tag}")
    if result.dry_run:
        lines += ["", "the CHANGELOG section it would write:", "", result.section.rstrip()]
    return "\n".join(lines) + "\n"


def refusal_text(refusal: ReleaseRefused) -> str:
    """The lines printed on standard error for a refused release."""
    return "\n".join(["release refused:", *(f"  {reason}" for reason in refusal.reasons)]) + "\n"


RECOVERED = "rolled back an interrupted release first (its journal was left behind)"

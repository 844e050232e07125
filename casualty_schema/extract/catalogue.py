"""What extraction knows of a package: its metrics, places, actors, sources and claims, read
through the validator's own reader (:mod:`casualty_schema.check.structure`: the rows without
structural errors, typed), or given as rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casualty_schema.extract.metrics import Metric, Metrics
from casualty_schema.extract.names import Actor, Place, Places, Speakers

__all__ = ["CLAIM_FIELDS", "Catalogue"]

#: The columns of a candidate when the package's claims resource cannot say (its fields).
CLAIM_FIELDS = (
    "claim_id",
    "source_id",
    "claimant_id",
    "perpetrator_id",
    "claim_date",
    "metric",
    "places",
    "period_start",
    "period_end",
    "qualifier",
    "value",
    "value_max",
    "value_text",
    "stance",
    "quote",
    "quote_lang",
    "quote_en",
    "notes",
)


@dataclass(frozen=True)
class Catalogue:
    """What extraction knows of a package: its metrics, places, actors, sources and claims."""

    metrics: Metrics
    places: Places
    speakers: Speakers
    sources: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    claims: Sequence[Mapping[str, Any]] = ()
    columns: tuple[str, ...] = CLAIM_FIELDS
    delimiter: str = ","
    campaign_start: str | None = None
    root: Path | None = None

    @classmethod
    def read(cls, package: Path) -> Catalogue:
        """The catalogue of the package at ``package`` (its rows without structural errors).
        Raises DescriptorError for a descriptor that cannot be used."""
        from casualty_schema.check.structure import check_structure
        from casualty_schema.package.descriptor import load_package

        spec = load_package(package, check_profile=False)  # the profile is validate's to check
        structure = check_structure(spec)

        def rows(name: str) -> list[dict[str, Any]]:
            frame = structure.frames.get(name)
            return frame.to_dicts() if frame is not None else []

        claims = spec.resources.get("claims")
        columns = tuple(f.name for f in claims.fields) if claims is not None else CLAIM_FIELDS
        delimiter = ","
        if claims is not None and "places" in claims.field_names:
            delimiter = claims.field("places").delimiter
        return cls.of(
            metrics=rows("metrics"),
            places=rows("places"),
            actors=rows("actors"),
            sources=rows("sources"),
            claims=rows("claims"),
            columns=columns,
            delimiter=delimiter,
            campaign_start=spec.temporal[0],
            root=spec.root,
        )

    @classmethod
    def of(
        cls,
        *,
        metrics: Iterable[Mapping[str, Any]] = (),
        places: Iterable[Mapping[str, Any]] = (),
        actors: Iterable[Mapping[str, Any]] = (),
        sources: Iterable[Mapping[str, Any]] = (),
        claims: Iterable[Mapping[str, Any]] = (),
        columns: tuple[str, ...] = CLAIM_FIELDS,
        delimiter: str = ",",
        campaign_start: str | None = None,
        root: Path | None = None,
    ) -> Catalogue:
        """A catalogue from rows (dicts keyed by field names, as in the CSV files)."""

        def text(row: Mapping[str, Any], name: str) -> str:
            value = row.get(name)
            return "" if value is None else str(value)

        def words(value: Any) -> tuple[str, ...]:
            if isinstance(value, str):
                return tuple(w.strip() for w in value.split(",") if w.strip())
            return tuple(str(w) for w in value or ())

        return cls(
            metrics=Metrics(
                Metric(
                    text(m, "metric_id"),
                    text(m, "label_en"),
                    text(m, "label_ar"),
                    words(m.get("keywords")),
                )
                for m in metrics
            ),
            places=Places(
                Place(text(p, "place_id"), text(p, "name"), text(p, "name_en")) for p in places
            ),
            speakers=Speakers(
                Actor(
                    text(a, "actor_id"),
                    text(a, "name"),
                    text(a, "name_en"),
                    text(a, "kind"),
                    a.get("parent_id") or None,
                )
                for a in actors
            ),
            sources={text(s, "source_id"): s for s in sources},
            claims=tuple(claims),
            columns=columns,
            delimiter=delimiter,
            campaign_start=campaign_start,
            root=root,
        )

"""Curation help: the claims an archived article states, proposed one per figure for a curator
to review, and what the package already records of them (``casualty-schema extract``).

::

    from casualty_schema.extract import extract
    found = extract(text, source_id="horrya-2019-06-01-coalition-1300")
    found.candidates     # one proposed claim per figure, with curated_as and the reasons
    found.skipped        # the numbers that are no counts (years, dates, …), with why
    found.to_dict()      # {"candidates": [...], "skipped": [...], "curation": {...}}

The modules: :mod:`.sentences` (sentences and the piece each figure is quoted from),
:mod:`.figures` (every number, and whether it is a count), :mod:`.periods` (period phrases
as partial dates), :mod:`.metrics` (the metric), :mod:`.names` (places and the speaker, with
:mod:`.words`, words matched however they are spelled), :mod:`.catalogue` (the package, as
extraction reads it), :mod:`.curated` (what the package already records), :mod:`.core` (the
candidates). The numeral reader, the hedge words and the month names are those of
the rules (:mod:`casualty_schema.domain`), so what is proposed validates.
"""

from casualty_schema.extract.catalogue import Catalogue
from casualty_schema.extract.core import Candidate, ExtractError, Extraction, Skipped, extract

__all__ = ["Candidate", "Catalogue", "ExtractError", "Extraction", "Skipped", "extract"]

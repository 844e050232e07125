"""What the rules know about the domain, free of any file or frame of the package: numbers as
news writes them (``numerals``, reading with ``tokens``, ``digits`` and the word tables of
``lexicon``; writing with ``spelling``), where a figure stands in its quote (``occurrence``)
and the hedge words beside it (``hedges``, with spelling-tolerant ``patterns``), a claim's
bounds (``bounds``), partial dates (``partial_date``), nesting of periods and places
(``containment``), cycles (``graph``) and text folding for matching (``fold``)."""

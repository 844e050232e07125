"""What the rules know about the domain, free of any file or frame of the package: numbers as
news writes them (``numerals``), a claim's bounds (``bounds``), partial dates
(``partial_date``), nesting of periods and places (``containment``), cycles (``graph``) and
text folding for matching (``fold``)."""

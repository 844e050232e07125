"""The structural stage of validation and the checks around it: reading a CSV file as text
(``csv``), the Table Schema checks (``structure``; patterns only Python's ``re`` can check,
under a limit of CPU time: ``backtracking``), the recorded ``bytes``/``hash``
(``integrity``), conformance of a downstream package to the canonical schema
(``conformance``), and keeping only the findings on changed rows (``changed``)."""

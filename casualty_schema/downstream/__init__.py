"""For projects that build on the schema: a new package on it (``init``), the schema as
standalone Table Schema or JSON Schema files (``export``), and the pandera schemas of the
typed frames (``pandera``)."""

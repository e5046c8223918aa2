"""Model: what the data files hold and how they are read.

Owns the pydantic models of every data file of a campaign (``schema``: ``chien-dich.yaml``,
``ke-hoach.yaml``, ``de-cuong.yaml``, ``phu-luc.yaml``, ``don-vi.csv`` …, and the one reading of a
Vietnamese date) and the loader that reads YAML, CSV and Excel keeping each value's file and
line, so every later message can say where (``loader``).

May import: ``generator.base``.
"""

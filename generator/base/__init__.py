"""Base: what every stage stands on, and nothing of a campaign.

Owns the typed errors and their Vietnamese wording (``exceptions``), reading untrusted Office
packages within budgets (``ooxml``), writing a file atomically and packing a deterministic zip
(``writer``), the all-or-nothing journal that puts a batch of outputs in place (``transaction``), the
worker processes a batch is spread over (``workers``),
and the font metrics a line is measured with (``measure``, ``font_metrics.json``).

May import: the standard library and third-party libraries only — no other part of vanban.
"""

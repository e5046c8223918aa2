"""Documents: from a campaign's facts to Word and Excel files.

Owns one context builder per document (``contexts``: plan, outline, forms, unit skeleton,
consolidated report, digest, return letter), the strict sandboxed Jinja environment
(``environment``), rendering a docxtpl template fast and deterministically (``renderer``), the
appendix tables (``tables``) and workbooks (``xlsx``), the traceability workbook (``trace``),
the kits a tier sends down (``kit``), PDF/A with empty signature fields through LibreOffice and
pyHanko (``pdf``), the Office theme part (``theme``) and the record of what was written
(``manifest``).

May import: ``generator.base``, ``model``, ``formats``, ``config``, ``review`` (the consolidated
report prints only reviewed figures and the draft mark). Never the readers of returns or the
application.
"""

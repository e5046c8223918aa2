"""Config: a campaign as facts — loaded, validated, and ready for the documents.

Owns the validation of a campaign's data with every error collected up front (``validate``),
the campaign's derived facts (``campaign``: levels, units, deadlines and what "late" means),
the outline's structure and part names (``structure``), the appendix forms' layout per level
and kind (``layout``, made once per shape of unit: ``shapes``), the one reading of a typed
figure (``figures``), and the records of what each unit sent (``store``, ``bao-cao/``).

May import: ``generator.base``, ``generator.model``, ``generator.formats``.
"""

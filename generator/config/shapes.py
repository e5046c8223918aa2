"""What every unit of the same shape shares, made once: a campaign of 10.000 units has a few
dozen shapes (which appendix tables and rows apply to a unit: its kind and level).

The layouts of a unit's forms (``layout.layouts``) are kept per shape, the shape being what
they are made from — whether each table and each row applies to the unit (``layout.applies``)
— so the same :class:`FormLayout` objects (and what they compute once: cells, numbers) serve
every unit of a shape. The caches name objects by identity and keep them alive, so no other
object can take one of their ids while an entry stands; they are bounded, as a long-running
server loads many campaigns.
"""

from __future__ import annotations

from .layout import FormLayout, applies, layouts

_MAX = 256


class Bounded(dict):
    """A dict that forgets its oldest entry past ``_MAX`` entries."""

    def put(self, key, value):
        if len(self) >= _MAX:
            self.pop(next(iter(self)))
        self[key] = value
        return value


_LAYOUTS = Bounded()


def shape(tables: list, unit) -> tuple:
    """What the unit's forms are made from: each table's rows that apply to it (None: the
    table does not)."""
    if unit is None:
        return (id(tables), None)
    return (id(tables), tuple(tuple(applies(r.applies_to, unit) for r in t.rows)
                              if applies(t.applies_to, unit) else None for t in tables))


def layouts_of(tables: list, unit) -> list[FormLayout]:
    """``layouts(tables, unit)``, the same objects for every unit of the same shape."""
    key = shape(tables, unit)
    hit = _LAYOUTS.get(key)
    if hit is None or hit[0] is not tables:
        hit = _LAYOUTS.put(key, (tables, layouts(tables, unit)))
    return list(hit[1])

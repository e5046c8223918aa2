"""A document drawn once for every unit of the same shape, each unit's own words put in.

Two units' skeletons of the same kind and level differ in a few texts only: the name of the
issuing committee in the header, the deadline note that names the unit, the «(Kèm theo Báo
cáo … của <unit>)» line over each appendix. Everything else — the outline, the tables, the
signature, the part marks, every rule applied after the template has run (line breaks, the
symbols' hyphens, keeping lines together, the sections) — comes out byte for byte the same.

So a context builder may hand the renderer a :class:`Framed`: a key naming everything but
those texts (the *slots*), the slots' values, and the same context with each slot replaced by
a mark. The renderer (:class:`~generator.documents.renderer.CompiledTemplate`) draws the
marked context once per key, through the whole normal pipeline, and keeps the result cut at
the marks: a *frame*. Each unit of that key is then the frame with its own texts put in, each
written as the pipeline would have written it (:func:`slot_text`).

Nothing is trusted: the first unit of every key is drawn both ways and the frame is kept only
if the two are the same bytes; a mark that is not the whole text of a ``<w:t>`` element, or a
value the pipeline would treat otherwise (a tab, a part mark, a blank text …), sends that
unit, or that key, back to the whole pipeline. ``VANBAN_NO_FRAMES=1`` turns frames off (the
tests compare both ways on every unit of several campaigns).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any, Callable
from ..base.xmltext import escape as xml_escape

from markupsafe import Markup, escape

OPEN, CLOSE = "\ue0f1", "\ue0f2"      # private-use characters: a slot's mark in a frame
SLOT = re.compile(f"{OPEN}([^{CLOSE}]*){CLOSE}")
TEXT_OPEN = '<w:t xml:space="preserve">'
FRAMED = "_framed"                    # the key of a context that may be drawn from a frame

# how a slot's value reaches the document: printed by the template (``{{ value }}``, escaped
# by Jinja), or inside XML a context builder made (escaped there, printed as markup)
PRINTED, IN_MARKUP = "printed", "in-markup"


def mark(name: str) -> str:
    """The mark that stands for the slot ``name`` in a frame's context."""
    return f"{OPEN}{name}{CLOSE}"


def enabled() -> bool:
    return os.environ.get("VANBAN_NO_FRAMES", "") in ("", "0")


@dataclass
class Framed:
    """What a context builder tells the renderer about a context it may draw from a frame."""

    key: tuple                                   # everything but the slots' values
    pins: tuple                                  # objects the key names by identity, kept alive
    value: Callable[[str], tuple[str, str]]      # slot name → (its text, PRINTED or IN_MARKUP)
    marked: Callable[[], dict]                   # the context with each slot's mark instead
    # where the template may reach the slots' values: each only printed as it is
    # (``{{ header.issuer }}``), those of ``tested`` also tested for being there
    # (``{%p if deadline_note %}``: the key says whether it is)
    printed: frozenset[tuple[str, ...]] = frozenset()
    tested: frozenset[tuple[str, ...]] = frozenset()


def only_printed(template_ast, printed: frozenset, tested: frozenset) -> bool:
    """Whether a template (its Jinja syntax tree) reaches the slots' values only by printing
    them whole — never in a filter, a comparison, a call, a loop: a template edited by the
    office («… if 'DÂN TỘC' in header.issuer …») would otherwise be drawn from a frame made
    with another unit's name. Those of ``tested`` may also be the whole test of an ``if``.
    A name that holds a slot (``header``) may be used only to reach another of its
    attributes (``header.number``), never given another value."""
    from jinja2 import nodes

    slots = printed | tested
    roots = {path[0] for path in slots}

    def pure(node) -> bool:
        if isinstance(node, nodes.Output):
            children = [c for c in node.nodes if _path(c) not in printed]
        elif isinstance(node, nodes.If) and _path(node.test) in tested:
            children = [c for c in node.iter_child_nodes() if c is not node.test]
        else:
            path = _path(node)
            if path is not None and path[0] in roots:
                if isinstance(node, nodes.Name) and node.ctx != "load":
                    return False
                # a slot, what leads to one (``header``), or what is read from one
                return not any(s[:len(path)] == path or path[:len(s)] == s for s in slots)
            children = list(node.iter_child_nodes())
        return all(pure(c) for c in children)

    return pure(template_ast)


def _path(node) -> tuple[str, ...] | None:
    """``header.issuer`` (or ``header['issuer']``) → ("header", "issuer"); anything else
    that is not a plain name or a chain of constant attributes → None."""
    from jinja2 import nodes

    if isinstance(node, nodes.Name):
        return (node.name,)
    if isinstance(node, nodes.Getattr):
        inner = _path(node.node)
        return inner + (node.attr,) if inner else None
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and \
            isinstance(node.arg.value, str):
        inner = _path(node.node)
        return inner + (node.arg.value,) if inner else None
    return None


def freeze(value: Any) -> Any:
    """A value of a context as a key (lists, dicts and data classes made hashable)."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return (type(value).__name__, value)
    if isinstance(value, (list, tuple)):
        return ("list", tuple(freeze(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple((k, freeze(v)) for k, v in value.items()))
    fields = getattr(value, "__dataclass_fields__", None)
    if fields is not None:
        return (type(value).__name__, tuple((f, freeze(getattr(value, f))) for f in fields))
    raise TypeError(type(value).__name__)   # caught by the context builder: no frame


def slot_text(value: str, how: str, finalize, unsafe: tuple[str, ...]) -> str | None:
    """The XML text the whole pipeline writes for ``value`` where its slot's mark is the whole
    text of a ``<w:t xml:space="preserve">``: escaped as it is printed (and passed through the
    environment's ``finalize``: the profile's spelling of «uỷ/ủy»), the template's escaped
    braces undone, each line break written as Word's, each document symbol's hyphen made
    non-breaking. ``None`` when the pipeline would treat it some other way: a tab or a page
    break in it (docxtpl's listing), a character the pipeline looks for (``unsafe``), nothing
    visible (the lines kept with the signature look for visible text)."""
    from .renderer import BREAK, symbols_whole

    if how == PRINTED:
        text = str(escape(finalize(value) if finalize else value))
    else:
        text = str(finalize(Markup(xml_escape(value))) if finalize else xml_escape(value))
    if "{_" in text or "_}" in text:
        text = text.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    if not text.strip() or any(c in text for c in "\t\a\f") or any(u in text for u in unsafe):
        return None
    return BREAK.join(symbols_whole(line) if "-" in line else line for line in text.split("\n"))


def cut(xml: str) -> list | None:
    """A part drawn from a marked context, cut at its slots' marks: ``[bytes, name, bytes,
    …, bytes]``; ``None`` when a mark is not the whole text of a ``<w:t xml:space="preserve">``
    (a slot's value could then be changed by what surrounds it)."""
    pieces: list = []
    at = 0
    for found in SLOT.finditer(xml):
        if not xml.startswith(TEXT_OPEN, found.start() - len(TEXT_OPEN)) or \
                not xml.startswith("</w:t>", found.end()):
            return None
        pieces += [xml[at:found.start()].encode("utf-8"), found.group(1)]
        at = found.end()
    if OPEN in xml[at:] or CLOSE in xml[at:] or any(OPEN in p for p in pieces[1::2]):
        return None
    pieces.append(xml[at:].encode("utf-8"))
    return pieces


def fill(pieces: list, texts: dict[str, bytes]) -> bytes:
    """A frame's part with each slot's text put in."""
    return b"".join(texts[p] if i % 2 else p for i, p in enumerate(pieces))

"""The units' own words, read part by part of the outline from a returned skeleton.

A skeleton's headings carry the bookmark of their part (``structure.part_mark``); everything
between one part's heading and the next heading is what the unit wrote under that part. Where
a bookmark was lost (the heading retyped, the document rebuilt by another program), a heading
is recognised by its number and its words, looking forward from the last part found, as a
reader would. What is not the unit's words is left out: the outline's guidance, still in place
(with or without its «Gợi ý» label), and empty paragraphs. A part holding nothing else is
unwritten. A table a unit put inside a part is read row by row; the signature block and the
appendix tables after it are not part of any part.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from lxml import etree

from ..base.ooxml import (W, W_BODY as _BODY, W_BOOKMARK_START as _BOOKMARK, W_BR as _BR,
                          W_NAME as _NAME, W_NO_BREAK_HYPHEN as _NO_BREAK_HYPHEN, W_P as _P,
                          W_T as _T, W_TAB as _TAB, W_TBL as _TBL, W_TC, W_TR, W_VAL as _VAL)
from ..documents.renderer import LOOSE
from ..config.structure import DRAFT, GUIDANCE_LABEL, MARK_CLOSE, MARK_OPEN, key_of_mark
from ..formats.styles import STYLES

_HEADINGS = {STYLES[k][0] for k in ("heading1", "heading2", "heading3", "heading4")}
_SIGNATURE = {STYLES[k][0] for k in ("recipients_label", "recipients", "authority", "signer_title",
                                     "signer_name")}

_P_PR, _P_STYLE = W + "pPr", W + "pStyle"
_LABEL = re.compile(r"^\s*((?:[IVXLCDM]+|\d+(?:\.\d+)*|[a-zđ])[.)])\s*(.*)$", re.S)
_WORD = re.compile(r"\w+")


def normal(text: str) -> str:
    return _normal_short(text) if len(text) <= 200 else _normal_text(text)


def _normal_text(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


_normal_short = functools.lru_cache(maxsize=8192)(_normal_text)   # a short text, read again and again


_DRAFT = normal(DRAFT)   # a part vanban marked unwritten: not the writer's words


def _words(text: str) -> set[str]:
    return set(_WORD.findall(normal(text).lower()))


@dataclass(frozen=True)
class Heading:
    """A part as a unit's skeleton shows it."""

    key: str        # the outline's own key: II.1.a
    label: str      # as this unit's copy numbers it: «a)»
    title: str


def skeleton_parts(blocks: list[dict]) -> tuple[list[Heading], set[str]]:
    """The parts of a unit's skeleton in order, and its guidance texts (normalised, without
    the label), from the blocks the skeleton was drawn from."""
    headings, guidance = [], set()
    for block in blocks:
        text = block["text"].replace(LOOSE, "")
        if "part" in block:
            if text.startswith(MARK_OPEN):
                text = text[text.index(MARK_CLOSE) + 1:]
            found = _LABEL.match(text)
            label, title = (found.group(1), found.group(2)) if found else ("", text)
            headings.append(Heading(block["part"], label, normal(title)))
        elif block["style"] == "guidance":
            guidance.add(normal(text.removeprefix(GUIDANCE_LABEL)))
    return headings, guidance


def _text(p: etree._Element) -> str:
    pieces = []
    for el in p.iter(_T, _TAB, _BR, _NO_BREAK_HYPHEN):
        tag = el.tag
        if tag == _T:
            pieces.append(el.text or "")
        elif tag == _NO_BREAK_HYPHEN:
            pieces.append("-")
        else:
            pieces.append(" ")
    return normal("".join(pieces))


_key_of_short_mark = functools.lru_cache(maxsize=4096)(key_of_mark)   # the same marks, file after file


def _part_key(name: str) -> str | None:
    """The part a bookmark named ``name`` marks (``key_of_mark``; a short name remembered)."""
    return _key_of_short_mark(name) if len(name) <= 200 else key_of_mark(name)


def _marked_key(p: etree._Element) -> str | None:
    for mark in p.iter(_BOOKMARK):
        key = _part_key(mark.get(_NAME) or "")
        if key is not None:
            return key
    return None


def first_keys(body: etree._Element, bookmarks: list[tuple[etree._Element, str]]) -> dict:
    """What :func:`_marked_key` gives each child of ``body`` that has a part's bookmark, from
    the document's bookmarks in order (each with its name) instead of a walk through each
    paragraph: the first bookmark under a child that is a part's, by the child."""
    first: dict[etree._Element, str] = {}
    for mark, name in bookmarks:
        key = _part_key(name)
        if key is None:
            continue
        top, parent = mark, mark.getparent()
        while parent is not None and parent is not body:
            top, parent = parent, parent.getparent()
        if parent is not None:
            first.setdefault(top, key)
    return first


def _style(p: etree._Element) -> etree._Element | None:
    """The paragraph's first ``<w:pPr>/<w:pStyle>`` (as ``find("w:pPr/w:pStyle")``; a plain
    loop over a few children costs less than lxml's path or tag matching)."""
    for props in p:
        if props.tag == _P_PR:
            for style in props:
                if style.tag == _P_STYLE:
                    return style
    return None


def _is_heading_style(p: etree._Element) -> bool:
    style = _style(p)
    value = (style.get(_VAL) or "") if style is not None else ""
    return value in _HEADINGS or value.lower().startswith("heading")


def _signature_table(tbl: etree._Element) -> bool:
    """The table of «Nơi nhận» and the signature: where the body ends."""
    for p in tbl.iter(_P):
        style = _style(p)
        if style is not None and style.get(_VAL) in _SIGNATURE:
            return True
        if _text(p).startswith("Nơi nhận"):
            return True
    return False


def _table_lines(tbl: etree._Element) -> list[str]:
    lines = []
    for tr in tbl.iter(W_TR):
        cells = [" ".join(_text(p) for p in tc.iter(_P)).strip() for tc in tr.iter(W_TC)]
        cells = [c for c in cells if c]
        if cells:
            lines.append(" | ".join(cells))
    return lines


@dataclass
class Read:
    """What a returned copy holds under its parts."""

    texts: dict[str, list[str]]   # part key → the unit's paragraphs
    unmarked: int                 # headings found by their number and words (their mark lost)
    guidance_left: int            # paragraphs still holding the outline's guidance


class PartReader:
    """Reads the parts of one unit's returned copy."""

    def __init__(self, headings: list[Heading], guidance: set[str]):
        self.headings = headings
        self.index = {h.key: i for i, h in enumerate(headings)}
        self.guidance = guidance
        self.words = [_words(h.title) for h in headings]   # each title's words, worked out once

    def _heading(self, text: str, styled: bool, after: int) -> int | None:
        """The part a paragraph that was not marked stands for: its number as this unit's
        copy has it, and its words (or, for a heading-styled paragraph, its number alone,
        its wording edited); looking forward from the last part found."""
        found = _LABEL.match(text)
        label, rest = (found.group(1), found.group(2)) if found else ("", text)
        words = _words(rest)
        for i in range(after + 1, len(self.headings)):
            heading, own = self.headings[i], self.words[i]
            overlap = len(words & own) / len(own) if own else 0.0
            if label and label == heading.label and (styled or overlap >= 0.5):
                return i
            if not label and styled and overlap >= 0.8:
                return i
        return None

    def _own(self, text: str) -> str | None:
        """The unit's words in a paragraph, or None when it holds only guidance: the label
        a unit typed after (and did not delete) is left out, the words kept."""
        label = normal(GUIDANCE_LABEL)
        if text.startswith(label):
            text = text[len(label):].strip()
        if not text or text in self.guidance or text.startswith(_DRAFT):
            return None
        return text

    def read(self, root: etree._Element, bookmarks: list[tuple[etree._Element, str]] | None = None
             ) -> Read:
        """The paragraphs of the parts the unit wrote in, part by part. ``bookmarks``: every
        bookmark of the document in order, with its name, when already found."""
        body = next(root.iterchildren(_BODY), None)   # as find(): its first <w:body>
        marked = first_keys(body, bookmarks) if bookmarks is not None and body is not None else None
        texts: dict[str, list[str]] = {}
        current: int | None = None
        unmarked = left = 0
        for child in body if body is not None else []:
            tag = child.tag
            if tag == _TBL:
                if current is None:
                    continue            # the header table, before any part
                if _signature_table(child):
                    break
                lines = [t for t in _table_lines(child) if self._own(t) is not None]
                if lines:
                    texts.setdefault(self.headings[current].key, []).extend(lines)
                continue
            if tag != _P:
                continue
            key = _marked_key(child) if marked is None else marked.get(child)
            if key is not None and key in self.index:
                current = self.index[key]
                continue
            text = _text(child)
            if not text:
                continue
            styled = _is_heading_style(child)
            if styled or _LABEL.match(text):
                found = self._heading(text, styled, -1 if current is None else current)
                if found is not None:
                    current = found
                    unmarked += 1
                    continue
            if current is None:
                continue                # the title and the deadline note, before any part
            own = self._own(text)
            if own is None:
                left += 1
                continue
            texts.setdefault(self.headings[current].key, []).append(own)
        return Read(texts, unmarked, left)

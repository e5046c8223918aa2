"""The words of a Word paragraph as a reader sees them, and the runs that carry them.

A paragraph's text is read in the *accepted* view: text inside a tracked insertion counts,
text inside a tracked deletion does not, so a copy with revisions still pending reads as it
would once they are accepted. To change a paragraph word by word, its runs are first split
into one run per character (:func:`explode`) and joined again afterwards (:func:`coalesce`).
"""

from __future__ import annotations

import copy
import re
import unicodedata

from lxml import etree

from ..base.ooxml import W, safe_xml

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
AUTHOR = "vanban"

# elements inside a paragraph that hold runs and are seen
HOLDERS = {W + n for n in ("hyperlink", "smartTag", "customXml", "sdt", "sdtContent", "fldSimple",
                           "ins", "moveTo", "dir", "bdo")}
HIDDEN = {W + "del", W + "moveFrom"}     # runs inside are deleted: not seen
TRACKED = {W + "ins", W + "del", W + "moveTo", W + "moveFrom"}
_CHARS = {W + "tab": "\t", W + "br": "\n", W + "cr": "\n", W + "noBreakHyphen": "\u2011"}


def walk_runs(el: etree._Element, hidden: bool = False):
    """Every run under ``el`` (not under a nested paragraph) with whether it is deleted."""
    for child in el:
        tag = child.tag
        if tag == W + "r":
            yield child, hidden
        elif tag in HIDDEN:
            yield from walk_runs(child, True)
        elif tag in HOLDERS:
            yield from walk_runs(child, hidden)


def _sym(el: etree._Element) -> str:
    try:
        return chr(int(el.get(W + "char", ""), 16))
    except ValueError:
        return ""


def run_text(r: etree._Element) -> str:
    out = []
    for c in r:
        tag = c.tag
        if tag == W + "t":
            out.append(c.text or "")
        elif tag in _CHARS:
            if tag == W + "br" and c.get(W + "type") in ("page", "column"):
                continue
            out.append(_CHARS[tag])
        elif tag == W + "sym":
            out.append(_sym(c))
    return "".join(out)


def text(p: etree._Element) -> str:
    """The paragraph's words as a reader sees them once revisions are accepted."""
    return "".join(run_text(r) for r, hidden in walk_runs(p) if not hidden)


_SPACE = re.compile(r"\s+")


def normal_char(c: str) -> str:
    if c in "\u2011\u2010":
        return "-"
    if c in "\xa0\t\n\u202f":
        return " "
    return c


def key(s: str) -> str:
    """Text as compared: the same letters, dashes and spaces however a program wrote them."""
    s = unicodedata.normalize("NFC", s).replace("\u2011", "-").replace("\u2010", "-")
    return _SPACE.sub(" ", s.replace("\xa0", " ")).strip()


def foreign_revisions(el: etree._Element) -> bool:
    """Whether ``el`` holds tracked changes of somebody else than vanban."""
    return any(r.get(W + "author") != AUTHOR for r in el.iter(*TRACKED))


def explode(p: etree._Element) -> list[etree._Element]:
    """Split every seen run of ``p`` into runs of one character each (tabs, breaks and
    non-breaking hyphens are one character; field marks, drawings and the like keep a run of
    their own and count for none); return the one-character runs in order."""
    atoms = []
    for r, hidden in list(walk_runs(p)):
        if hidden:
            continue
        rpr = r.find(W + "rPr")
        pieces: list[tuple[etree._Element, bool]] = []
        for c in list(r):
            if c.tag == W + "rPr":
                continue
            if c.tag == W + "t":
                for ch in c.text or "":
                    t = etree.Element(W + "t")
                    t.text = ch
                    t.set(XML_SPACE, "preserve")
                    pieces.append((t, True))
            else:
                pieces.append((c, bool(run_text_of(c))))
        parent = r.getparent()
        at = parent.index(r)
        parent.remove(r)
        for offset, (content, counts) in enumerate(pieces):
            nr = etree.Element(W + "r")
            if rpr is not None:
                nr.append(copy.deepcopy(rpr))
            nr.append(content)
            parent.insert(at + offset, nr)
            if counts:
                atoms.append(nr)
    return atoms


def run_text_of(c: etree._Element) -> str:
    holder = etree.Element(W + "r")
    holder.append(copy.deepcopy(c))
    return run_text(holder)


def _plain(r: etree._Element) -> bool:
    """A run holding only its properties and text (kept or deleted)."""
    return all(c.tag in (W + "rPr", W + "t", W + "delText") for c in r) and \
        len({c.tag for c in r if c.tag != W + "rPr"}) == 1


def _props(r: etree._Element) -> bytes:
    rpr = r.find(W + "rPr")
    return b"" if rpr is None else etree.tostring(rpr)


def _ours(el: etree._Element) -> bool:
    return el.tag in (W + "ins", W + "del") and el.get(W + "author") == AUTHOR


def coalesce(el: etree._Element) -> None:
    """Join what :func:`explode` split: neighbouring revisions of vanban of the same kind and
    date into one, neighbouring runs of the same properties into one; empty revisions of
    vanban removed."""
    for holder in [el, *[h for h in el.iter() if h.tag in HOLDERS or h.tag in HIDDEN]]:
        children = list(holder)
        previous = None
        for child in children:
            if _ours(child) and len(child) == 0:
                holder.remove(child)
                continue
            if previous is not None and _ours(child) and _ours(previous) \
                    and child.tag == previous.tag and child.get(W + "date") == previous.get(W + "date"):
                for grandchild in list(child):
                    previous.append(grandchild)
                holder.remove(child)
                continue
            previous = child
    for holder in [el, *[h for h in el.iter() if h.tag in HOLDERS or h.tag in HIDDEN]]:
        previous = None
        for child in list(holder):
            if child.tag == W + "r" and _plain(child):
                if previous is not None and _props(previous) == _props(child) \
                        and previous[-1].tag == child[-1].tag:
                    last = previous[-1]
                    last.text = (last.text or "") + (child[-1].text or "")
                    last.set(XML_SPACE, "preserve")
                    holder.remove(child)
                    continue
                previous = child
            else:
                previous = None


def accept_all(root: etree._Element) -> etree._Element:
    """``root`` with every revision accepted (in place): deleted text and rows gone, inserted
    text kept, a paragraph whose mark was deleted joined to the next."""
    for el in list(root.iter(W + "del", W + "moveFrom")):
        parent = el.getparent()
        if parent is not None and parent.tag == W + "rPr":
            continue  # a paragraph mark deleted: handled below
        if parent is not None and parent.tag == W + "trPr":
            row = parent.getparent()
            row.getparent().remove(row)
            continue
        if parent is not None:
            parent.remove(el)
    for el in list(root.iter(W + "ins", W + "moveTo")):
        parent = el.getparent()
        if parent is None:
            continue
        if parent.tag in (W + "rPr", W + "trPr"):
            parent.remove(el)
            continue
        at = parent.index(el)
        for offset, child in enumerate(list(el)):
            parent.insert(at + offset, child)
        parent.remove(el)
    for mark in list(root.iter(W + "del")):
        rpr = mark.getparent()
        if rpr is None or rpr.tag != W + "rPr":
            continue
        p = rpr.getparent().getparent() if rpr.getparent() is not None else None
        rpr.remove(mark)
        if p is None or p.tag != W + "p":
            continue
        following = p.getnext()
        runs = [c for c in p if c.tag != W + "pPr"]
        if following is not None and following.tag == W + "p":
            ppr = following.find(W + "pPr")
            at = 0 if ppr is None else 1
            for offset, c in enumerate(runs):
                following.insert(at + offset, c)
            p.getparent().remove(p)
        elif not text(p):
            p.getparent().remove(p)
    return root


def body_paragraphs(root: etree._Element) -> list[etree._Element]:
    """Every paragraph of the document's body in reading order, those in tables included."""
    body = root.find(W + "body")
    return [] if body is None else list(body.iter(W + "p"))


def accepted_paragraphs(document_xml: bytes) -> list[str]:
    """The texts of the body's paragraphs once every revision is accepted."""
    root = accept_all(safe_xml(document_xml, "word/document.xml"))
    return [text(p) for p in body_paragraphs(root)]

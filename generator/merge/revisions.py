"""Word revisions and comments written by vanban: tracked insertions and deletions of runs,
paragraph marks and table rows, and comments anchored on a paragraph.

Every revision carries the author «vanban» and the date of the build, and an id above every
id the person's copy already uses.
"""

from __future__ import annotations

import copy

from lxml import etree

from .words import AUTHOR, HIDDEN, W, XML_SPACE, walk_runs

INITIALS = "VB"


class Revisions:
    def __init__(self, when: str, first_id: int, bookmarks: set[str]):
        self.when = when
        self._next = first_id
        self.bookmarks = bookmarks          # bookmark names already in the person's copy
        self.comments: list[tuple[int, str]] = []
        self.inserted = 0                   # revisions written, by kind
        self.deleted = 0

    def next_id(self) -> int:
        self._next += 1
        return self._next

    def mark(self, tag: str) -> etree._Element:
        el = etree.Element(W + tag)
        el.set(W + "id", str(self.next_id()))
        el.set(W + "author", AUTHOR)
        el.set(W + "date", self.when)
        return el

    # -- runs -------------------------------------------------------------------------------
    def delete_run(self, r: etree._Element, count: bool = True) -> None:
        """A run the person sees, deleted: removed outright when it is vanban's own pending
        insertion, else wrapped in a tracked deletion."""
        parent = r.getparent()
        if parent.tag == W + "ins" and parent.get(W + "author") == AUTHOR:
            parent.remove(r)
            return
        for t in r.iter(W + "t", W + "instrText"):
            t.tag = W + ("delText" if t.tag == W + "t" else "delInstrText")
        wrapper = self.mark("del")
        parent.replace(r, wrapper)
        wrapper.append(r)
        self.deleted += count

    def insertion(self, runs: list[etree._Element]) -> etree._Element:
        wrapper = self.mark("ins")
        for r in runs:
            wrapper.append(copy.deepcopy(r))
        self.inserted += 1
        return wrapper

    # -- paragraphs, rows, whole blocks ---------------------------------------------------------
    def _mark_paragraph(self, p: etree._Element, tag: str) -> None:
        ppr = p.find(W + "pPr")
        if ppr is None:
            ppr = etree.Element(W + "pPr")
            p.insert(0, ppr)
        rpr = ppr.find(W + "rPr")
        if rpr is None:
            rpr = etree.Element(W + "rPr")
            later = [c for c in ppr if c.tag in (W + "sectPr", W + "pPrChange")]
            if later:
                later[0].addprevious(rpr)
            else:
                ppr.append(rpr)
        rpr.insert(0, self.mark(tag))

    def _mark_row(self, tr: etree._Element, tag: str) -> None:
        trpr = tr.find(W + "trPr")
        if trpr is None:
            trpr = etree.Element(W + "trPr")
            before = tr.find(W + "tblPrEx")
            if before is not None:
                before.addnext(trpr)
            else:
                tr.insert(0, trpr)
        change = trpr.find(W + "trPrChange")
        if change is not None:
            change.addprevious(self.mark(tag))
        else:
            trpr.append(self.mark(tag))

    def inserted_copy(self, block: etree._Element) -> etree._Element:
        """A copy of vanban's ``block`` (paragraph, table or row) as a tracked insertion."""
        block = copy.deepcopy(block)
        self._own_bookmarks(block)
        for r, _ in list(_all_runs(block)):
            wrapper = self.mark("ins")
            r.getparent().replace(r, wrapper)
            wrapper.append(r)
        for p in _paragraphs(block):
            self._mark_paragraph(p, "ins")
        for tr in _rows(block):
            self._mark_row(tr, "ins")
        self.inserted += 1
        return block

    def delete_block(self, block: etree._Element) -> None:
        """``block`` of the person's copy (paragraph, table or row) as a tracked deletion."""
        for r, hidden in list(_all_runs(block)):
            if not hidden:
                self.delete_run(r, count=False)
        for p in _paragraphs(block):
            if not _last_in_cell(p):
                self._mark_paragraph(p, "del")
        for tr in _rows(block):
            self._mark_row(tr, "del")
        self.deleted += 1

    def _own_bookmarks(self, block: etree._Element) -> None:
        """Bookmarks of a copied block: fresh ids; a name the person's copy has already is
        dropped (Word keeps one bookmark of a name)."""
        renumbered: dict[str, str] = {}
        for el in list(block.iter(W + "bookmarkStart", W + "bookmarkEnd")):
            old = el.get(W + "id")
            if el.tag == W + "bookmarkStart":
                name = el.get(W + "name", "")
                if name in self.bookmarks:
                    renumbered[old] = ""
                    el.getparent().remove(el)
                    continue
                self.bookmarks.add(name)
                renumbered[old] = str(self.next_id())
                el.set(W + "id", renumbered[old])
            else:
                new = renumbered.get(old)
                if not new:
                    el.getparent().remove(el)
                else:
                    el.set(W + "id", new)

    # -- comments ------------------------------------------------------------------------------
    def comment(self, p: etree._Element, words: str, inserted: bool = False) -> None:
        """A comment of vanban over the whole of paragraph ``p``."""
        cid = str(self.next_id())
        self.comments.append((int(cid), words))
        start = etree.Element(W + "commentRangeStart")
        start.set(W + "id", cid)
        ppr = p.find(W + "pPr")
        p.insert(0 if ppr is None else 1, start)
        end = etree.SubElement(p, W + "commentRangeEnd")
        end.set(W + "id", cid)
        ref = etree.Element(W + "r")
        etree.SubElement(ref, W + "commentReference").set(W + "id", cid)
        if inserted:
            wrapper = self.mark("ins")
            wrapper.append(ref)
            p.append(wrapper)
        else:
            p.append(ref)

    def comments_xml(self, existing: etree._Element | None) -> etree._Element:
        """The comments part with vanban's comments added."""
        root = existing if existing is not None else etree.Element(W + "comments", nsmap={"w": W[1:-1]})
        for cid, words in self.comments:
            c = etree.SubElement(root, W + "comment")
            c.set(W + "id", str(cid))
            c.set(W + "author", AUTHOR)
            c.set(W + "date", self.when)
            c.set(W + "initials", INITIALS)
            p = etree.SubElement(c, W + "p")
            r = etree.SubElement(p, W + "r")
            t = etree.SubElement(r, W + "t")
            t.text = words
            t.set(XML_SPACE, "preserve")
        return root


def _all_runs(block: etree._Element):
    """Every run of ``block`` with whether it is deleted, through nested tables and cells."""
    if block.tag == W + "p":
        yield from walk_runs(block)
        return
    for p in block.iter(W + "p"):
        yield from walk_runs(p)


def _paragraphs(block: etree._Element) -> list[etree._Element]:
    return [block] if block.tag == W + "p" else list(block.iter(W + "p"))


def _rows(block: etree._Element) -> list[etree._Element]:
    return [block] if block.tag == W + "tr" else list(block.iter(W + "tr"))


def _last_in_cell(p: etree._Element) -> bool:
    """A cell's last paragraph, whose mark Word cannot delete."""
    parent = p.getparent()
    if parent is None or parent.tag != W + "tc":
        return False
    return not [s for s in p.itersiblings() if s.tag in (W + "p", W + "tbl")]


__all__ = ["Revisions", "HIDDEN"]

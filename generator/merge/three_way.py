"""The three-way merge itself: vanban's change (base → new) replayed onto the person's copy.

A container (the body, a table cell) is a list of blocks — paragraphs and tables. Each block
of the base is found in the new build and in the person's copy (``align.pair``); then:

=====================  ===================  ==============================================
vanban                 the person           in the person's copy
=====================  ===================  ==============================================
unchanged              anything             left as the person has it
changed                untouched            changed word by word as tracked revisions
changed                changed the same     left (both wrote the same)
changed                changed otherwise    kept; vanban's text offered below it, inserted,
                                            with a comment — a conflict
changed                deleted              vanban's text offered, inserted, with a comment
removed                untouched            deleted as a tracked deletion
removed                changed              kept, with a comment — a conflict
added                  —                    inserted as a tracked insertion (unless the
                                            person added the same words there)
=====================  ===================  ==============================================

Tables are merged row by row and, in a row, cell by cell the same way; a table whose columns
vanban changed is replaced as a whole (deleted and inserted, tracked).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from difflib import SequenceMatcher

from lxml import etree

from . import align
from .revisions import Revisions
from .words import W, coalesce, explode, key, normal_char, run_text, text

BOTH_CHANGED = ("vanban: dữ liệu mới làm đổi đoạn này, nhưng bạn đã sửa nó. Lời của bạn được giữ ở "
                "trên; đây là bản vanban sinh mới — chấp nhận để thêm vào, từ chối để bỏ.")
YOU_DELETED = ("vanban: bạn đã xóa đoạn này; dữ liệu mới làm nó đổi thành như sau — chấp nhận để "
               "đưa lại, từ chối để bỏ.")
VANBAN_REMOVED = ("vanban: bản sinh mới không còn đoạn này (dữ liệu đã đổi), nhưng bạn đã sửa nó nên "
                  "vanban giữ nguyên; hãy xóa nếu không cần nữa.")
ROW_BOTH = ("vanban: dữ liệu mới làm đổi dòng này của bảng, nhưng bạn đã sửa dòng ấy. Dòng của bạn được "
            "giữ ở trên; đây là dòng vanban sinh mới — chấp nhận để thêm, từ chối để bỏ.")
ROW_REMOVED = ("vanban: bản sinh mới không còn dòng này (dữ liệu đã đổi), nhưng bạn đã sửa nó nên "
               "vanban giữ nguyên; hãy xóa nếu không cần nữa.")
TABLE_BOTH = ("vanban: dữ liệu mới làm đổi các cột của bảng này, nhưng bạn đã sửa bảng. Bảng của bạn "
              "được giữ ở trên; đây là bảng vanban sinh mới.")


@dataclass(frozen=True)
class Conflict:
    """A place where the person and vanban both changed the same thing."""

    where: str      # the words around it, as a reader finds it: «đoạn "Thực hiện Kế hoạch…"»
    what: str       # which case (BOTH_CHANGED …)


def _snippet(s: str, size: int = 70) -> str:
    s = key(s)
    return s if len(s) <= size else s[: size - 1] + "…"


BLOCKS = (W + "p", W + "tbl")
_REVISION = (W + "ins", W + "moveTo")
_THROUGH = (W + "sdt", W + "sdtContent", W + "customXml")


def _children(parent: etree._Element, tags: tuple[str, ...]) -> list[etree._Element]:
    """The children of ``parent`` with one of ``tags``, in order, through content controls."""
    out = []
    for child in parent:
        if child.tag in tags:
            out.append(child)
        elif child.tag in _THROUGH:
            out += _children(child, tags)
    return out


def blocks(container: etree._Element) -> list[etree._Element]:
    """The paragraphs and tables of a container in order, through content controls."""
    return _children(container, BLOCKS)


def rows(table: etree._Element) -> list[etree._Element]:
    return _children(table, (W + "tr",))


def cells(row: etree._Element) -> list[etree._Element]:
    return _children(row, (W + "tc",))


def _row_text(row: etree._Element) -> str:
    return " | ".join(key(" ".join(text(p) for p in c.iter(W + "p"))) for c in cells(row))


def block_key(block: etree._Element) -> str:
    if block.tag == W + "p":
        return "P:" + key(text(block))
    first = rows(block)[:1]
    return "T:" + (_row_text(first[0]) if first else "")


def row_key(row: etree._Element) -> str:
    return "R:" + _row_text(row)


def _deep(block: etree._Element) -> str:
    """Everything a reader sees of a block, to tell whether it changed."""
    if block.tag == W + "p":
        return text(block)
    if block.tag == W + "tr":
        return "\x1e".join("\x1f".join(text(p) for p in c.iter(W + "p")) for c in cells(block))
    return "\x1d".join(_deep(r) for r in rows(block))


def _columns(table: etree._Element) -> int:
    grid = table.find(W + "tblGrid")
    return 0 if grid is None else len(grid)


class Merger:
    def __init__(self, revisions: Revisions):
        self.rev = revisions
        self.conflicts: list[Conflict] = []
        self.touched: list[etree._Element] = []   # paragraphs changed word by word

    # -- containers ------------------------------------------------------------------------------
    def container(self, base: etree._Element, new: etree._Element, mine: etree._Element) -> None:
        self._sequence(blocks(base), blocks(new), blocks(mine), block_key, mine, self._block,
                       BOTH_CHANGED, YOU_DELETED, VANBAN_REMOVED)

    def _sequence(self, B, N, M, keyer, mine_parent, merge_one, both, deleted, removed) -> None:
        kb, kn, km = [keyer(b) for b in B], [keyer(n) for n in N], [keyer(m) for m in M]
        to_mine, to_new = align.pair(kb, km), align.pair(kb, kn)
        from_new, from_mine = align.inverse(to_new), align.inverse(to_mine)
        same = align.same_additions([j for j in range(len(N)) if j not in from_new], kn,
                                    [m for m in range(len(M)) if m not in from_mine], km)
        # what vanban removed
        for i, n in enumerate(to_new):
            if n is None and to_mine[i] is not None:
                m = M[to_mine[i]]
                if _deep(m) == _deep(B[i]):
                    self.rev.delete_block(m)
                else:
                    self._conflict(m, removed, inserted=False)
        # what vanban kept, changed or added, in its order
        anchor = None
        for j, n in enumerate(N):
            i = from_new.get(j)
            if i is None:
                if j in same:
                    anchor = M[same[j]]
                else:
                    anchor = self._insert(anchor, self.rev.inserted_copy(n), M, mine_parent)
                continue
            if to_mine[i] is None:           # the person deleted it
                if _deep(B[i]) != _deep(n):
                    anchor = self._insert(anchor, self.rev.inserted_copy(n), M, mine_parent)
                    self._conflict(anchor, deleted, inserted=True)
                continue
            m = M[to_mine[i]]
            anchor = m
            if _deep(B[i]) == _deep(n) or _deep(m) == _deep(n):
                continue                      # vanban did not change it, or both alike
            offered = merge_one(B[i], n, m)
            if offered is not None:
                anchor = self._insert(m, offered, M, mine_parent)
                self._conflict(offered, both, inserted=True)

    def _insert(self, anchor, block, M, parent) -> etree._Element:
        if anchor is not None:
            anchor.addnext(block)
        elif M:
            M[0].addprevious(block)
        else:
            _append(parent, block)
        return block

    def _conflict(self, block: etree._Element, words: str, inserted: bool) -> None:
        p = block if block.tag == W + "p" else next(block.iter(W + "p"), None)
        if p is not None:
            self.rev.comment(p, words, inserted=inserted)
        self.conflicts.append(Conflict(_snippet(_deep(block).replace("\x1f", " ").replace("\x1e", " | ")
                                                .replace("\x1d", " / ")), words))

    # -- one block ------------------------------------------------------------------------------------
    def _block(self, b, n, m):
        """Merge one block vanban changed; return vanban's block to offer beside the person's
        (a conflict), or None once merged."""
        if b.tag == W + "p" and n.tag == W + "p" and m.tag == W + "p":
            if key(text(m)) == key(text(b)) and self._words(b, n, m):
                return None
            return self.rev.inserted_copy(n)
        if b.tag == W + "tbl" and n.tag == W + "tbl" and m.tag == W + "tbl":
            return self._table(b, n, m)
        return self.rev.inserted_copy(n)

    def _words(self, b, n, m) -> bool:
        """vanban's change of paragraph ``b`` into ``n``, written word by word into the
        person's ``m`` (whose words are those of ``b``) as tracked revisions."""
        old, new = text(b), text(n)
        atoms = explode(m)
        mine = "".join(_atom_text(a) for a in atoms)
        where = _offsets(old, mine)
        if where is None:
            coalesce(m)
            return False
        new_atoms = explode(_copy(n))
        for o1, o2, n1, n2 in align.word_changes(old, new):
            gone = [atoms[where[k]] for k in range(o1, o2) if where[k] is not None]
            if n2 > n1:
                added = self.rev.insertion(new_atoms[n1:n2])
                if gone:
                    self._after(gone[-1]).addnext(added)
                else:
                    after = next((where[k] for k in range(o1 - 1, -1, -1) if where[k] is not None), None)
                    if after is not None:
                        self._after(atoms[after]).addnext(added)
                    else:
                        before = next((where[k] for k in range(o1, len(old)) if where[k] is not None), None)
                        if before is not None:
                            self._before(atoms[before]).addprevious(added)
                        else:
                            m.append(added)
            for r in gone:
                self.rev.delete_run(r, count=False)
            self.rev.deleted += bool(gone)
        coalesce(m)
        self.touched.append(m)
        return True

    def _after(self, atom: etree._Element) -> etree._Element:
        """The element after which a neighbour of ``atom`` goes: the atom itself, or — when
        it stands inside a revision — that revision, split after the atom."""
        parent = atom.getparent()
        if parent.tag not in _REVISION:
            return atom
        following = list(atom.itersiblings())
        if following:
            twin = self._twin(parent)
            for el in following:
                twin.append(el)
            parent.addnext(twin)
        return parent

    def _before(self, atom: etree._Element) -> etree._Element:
        parent = atom.getparent()
        if parent.tag not in _REVISION:
            return atom
        if atom.getprevious() is None:
            return parent
        twin = self._twin(parent)
        for el in [atom, *atom.itersiblings()]:
            twin.append(el)
        parent.addnext(twin)
        return twin

    def _twin(self, revision: etree._Element) -> etree._Element:
        twin = etree.Element(revision.tag, attrib=dict(revision.attrib))
        twin.set(W + "id", str(self.rev.next_id()))
        return twin

    # -- tables -----------------------------------------------------------------------------------------
    def _table(self, b, n, m):
        if _columns(b) != _columns(n):       # other columns: the table replaced as a whole
            if _deep(m) == _deep(b):
                self.rev.delete_block(m)
                m.addnext(self.rev.inserted_copy(n))
                return None
            return self.rev.inserted_copy(n)
        self._sequence(rows(b), rows(n), rows(m), row_key, m, self._row, ROW_BOTH, ROW_BOTH, ROW_REMOVED)
        return None

    def _row(self, b, n, m):
        cb, cn, cm = cells(b), cells(n), cells(m)
        if not (len(cb) == len(cn) == len(cm)):
            return self.rev.inserted_copy(n)
        for x, y, z in zip(cb, cn, cm):
            if _deep_cell(x) != _deep_cell(y):
                self.container(x, y, z)
        return None


def _deep_cell(tc) -> str:
    return "\x1f".join(text(p) for p in tc.iter(W + "p"))


def _atom_text(r) -> str:
    return run_text(r)


def _copy(el):
    return copy.deepcopy(el)


def _append(parent: etree._Element, block: etree._Element) -> None:
    """At the end of a container: before the body's section properties, after a cell's own."""
    last = parent[-1] if len(parent) else None
    if last is not None and last.tag == W + "sectPr":
        last.addprevious(block)
    else:
        parent.append(block)


def _offsets(old: str, mine: str) -> list[int | None] | None:
    """For each character of ``old``, the index of the same character in ``mine`` (the same
    words, perhaps with other dashes and spaces); None when they are not the same words."""
    a = "".join(normal_char(c) for c in old)
    b = "".join(normal_char(c) for c in mine)
    if a == b:
        return list(range(len(old)))
    if key(a) != key(b):
        return None
    where: list[int | None] = [None] * len(old)
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                where[i1 + k] = j1 + k
    return where

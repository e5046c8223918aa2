"""Reading one returned report (a unit's skeleton filled in Word, or its workbook filled in
Excel) — as untrusted input.

A returned file comes from another office: it is opened with the checks of ``ooxml.py``
(size, type, old .doc, password, zip bomb, DOCTYPE, element counts; entities and network
off). Then the unit is identified by the marks its skeleton carries (document properties;
else the committee line of its header, read as a reader reads it — see ``UnitNames``), and
each figure is read from its cell: by the cell's marks (bookmark, else content control), and
where both were deleted — or the table was pasted into another document — by the cell's place
in the table, as the form's layout (``layout.py``) gives it.

A return is taken when the unit wrote anything: figures, or words under the parts of the
outline (a return with words and no figure is taken, with a finding that its figures are
missing); only a file with nothing written at all is refused as unfilled.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..config import figures as fig
from ..config.campaign import CampaignData, Member
from ..config.layout import INPUT, NONE, Cell, FormLayout
from ..base.ooxml import (MISSING, W, W_BODY as _BODY, W_BOOKMARK_START as _BOOKMARK_START, W_BR as _BR,
                          W_CR as _CR, W_NAME as _BOOKMARK_NAME, W_NO_BREAK_HYPHEN as _NO_BREAK_HYPHEN,
                          W_P as _P, W_T as _T, W_TAB as _TAB, W_TBL as _TBL, W_TC as _TC, W_TR as _TR,
                          W_VAL as _VAL, Package, Refused, Workbook, safe_xml)
from ..documents.xlsx import FIRST_ROW, UNIT_LINE, col_letter

BY_MARK, BY_PLACE = "dấu", "vị trí"
BY_HAND = "chọn tay"     # identified_by of a return a person assigned to a unit (``read(unit=…)``)


@dataclass
class Returned:
    """What was read from one returned file."""

    path: Path
    sha256: str
    unit_id: str
    identified_by: str                     # "dấu" (its marks) or "tiêu đề" (its header line)
    form_version: str | None
    figures: fig.Figures
    typed_computed: dict
    findings: list[str] = field(default_factory=list)   # problems with its figures
    notes: list[str] = field(default_factory=list)      # how it was read (warnings)
    texts: dict[str, list[str]] = field(default_factory=dict)  # part key → what the unit wrote
    branches: str | None = None            # a report sent up a tier: «duyệt/nhận/tổng» of its branches
    # the file's bytes as they were checked and read (its SHA-256 is theirs): what is kept as
    # the unit's evidence, never read again from the folder, where it may have changed since
    raw: bytes | None = field(default=None, repr=False, compare=False)


def custom_properties(xml: bytes | None) -> dict[str, str]:
    if not xml:
        return {}
    return _properties(safe_xml(xml, "docProps/custom.xml"))


def _properties(root: etree._Element | None) -> dict[str, str]:
    if root is None:
        return {}
    out = {}
    for prop in root:
        name = prop.get("name")
        if name:
            out[name] = "".join(prop.itertext()).strip()
    return out


def cell_text(tc: etree._Element) -> str:
    """What a cell shows, however Word split it into runs."""
    pieces = []
    for el in tc.iter(_T, _TAB, _BR):
        pieces.append(el.text or "" if el.tag == _T else " ")
    return " ".join("".join(pieces).split())


def _ancestor(el: etree._Element, tag: str) -> etree._Element | None:
    tag = W + tag
    while el is not None and el.tag != tag:
        el = el.getparent()
    return el


def _normal(text: str) -> str:
    return _normal_short(text) if len(text) <= SHORT else _normal_text(text)


def _normal_text(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).upper().split())


# a text read again and again (the labels of a form, the lines of a header) worked out once: only
# a short one is remembered, so that what is remembered stays small whatever files come
SHORT = 200
_normal_short = functools.lru_cache(maxsize=8192)(_normal_text)


# --- recognising a unit by the name its header shows -----------------------------------------

_TONES = "\u0300\u0301\u0303\u0309\u0323"   # huyền, sắc, ngã, hỏi, nặng
_WORD = re.compile(r"\w+")
_LOOKALIKES = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111"})  # Ð (eth) typed for Đ
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
MAX_NAME_LINES = 6   # a name is broken over at most this many lines of a header


def _word_key(word: str) -> str:
    """A word with its tone moved after its letters, so that «uỷ» and «ủy», «hoà» and «hòa»
    (where people put the tone differently) are the same word."""
    return _word_key_short(word) if len(word) <= SHORT else _word_key_text(word)


def _word_key_text(word: str) -> str:
    if word.isascii():             # no tone to move
        return word
    decomposed = unicodedata.normalize("NFD", word)
    tones = "".join(c for c in decomposed if c in _TONES)
    letters = "".join(c for c in decomposed if c not in _TONES)
    return unicodedata.normalize("NFC", letters) + tones


def name_key(text: str) -> str:
    """A name as a reader compares it: its words in any case, however spaced, the tone where
    either spelling puts it, punctuation left out («ĐBQH, HĐND» is «ĐBQH HĐND»)."""
    return _name_key_short(text) if len(text) <= SHORT else _name_key_text(text)


def _name_key_text(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    if "\u00d0" in text or "\u00f0" in text:
        text = text.translate(_LOOKALIKES)
    text = text.casefold()
    return "".join(_word_key(w) for w in _WORD.findall(text))


_word_key_short = functools.lru_cache(maxsize=8192)(_word_key_text)
_name_key_short = functools.lru_cache(maxsize=8192)(_name_key_text)


def paragraph_lines(p: etree._Element) -> list[str]:
    """The lines of a paragraph as a reader sees them: the pieces of text of every run
    joined, a tab a space, a line break the end of a line."""
    lines, pieces = [], []
    for el in p.iter(_T, _TAB, _BR, _CR, _NO_BREAK_HYPHEN):
        if next(el.iterancestors(_MC_FALLBACK), None) is not None:
            continue                       # the copy of a text box kept for old readers
        tag = el.tag
        if tag == _T:
            pieces.append(el.text or "")
        elif tag == _NO_BREAK_HYPHEN:
            pieces.append("-")
        elif tag == _TAB:
            pieces.append(" ")
        else:
            lines.append("".join(pieces))
            pieces = []
    lines.append("".join(pieces))
    return lines


def header_lines(root: etree._Element, limit: int = 12) -> list[str]:
    """The lines of a Word document's header: the body up to its first table (the header
    table, read cell by cell), or, where the header is not a table, its first paragraphs."""
    body = next(root.iterchildren(_BODY), None)   # as find(): its first <w:body>
    lines: list[str] = []
    for n, child in enumerate(body if body is not None else []):
        tag = child.tag
        if tag == _TBL:
            for p in child.iter(_P):
                lines += paragraph_lines(p)
            break
        if tag == _P:
            lines += paragraph_lines(child)
        if n + 1 >= limit:
            break
    return lines


class Unrecognised(Refused):
    """A file whose unit vanban cannot tell (none, or two): a person may assign it by hand."""


class Ambiguous(Unrecognised):
    """A header that two units of the list could both have written."""


class Disputed(Unrecognised):
    """A file whose marks name one unit and whose header (or unit line) another: whose it is
    is not decided by vanban. ``units``: the unit its marks name, then the others."""

    def __init__(self, message: str, units: list[str]):
        super().__init__(message)
        self.units = units


class UnitNames:
    """The units of a campaign by the names a header or a unit line may show for them: the
    name its committee signs with, the lines the list gives for its header, its own name.

    A name may stand on one line or be broken over several, wherever the person put the
    breaks (a line break or a new paragraph); so a unit is found where a run of whole lines
    of the header, joined as a reader joins them, is one of its names. A run inside a longer
    run that names another unit (``Chi bộ Cục Thuế`` inside ``Chi bộ Cục Thuế tỉnh``) is not
    taken; two units found side by side, or one name shared by two units, is ambiguous and
    never guessed."""

    def __init__(self, members):
        self.names: dict[str, set[str]] = {}
        self.units = {m.id: m.unit.name for m in members}
        for m in members:
            for name in (m.committee, " ".join(m.unit.own_header_lines or []), m.unit.name):
                key = name_key(name or "")
                if key:
                    self.names.setdefault(key, set()).add(m.id)
        self.longest = max((len(k) for k in self.names), default=0)

    def find(self, lines: list[str], what: str) -> str | None:
        """The unit whose name is a run of whole ``lines``; ``None`` when there is none;
        ``Ambiguous`` when two units could be meant."""
        units = self.candidates(lines)
        if len(units) > 1:
            named = [self.named(u) for u in units]
            raise Ambiguous(f"không nhận ra đơn vị: tệp không mang dấu của vanban và {what} khớp với "
                            f"{len(units)} đơn vị: {', '.join(named[:-1])} và {named[-1]}; vanban "
                            "không đoán — hãy hỏi đơn vị đã gửi tệp, sửa tiêu đề cho đúng tên đơn vị "
                            "(hai đơn vị cùng tên trong danh sách đơn vị thì sửa cho khác nhau) rồi "
                            "nhận lại")
        return units[0] if units else None

    def named(self, unit_id: str) -> str:
        return f"«{self.units[unit_id]}» ({unit_id})"

    def candidates(self, lines: list[str]) -> list[str]:
        """Every unit whose name is a run of whole ``lines`` (not inside a longer run that
        names another unit)."""
        keys = [k for k in (name_key(line) for line in lines) if k]
        found: list[tuple[int, int, set[str]]] = []
        for i in range(len(keys)):
            joined = ""
            for j in range(i, min(len(keys), i + MAX_NAME_LINES)):
                joined += keys[j]
                if len(joined) > self.longest:
                    break
                if joined in self.names:
                    found.append((i, j, self.names[joined]))
        kept = [(i, j, ids) for i, j, ids in found
                if not any(a <= i and j <= b and (a, b) != (i, j) for a, b, _ in found)]
        return sorted({u for _, _, ids in kept for u in ids})


_SDT_PR, _TAG, _ALIAS = W + "sdtPr", W + "tag", W + "alias"


class DocxCells:
    """The cells of a returned Word file: by their marks, else by their place in the table
    that holds the form."""

    def __init__(self, root: etree._Element):
        self.root = root
        self.marks: dict[str, etree._Element] = {}
        self.bookmarks: list[tuple[etree._Element, str]] = []   # all, in order, with their names
        for start in root.iter(_BOOKMARK_START):
            name = start.get(_BOOKMARK_NAME)
            self.bookmarks.append((start, name or ""))
            if name and name.startswith("vb_"):
                tc = _ancestor(start.getparent(), "tc")   # (the mark itself is not a cell)
                if tc is not None:
                    self.marks[name] = tc
        self._placed: dict[str, Placed | None] = {}
        self._taken: set[int] = set()
        self._kept: list[etree._Element] = []   # the tables taken (their ids stay theirs)

    @functools.cached_property
    def tagged(self) -> dict[str, etree._Element]:
        """The cells of content controls by their tag, and by their title (LibreOffice keeps
        only the title) — looked for only when a mark is missing."""
        tagged: dict[str, etree._Element] = {}
        for sdt in self.root.iter(W + "sdt"):
            tc = _ancestor(sdt, "tc")
            if tc is None:
                continue
            first: dict[str, etree._Element] = {}   # the first <w:tag>, <w:alias> of its <w:sdtPr>
            for pr in sdt.iterchildren(_SDT_PR):
                for el in pr.iterchildren(_TAG, _ALIAS):
                    first.setdefault(el.tag, el)
            for key in (_TAG, _ALIAS):
                el = first.get(key)
                if el is not None and el.get(_VAL):
                    tagged.setdefault(el.get(_VAL), tc)
        return tagged

    @functools.cached_property
    def tables(self) -> list[etree._Element]:
        return list(self.root.iter(_TBL))

    def _marked(self, form: FormLayout, cell: Cell) -> etree._Element | None:
        found = self.marks.get(cell.mark)
        if found is None:
            found = self.tagged.get(cell.tag)
            if found is None and self.tagged:
                found = self.tagged.get(cell.title(form))
        return found

    def placed(self, form: FormLayout) -> Placed | None:
        """The Word table that holds ``form``: the one its marked cells are in, else the one
        whose header and row labels are the form's."""
        if form.table.id not in self._placed:
            table = None
            for cell in form.cells:
                tc = self._marked(form, cell) if cell.kind == INPUT else None
                if tc is not None:
                    table = _ancestor(tc, "tbl")
                    break
            if table is None:
                table = self._by_labels(form)
            if table is not None:
                self._taken.add(id(table))
                self._kept.append(table)
            self._placed[form.table.id] = Placed(form, table) if table is not None else None
        return self._placed[form.table.id]

    def _by_labels(self, form: FormLayout) -> etree._Element | None:
        best, best_score = None, 0
        wanted = {_normal(r.label) for _, r in form.rows}
        for table in self.tables:
            if id(table) in self._taken:
                continue
            labels = {_normal(cell_text(tcs[1])) for tcs in _rows(table) if len(tcs) > 1}
            score = len(wanted & labels)
            if score > best_score:
                best, best_score = table, score
        return best if best_score * 2 >= len(wanted) else None

    def find(self, form: FormLayout, cell: Cell) -> tuple[object, str]:
        """The text of ``cell`` and how it was found, or ``MISSING``."""
        tc = self._marked(form, cell) if cell.kind == INPUT else None
        if tc is not None:
            return cell_text(tc), BY_MARK
        placed = self.placed(form)
        tc = placed.tc(cell) if placed is not None else None
        return (MISSING, "") if tc is None else (cell_text(tc), BY_PLACE)


def _rows(table: etree._Element) -> list[list[etree._Element]]:
    """The cells of each row of ``table`` (not of the tables nested in it): its children
    ``<w:tr>``, theirs ``<w:tc>`` (as ``findall`` gives them, without its path machinery)."""
    return [list(tr.iterchildren(_TC)) for tr in table.iterchildren(_TR)]


class Placed:
    """A form's Word table, its rows found by their labels (else their place) and its columns
    by their titles (else their place)."""

    def __init__(self, form: FormLayout, table: etree._Element):
        self.rows = _rows(table)
        self.line_of: dict[str, int] = {}
        labels = [_normal(cell_text(tcs[1])) if len(tcs) > 1 else "" for tcs in self.rows]
        for line, (_, row) in enumerate(form.rows, 1):
            name = _normal(row.label)
            self.line_of[row.id] = labels.index(name) if name in labels else line
        head = [_normal(cell_text(tc)) for tc in self.rows[0]] if self.rows else []
        self.place_of: dict[str, int] = {}
        for k, col in enumerate(form.columns):
            title = _normal(col.title)
            self.place_of[col.id] = head.index(title) if title in head else form.first_value + k

    def tc(self, cell: Cell) -> etree._Element | None:
        line, place = self.line_of[cell.row.id], self.place_of[cell.column.id]
        if line >= len(self.rows) or place >= len(self.rows[line]):
            return None
        return self.rows[line][place]


class XlsxCells:
    """The cells of a returned workbook: by their defined names, else by their place on the
    form's sheet (the sheets keep the order of the forms)."""

    def __init__(self, book: Workbook, forms: tuple[FormLayout, ...]):
        self.book = book
        self.sheet_of = {f.table.id: (book.order[n] if n < len(book.order) else None)
                         for n, f in enumerate(forms)}

    def find(self, form: FormLayout, cell: Cell) -> tuple[object, str]:
        found = self.book.lookup(cell.mark)
        how = BY_MARK
        if found is MISSING:
            sheet = self.sheet_of.get(form.table.id)
            if sheet is None:
                return MISSING, ""
            found, how = self.book.cell(sheet, f"{col_letter(cell.place + 1)}{FIRST_ROW + cell.line}"), BY_PLACE
        if found.formula is not None:
            raise Refused(_formula_reason(form, cell, found.formula))
        return found.value, how


def _formula_reason(form: FormLayout, cell: Cell, formula: str) -> str:
    shown = formula if len(formula) <= 60 else formula[:57] + "…"
    if "|" in formula:
        return (f"{form.where(cell.row, cell.column)}: ô chứa liên kết DDE «={shown}» (có thể chạy "
                "lệnh trên máy mở tệp); tệp bị từ chối — hãy gõ số vào ô rồi gửi lại")
    return (f"{form.where(cell.row, cell.column)}: ô cần điền số lại chứa công thức «={shown}»; "
            "hãy gõ số (không dùng công thức) vào ô cần điền rồi gửi lại")


@dataclass
class CellsRead:
    """What the cells of one returned file hold."""

    values: fig.Figures = field(default_factory=dict)
    typed: dict = field(default_factory=dict)      # computed cells the unit typed over
    findings: list[str] = field(default_factory=list)
    inputs: int = 0        # the cells the unit has to fill
    filled: int = 0        # … holding anything (a figure, or words that are not one)
    missing: int = 0       # … not found in the file
    by_place: int = 0      # … found by their place in the table, their marks lost


class Reader:
    """Reads returned files for one campaign; what units share is prepared once."""

    def __init__(self, data: CampaignData):
        self.data = data
        self.version = data.form_version
        self.names = UnitNames(data.members.values())
        self._units = None
        self._parts: dict[int, tuple] = {}   # id(a skeleton's blocks) → (them, their PartReader)
        self._values: dict[tuple[str, str], object] = {}   # (row type, text) → its figure
        self._tables: dict[int, tuple] = {}   # id(a unit's forms) → (them, the tables' shapes)

    def _texts(self, root: etree._Element, member: Member, notes: list[str],
               findings: list[str], bookmarks: list | None = None) -> dict[str, list[str]]:
        """What the unit wrote under each part of the outline, read by the parts and the
        guidance its skeleton was drawn with (``bookmarks``: the document's, when found)."""
        from ..documents.contexts.common import outline_prose
        from ..documents.contexts.unit import UnitContexts
        from .parts import PartReader, skeleton_parts

        if not self.data.outline:
            return {}
        if self._units is None:
            self._units = UnitContexts(self.data, outline_prose(self.data))
        blocks = self._units.blocks(member.unit)   # one list for the units of a kind and level
        if id(blocks) not in self._parts:
            self._parts[id(blocks)] = (blocks, PartReader(*skeleton_parts(blocks)))
        read = self._parts[id(blocks)][1].read(root, bookmarks)
        if read.unmarked:
            notes.append(f"{read.unmarked} đề mục không còn dấu của vanban; đã nhận ra theo số và "
                         "chữ của đề mục — nên xem lại phần đơn vị viết")
        if read.guidance_left:
            findings.append(f"còn {read.guidance_left} đoạn gợi ý của đề cương chưa được thay bằng "
                            "nội dung")
        return read.texts

    def read(self, path: Path, unit: str | None = None) -> Returned:
        """What ``path`` holds; ``unit``: the unit a person chose for it by hand (the file's
        marks and header are then not asked who it is from — recorded as «chọn tay»)."""
        package = Package(path)
        digest = hashlib.sha256(package.raw).hexdigest()
        props = {} if package.empty("docProps/custom.xml") else \
            _properties(package.xml("docProps/custom.xml"))   # as custom_properties(its bytes)
        notes: list[str] = []
        campaign = props.get("vanban_campaign")
        if campaign and campaign != self.data.campaign.id:
            raise Refused(f"tệp của chiến dịch khác («{campaign}»), không phải "
                          f"«{self.data.campaign.id}»")
        root = book = None
        if package.kind == "docx":
            root = package.xml("word/document.xml")
            what = "dòng tên cấp ủy ở tiêu đề"
        else:
            book = Workbook(package)
            what = "dòng «Tên đơn vị»"
        unit_id = props.get("vanban_unit")
        identified_by = "dấu"
        shown_lines = header_lines(root) if root is not None else self._unit_line(book.first_text("A4"))
        if unit is not None:
            if unit not in self.data.members:
                raise Refused(f"không có đơn vị «{unit}» trong danh sách đơn vị")
            unit_id, identified_by = unit, BY_HAND
            notes.append("đơn vị được chọn tay khi nhận tệp")
        elif unit_id in self.data.members:
            self._agree(unit_id, shown_lines, what)
        else:
            unit_id = self.names.find(shown_lines, what)
            identified_by = "tiêu đề"
            if unit_id is None:
                raise Unrecognised(f"không nhận ra đơn vị: tệp không mang dấu của vanban và {what} "
                              "không khớp đơn vị nào trong danh sách đơn vị")
            notes.append(f"không thấy dấu của vanban trong tệp; đã nhận ra đơn vị theo {what}")
        version = props.get("vanban_form_version")
        rollup = props.get("vanban_rollup")
        if rollup and version != self.version:
            raise Refused(f"báo cáo lập từ bộ dữ liệu (chiến dịch «{rollup}») theo phụ lục phiên bản "
                          f"{version}, nay phụ lục là phiên bản {self.version}: các ô không còn khớp; "
                          "hãy gửi đơn vị bộ dữ liệu mới (out/bo-du-lieu/) để lập lại báo cáo")
        if version and self.version and version != self.version:
            notes.append(f"tệp làm từ phụ lục phiên bản khác ({version}, hiện là {self.version}); "
                         "các ô được đọc theo dấu của chúng")
        member = self.data.member(unit_id)
        cells = DocxCells(root) if root is not None else XlsxCells(book, member.forms)
        got = self._figures(cells, member)
        written: list[str] = []       # what the parts say: a guidance left in place
        texts = self._texts(root, member, notes, written, cells.bookmarks) if root is not None else {}
        if not (got.filled or got.typed or texts):
            if root is None:
                raise Refused("chưa điền số liệu nào vào các phụ lục (có phải bảng mẫu chưa điền?)")
            raise Refused("chưa điền số liệu nào vào các phụ lục và chưa viết gì dưới các phần của "
                          "đề cương (có phải báo cáo mẫu chưa điền?)")
        if got.by_place:
            notes.append(f"{got.by_place} ô không còn dấu của vanban (đã bị xóa, hoặc bảng được dán "
                         "sang tệp khác); đã đọc theo vị trí của ô trong bảng — nên xem lại số liệu")
        if got.filled or got.typed or not got.inputs:
            findings = got.findings + written + [
                f"{f.where(self.data.appendix)}: {f.message}"
                for f in fig.check(self.data.appendix, got.values, got.typed, member.unit,
                                   self._shapes(member))]
        else:  # words and no figure: taken; its figures said missing once, not cell by cell
            findings = [_no_figures(got.inputs, got.missing)] + written
        branches = props.get("vanban_branches_approved") if rollup else None
        if branches is not None and not re.fullmatch(r"\d{1,6}/\d{1,6}/\d{1,6}", branches):
            branches = None   # said by a file from elsewhere: taken only in its own shape
        return Returned(path, digest, unit_id, identified_by, version, got.values, got.typed,
                        findings, notes, texts, branches, raw=package.raw)

    @staticmethod
    def _unit_line(text: str | None) -> list[str]:
        """The name a workbook's line «Tên đơn vị: …» shows, as the lines to look it up by."""
        if not text or ":" not in text or \
                name_key(text.split(":", 1)[0]) != name_key(UNIT_LINE.strip(" :")):
            return []
        return [text.split(":", 1)[1]]

    def _agree(self, marked: str, lines: list[str], what: str) -> None:
        """The unit the file's marks name must be the one its header (its unit line) shows,
        when that shows a unit of the list at all (a name changed in the list since the
        skeleton was made shows none); else whose file it is is not decided here."""
        shown = self.names.candidates(lines)
        if not shown or marked in shown:
            return
        others = " và ".join(self.names.named(u) for u in shown)
        raise Disputed(f"không rõ là báo cáo của đơn vị nào: dấu của vanban trong tệp (thuộc tính "
                       f"vanban_unit) là của {self.names.named(marked)}, còn {what} ghi {others}; "
                       "tệp không được lưu cho đơn vị nào — hãy hỏi đơn vị đã gửi, đề nghị gửi lại "
                       "đúng báo cáo mẫu của mình (out/don-vi/<mã>) rồi nhận lại",
                       [marked] + shown)

    def _figures(self, cells, member: Member) -> CellsRead:
        """The unit's figures, read cell by cell, with the computed cells a unit typed over
        (Word only: a workbook's are formulas) and the findings."""
        got = CellsRead()
        inputs_only = isinstance(cells, XlsxCells)
        find, typed, findings = cells.find, got.typed, got.findings
        for form in member.forms:
            values = got.values[form.table.id] = {}
            for cell in form.cells:
                kind = cell.kind
                if kind == NONE or (kind != INPUT and inputs_only):
                    continue
                raw, how = find(form, cell)
                if kind != INPUT:
                    self._typed(raw, form, cell, typed, findings)
                    continue
                got.inputs += 1
                if raw is MISSING:
                    got.missing += 1
                    findings.append(f"{form.where(cell.row, cell.column)}: không tìm thấy ô (bảng "
                                    "hoặc dòng đã bị xóa?)")
                    continue
                got.by_place += how == BY_PLACE
                got.filled += not (raw is None or isinstance(raw, str) and not raw.strip())
                try:
                    value = self._value(cell.row.type, raw)
                except fig.FigureError as exc:
                    findings.append(f"{form.where(cell.row, cell.column)}: {exc}")
                    value = None
                values.setdefault(cell.row.id, {})[cell.column.id] = value
        return got

    def _shapes(self, member: Member) -> list[fig.Shape]:
        """The tables as ``member`` sees them, worked out once for the units that fill the
        same forms (one tuple of forms per kind and level of unit: ``CampaignData.members``)."""
        if not member.forms:          # () is one object for all: nothing to remember
            return fig.shapes(self.data.appendix, member.unit)
        key = id(member.forms)
        if key not in self._tables:
            self._tables[key] = (member.forms, fig.shapes(self.data.appendix, member.unit))
        return self._tables[key][1]

    def _value(self, kind: str, raw):
        """``_value``, a short text's figure remembered (the same few figures are typed in
        file after file); what cannot be read is read again, to say why."""
        if not isinstance(raw, str) or len(raw) > 40:
            return _value(kind, raw)
        key = (kind, raw)
        value = self._values.get(key, MISSING)
        if value is MISSING:
            value = _value(kind, raw)        # raises FigureError: nothing remembered
            if len(self._values) < 50_000:
                self._values[key] = value
        return value

    @staticmethod
    def _typed(raw, form: FormLayout, cell: Cell, typed: dict, findings: list[str]) -> None:
        """A number a unit typed over a computed cell (a share or a total) of a Word form."""
        if not isinstance(raw, str) or not raw or raw.startswith("=") \
                or _normal(raw) == _normal(form.hint(cell)):  # the form's own words, untouched
            return
        try:
            value = fig.parse_number(raw)
        except fig.FigureError as exc:
            findings.append(f"{form.where(cell.row, cell.column)}: ô tự tính có chữ lạ: {exc}")
            return
        if value is not None:
            typed.setdefault(form.table.id, {}).setdefault(cell.row.id, {})[cell.column.id] = value


def _no_figures(inputs: int, missing: int) -> str:
    """The finding of a return with words and no figure."""
    if missing >= inputs:
        where = "không thấy các bảng phụ lục trong tệp"
    elif missing:
        where = (f"{inputs - missing} ô cần điền của các phụ lục còn để trống, {missing} ô không tìm "
                 "thấy (bảng hoặc dòng đã bị xóa?)")
    else:
        where = f"cả {inputs} ô cần điền của các phụ lục còn để trống"
    return (f"chưa có số liệu: {where}; đã nhận phần đơn vị viết — cần đề nghị đơn vị gửi bổ sung "
            "số liệu các phụ lục")


def _value(kind: str, raw):
    """A cell's value: text is read the Vietnamese way; an Excel number or boolean as it is."""
    if isinstance(raw, str):
        return fig.parse_cell(kind, raw)
    if isinstance(raw, bool):
        if kind == "yesno":
            return raw
        raise fig.FigureError(f"«{'TRUE' if raw else 'FALSE'}» không phải là số")
    if kind == "yesno":
        raise fig.FigureError(f"«{fig.shown(str(raw))}» không phải «Có» hoặc «Không»")
    if kind == "text":                     # a number in a row of words: the words it shows
        return fig.parse_cell(kind, f"{raw:.15g}")
    value = fig.bounded(raw, f"{raw:.15g}")  # 1E+30, inf, nan typed in Excel: a finding, not a figure
    return int(value) if float(value).is_integer() else value


def files_in(paths: list[Path]) -> list[Path]:
    """Every file named, and every file under every folder named (not under a link to a
    folder, nor a folder it may not read), in a stable order: that of their paths' parts
    (hidden files and Word's lock files ``~$…`` left out)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found: list[tuple[str, ...]] = []
            _files_under(str(path), (), found)
            out += [path.joinpath(*parts) for parts in sorted(found)]
        else:
            out.append(path)
    return out


def _files_under(folder: str, parts: tuple[str, ...], found: list) -> None:
    """The files under ``folder`` (``parts`` from the folder named), as ``pathlib``'s
    ``rglob("*")`` walks and ``is_file`` keeps them, by one listing of each folder."""
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except PermissionError:
        return
    for entry in entries:
        here = parts + (entry.name,)
        try:
            if entry.is_dir() and not entry.is_symlink():
                _files_under(entry.path, here, found)
            elif entry.is_file() and not entry.name.startswith((".", "~$")):
                found.append(here)
        except OSError:
            continue

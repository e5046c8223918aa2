"""Reading one returned report (a unit's skeleton filled in Word) — as untrusted input.

A returned file comes from another office: it is opened with the checks of ``ooxml.py``
(size, old .doc, password, zip bomb, DOCTYPE; entities and network off). Then the unit is
identified by the marks its skeleton carries (document
properties; else the committee line of its header), and the figures are read from the cells
the skeleton marked (bookmarks; else content controls).
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from . import figures as fig
from .contexts.unit import committee, form_version
from .ooxml import MISSING, W, Package, Refused, Workbook, safe_xml
from .tables import columns, mark_name, mark_tag
from .validate import CampaignData


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


def custom_properties(xml: bytes | None) -> dict[str, str]:
    if not xml:
        return {}
    root = safe_xml(xml, "docProps/custom.xml")
    out = {}
    for prop in root:
        name = prop.get("name")
        if name:
            out[name] = "".join(prop.itertext()).strip()
    return out


def cell_text(tc: etree._Element) -> str:
    """What a cell shows, however Word split it into runs."""
    pieces = []
    for el in tc.iter(W + "t", W + "tab", W + "br"):
        pieces.append(el.text or "" if el.tag == W + "t" else " ")
    return " ".join("".join(pieces).split())


def _ancestor(el: etree._Element, tag: str) -> etree._Element | None:
    while el is not None and el.tag != W + tag:
        el = el.getparent()
    return el


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).upper().split())


class Reader:
    """Reads returned files for one campaign; what units share is prepared once."""

    def __init__(self, data: CampaignData):
        self.data = data
        self.version = form_version(data) if data.appendix else None
        self.units = {u.id: u for u in data.units}
        self.by_committee = {_normal(committee(u, data.level(u.level))): u.id for u in data.units}
        guidance = set()
        if data.outline:
            self._collect_guidance(data.outline.parts, guidance)
            if data.outline.opening:
                guidance.update(data.outline.opening.guidance)
        self.guidance = {_normal(g) for g in guidance if "{" not in g}

    def _collect_guidance(self, nodes, out: set) -> None:
        for node in nodes:
            out.update(node.guidance)
            self._collect_guidance(node.items, out)

    def read(self, path: Path) -> Returned:
        package = Package(path)
        digest = hashlib.sha256(package.raw).hexdigest()
        props = custom_properties(package.read("docProps/custom.xml"))
        notes: list[str] = []
        campaign = props.get("vanban_campaign")
        if campaign and campaign != self.data.campaign.id:
            raise Refused(f"tệp của chiến dịch khác («{campaign}»), không phải "
                          f"«{self.data.campaign.id}»")
        if package.kind == "docx":
            root = package.xml("word/document.xml")
            lookup = _docx_cells(root)
            by_header, what = self._by_header(root), "dòng tên cấp ủy ở tiêu đề"
        else:
            sheets = Workbook(package)
            lookup = sheets.lookup
            by_header, what = self._by_unit_line(sheets.first_text("A4")), "dòng «Tên đơn vị»"
        unit_id = props.get("vanban_unit")
        identified_by = "dấu"
        if unit_id not in self.units:
            unit_id = by_header
            identified_by = "tiêu đề"
            if unit_id is None:
                raise Refused(f"không nhận ra đơn vị: tệp không mang dấu của vanban và {what} "
                              "không khớp đơn vị nào trong don-vi.csv")
            notes.append(f"không thấy dấu của vanban trong tệp; đã nhận ra đơn vị theo {what}")
        version = props.get("vanban_form_version")
        if version and self.version and version != self.version:
            notes.append(f"tệp làm từ phụ lục phiên bản khác ({version}, hiện là {self.version}); "
                         "các ô được đọc theo dấu của chúng")
        unit = self.units[unit_id]
        values, cells, findings = self._figures(lookup, unit)
        if not any(v is not None for table in values.values() for row in table.values()
                   for v in row.values()):
            raise Refused("chưa điền số liệu nào vào các phụ lục (có phải báo cáo mẫu chưa "
                          "điền?)")
        typed = self._typed_computed(cells, unit, findings) if package.kind == "docx" else {}
        if package.kind == "docx":
            left = self._placeholders(root)
            if left:
                findings.append(f"còn {left} đoạn gợi ý của đề cương chưa được thay bằng nội dung")
        findings += [f"{f.where(self.data.appendix)}: {f.message}"
                     for f in fig.check(self.data.appendix, values, typed, unit)]
        return Returned(path, digest, unit_id, identified_by, version, values, typed, findings, notes)

    def _by_unit_line(self, text: str | None) -> str | None:
        if not text or ":" not in text:
            return None
        name = _normal(text.split(":", 1)[1])
        return next((u.id for u in self.data.units if _normal(u.name) == name), None)

    def _by_header(self, root: etree._Element) -> str | None:
        body = root.find(W + "body")
        table = body.find(W + "tbl") if body is not None else None
        if table is None:
            return None
        for p in table.iter(W + "p"):
            unit_id = self.by_committee.get(_normal("".join(t.text or "" for t in p.iter(W + "t"))))
            if unit_id:
                return unit_id
        return None

    def _placeholders(self, root: etree._Element) -> int:
        count = 0
        for p in root.iter(W + "p"):
            if _normal("".join(t.text or "" for t in p.iter(W + "t"))) in self.guidance:
                count += 1
        return count

    def _figures(self, lookup, unit) -> tuple[fig.Figures, dict, list[str]]:
        """The unit's figures, read cell by cell through ``lookup(mark, tag)``, which gives
        the cell's text or value, or ``MISSING`` when the file has no such cell."""
        values: fig.Figures = {}
        found_cells: dict = {}
        findings: list[str] = []
        for t_pos, table in enumerate(self.data.appendix.tables, 1):
            if not fig.applies(table.applies_to, unit):
                continue
            cols = columns(table)
            rows = fig.visible_rows(table, unit)
            values[table.id] = {}
            for r_pos, row in ((i, r) for i, r in enumerate(table.rows, 1) if r in rows):
                for col in cols:
                    if not fig.is_input(row, col):
                        continue
                    raw, where_found = lookup(mark_name(t_pos, r_pos, col.index),
                                              mark_tag(table, row, col))
                    where = f"phụ lục {t_pos} ({table.id}), dòng «{row.label}», cột «{col.title}»"
                    if raw is MISSING:
                        findings.append(f"{where}: không tìm thấy ô (dấu của ô đã bị xóa?)")
                        continue
                    found_cells.setdefault(table.id, where_found)
                    try:
                        value = _value(row.type, raw)
                    except fig.FigureError as exc:
                        findings.append(f"{where}: {exc}")
                        value = None
                    values[table.id].setdefault(row.id, {})[col.id] = value
        return values, found_cells, findings

    def _typed_computed(self, cells: dict, unit, findings: list[str]) -> dict:
        """Percentages a unit typed into the computed cells of the Word tables."""
        out: dict = {}
        for t_pos, table in enumerate(self.data.appendix.tables, 1):
            tc = cells.get(table.id)
            tbl = _ancestor(tc, "tbl") if tc is not None else None
            if tbl is None:
                continue
            rows = fig.visible_rows(table, unit)
            cols = columns(table)
            trs = tbl.findall(W + "tr")
            first_value = 3 if any(r.unit for r in rows) else 2
            for offset, row in enumerate(rows, start=1):
                if row.type != "percent" or offset >= len(trs):
                    continue
                tcs = trs[offset].findall(W + "tc")
                for k, col in enumerate(cols):
                    if first_value + k >= len(tcs):
                        continue
                    text = cell_text(tcs[first_value + k])
                    if not text or text.startswith("="):
                        continue
                    try:
                        value = fig.parse_number(text)
                    except fig.FigureError as exc:
                        findings.append(f"phụ lục {t_pos} ({table.id}), dòng «{row.label}»: ô tự "
                                        f"tính có chữ lạ: {exc}")
                        continue
                    if value is not None:
                        out.setdefault(table.id, {}).setdefault(row.id, {})[col.id] = value
        return out


def _value(kind: str, raw):
    """A cell's value: text is read the Vietnamese way; an Excel number or boolean as it is."""
    if isinstance(raw, str):
        return fig.parse_cell(kind, raw)
    if isinstance(raw, bool):
        if kind == "yesno":
            return raw
        raise fig.FigureError(f"«{'TRUE' if raw else 'FALSE'}» không phải là số")
    if kind == "yesno":
        raise fig.FigureError(f"«{raw}» không phải «Có» hoặc «Không»")
    return int(raw) if float(raw).is_integer() else raw


def _docx_cells(root: etree._Element):
    """A lookup of a Word file's marked cells: by bookmark, else by content control."""
    marks = {}
    for start in root.iter(W + "bookmarkStart"):
        name = start.get(W + "name")
        if name and name.startswith("vb_"):
            marks[name] = _ancestor(start, "tc")
    tagged = {}
    for sdt in root.iter(W + "sdt"):
        for key in ("tag", "alias"):
            el = sdt.find(f"{W}sdtPr/{W}{key}")
            if el is not None and (el.get(W + "val") or "").startswith("vanban:"):
                tagged.setdefault(el.get(W + "val"), _ancestor(sdt, "tc"))

    def lookup(mark: str, tag: str):
        tc = marks.get(mark)
        if tc is None:
            tc = tagged.get(tag)
        return (MISSING, None) if tc is None else (cell_text(tc), tc)
    return lookup


def files_in(paths: list[Path]) -> list[Path]:
    """Every file named, and every file under every folder named, in a stable order
    (hidden files and Word's lock files ``~$…`` left out)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file()
                          and not p.name.startswith((".", "~$")))
        else:
            out.append(path)
    return out


"""Reading one returned report (a unit's skeleton filled in Word) — as untrusted input.

A returned file comes from another office. Before anything is parsed it must be a .docx of
sane size: not an old binary .doc, not a password-protected file, not a zip that unpacks to
more than a set limit; its XML is parsed with entities, DTDs and the network off, and any
DOCTYPE is refused. Then the unit is identified by the marks its skeleton carries (document
properties; else the committee line of its header), and the figures are read from the cells
the skeleton marked (bookmarks; else content controls).
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from . import figures as fig
from .contexts.unit import committee, form_version
from .tables import columns, mark_name, mark_tag
from .validate import CampaignData

MAX_FILE = 20 * 1024 * 1024        # a report with its tables is well under 1 MB
MAX_UNPACKED = 60 * 1024 * 1024    # all entries together, as they would unpack
MAX_ENTRIES = 2000
MAX_RATIO = 150                    # unpacked / packed, for any entry larger than 1 MB

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          dtd_validation=False, huge_tree=False, remove_comments=True)


class Refused(Exception):
    """A returned file that is not taken; ``str()`` says why, in Vietnamese."""


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


def _safe_xml(data: bytes, part: str) -> etree._Element:
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise Refused(f"phần {part} có khai báo DOCTYPE/ENTITY — tệp .docx của Word không có, "
                      "tệp có thể bị làm giả để tấn công")
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise Refused(f"phần {part} hỏng ({exc.msg})") from None


def open_package(path: Path) -> tuple[bytes, dict[str, bytes]]:
    """The file's bytes and the XML parts we read, after every safety check."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise Refused(f"không đọc được tệp ({exc.strerror})") from None
    if size > MAX_FILE:
        raise Refused(f"tệp quá lớn ({size // (1024 * 1024)} MB); báo cáo của đơn vị thường dưới 1 MB")
    raw = path.read_bytes()
    if raw.startswith(_OLE):
        if _ENCRYPTED in raw:
            raise Refused("tệp được đặt mật khẩu: hãy mở, bỏ mật khẩu (File → Info → Protect "
                          "Document) rồi lưu và gửi lại")
        raise Refused("tệp .doc cũ (Word 97-2003): hãy mở bằng Word, chọn Save As → Word "
                      "Document (.docx) rồi gửi lại")
    if not raw.startswith(b"PK\x03\x04"):
        raise Refused("không phải tệp .docx (Word)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise Refused(f"tệp .docx hỏng ({exc})") from None
    if len(infos) > MAX_ENTRIES:
        raise Refused(f"tệp có {len(infos)} phần, quá nhiều cho một văn bản Word")
    unpacked = sum(i.file_size for i in infos)
    if unpacked > MAX_UNPACKED:
        raise Refused(f"tệp giải nén ra {unpacked // (1024 * 1024)} MB, vượt giới hạn "
                      f"{MAX_UNPACKED // (1024 * 1024)} MB (có thể là «bom zip»)")
    for info in infos:
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise Refused(f"phần {info.filename} nén bất thường (có thể là «bom zip»)")
    names = {i.filename for i in infos}
    if "word/document.xml" not in names:
        raise Refused("không phải tệp .docx của Word (thiếu word/document.xml)")
    parts = {}
    for name in ("word/document.xml", "docProps/custom.xml"):
        if name in names:
            try:
                with archive.open(name) as fh:
                    data = fh.read(MAX_UNPACKED + 1)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError) as exc:
                raise Refused(f"không đọc được phần {name} ({exc})") from None
            if len(data) > MAX_UNPACKED:
                raise Refused(f"phần {name} giải nén quá lớn (có thể là «bom zip»)")
            parts[name] = data
    return raw, parts


def custom_properties(xml: bytes | None) -> dict[str, str]:
    if not xml:
        return {}
    root = _safe_xml(xml, "docProps/custom.xml")
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
        raw, parts = open_package(path)
        digest = hashlib.sha256(raw).hexdigest()
        root = _safe_xml(parts["word/document.xml"], "word/document.xml")
        props = custom_properties(parts.get("docProps/custom.xml"))
        notes: list[str] = []
        campaign = props.get("vanban_campaign")
        if campaign and campaign != self.data.campaign.id:
            raise Refused(f"tệp của chiến dịch khác («{campaign}»), không phải "
                          f"«{self.data.campaign.id}»")
        unit_id = props.get("vanban_unit")
        identified_by = "dấu"
        if unit_id not in self.units:
            unit_id = self._by_header(root)
            identified_by = "tiêu đề"
            if unit_id is None:
                raise Refused("không nhận ra đơn vị: tệp không mang dấu của vanban và dòng tên "
                              "cấp ủy ở tiêu đề không khớp đơn vị nào trong don-vi.csv")
            notes.append("không thấy dấu của vanban trong tệp; đã nhận ra đơn vị theo dòng tên "
                         "cấp ủy ở tiêu đề")
        version = props.get("vanban_form_version")
        if version and self.version and version != self.version:
            notes.append(f"tệp làm từ phụ lục phiên bản khác ({version}, hiện là {self.version}); "
                         "các ô được đọc theo dấu của chúng")
        unit = self.units[unit_id]
        values, typed, findings = self._figures(root, unit)
        if not any(v is not None for table in values.values() for row in table.values()
                   for v in row.values()):
            raise Refused("chưa điền số liệu nào vào các phụ lục (có phải báo cáo mẫu chưa "
                          "điền?)")
        findings += [f"{f.where(self.data.appendix)}: {f.message}"
                     for f in fig.check(self.data.appendix, values, typed, unit)]
        left = self._placeholders(root)
        if left:
            findings.append(f"còn {left} đoạn gợi ý của đề cương chưa được thay bằng nội dung")
        return Returned(path, digest, unit_id, identified_by, version, values, typed, findings, notes)

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

    def _figures(self, root: etree._Element, unit) -> tuple[fig.Figures, dict, list[str]]:
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
        values: fig.Figures = {}
        typed: dict = {}
        findings: list[str] = []
        for t_pos, table in enumerate(self.data.appendix.tables, 1):
            if not fig.applies(table.applies_to, unit):
                continue
            cols = columns(table)
            rows = fig.visible_rows(table, unit)
            values[table.id] = {}
            found_tbl = None
            for r_pos, row in ((i, r) for i, r in enumerate(table.rows, 1) if r in rows):
                for col in cols:
                    if not fig.is_input(row, col):
                        continue
                    tc = marks.get(mark_name(t_pos, r_pos, col.index))
                    if tc is None:
                        tc = tagged.get(mark_tag(table, row, col))
                    where = f"phụ lục {t_pos} ({table.id}), dòng «{row.label}», cột «{col.title}»"
                    if tc is None:
                        findings.append(f"{where}: không tìm thấy ô (dấu của ô đã bị xóa?)")
                        continue
                    found_tbl = found_tbl if found_tbl is not None else _ancestor(tc, "tbl")
                    try:
                        value = fig.parse_cell(row.type, cell_text(tc))
                    except fig.FigureError as exc:
                        findings.append(f"{where}: {exc}")
                        value = None
                    values[table.id].setdefault(row.id, {})[col.id] = value
            if found_tbl is not None:
                typed[table.id] = self._typed_computed(found_tbl, table, rows, cols, findings, t_pos)
        return values, typed, findings

    def _typed_computed(self, tbl, table, rows, cols, findings, t_pos) -> dict:
        """Percentages a unit typed into the computed cells (they should be left as they are)."""
        out: dict = {}
        trs = tbl.findall(W + "tr")
        with_unit = any(r.unit for r in rows)
        first_value = 3 if with_unit else 2
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
                    findings.append(f"phụ lục {t_pos} ({table.id}), dòng «{row.label}»: ô tự tính "
                                    f"có chữ lạ: {exc}")
                    continue
                if value is not None:
                    out.setdefault(row.id, {})[col.id] = value
        return out


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


"""Opening Office files that come from elsewhere — as untrusted input.

Before anything is parsed a file must be a .docx or .xlsx of sane size: not an old binary
.doc, not a password-protected file, not a zip that unpacks to more than a set limit, no
entry named outside the package (``..``, an absolute path), and its main part of the type a
plain document or workbook has (a macro-enabled .docm or .xlsm renamed is refused). Each XML
part is checked before it is parsed: no DOCTYPE or ENTITY anywhere in it, no more markup than
a report can have (so that the parsed tree stays small), and it is parsed with entities, DTDs
and the network off and libxml2's depth limit on. Used for the units' returned reports
(``returns.py``) and for a unit list kept as .xlsx (``loader.py``).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .exceptions import os_reason, printable
from lxml import etree

MAX_FILE = 20 * 1024 * 1024        # a report with its tables is well under 1 MB
MAX_UNPACKED = 60 * 1024 * 1024    # all entries together, as they would unpack
MAX_ENTRIES = 2000
MAX_RATIO = 150                    # unpacked / packed, for any entry larger than 1 MB
MAX_TAGS = 500_000                 # «<» in one XML part: a unit's skeleton has about 3.000;
                                   # 500.000 empty elements parse to about 60 MB

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
MISSING = object()  # a cell a file does not have

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          dtd_validation=False, huge_tree=False, remove_comments=True)


class Refused(Exception):
    """A returned file that is not taken; ``str()`` says why, in Vietnamese."""


_DECLARATIONS = re.compile(rb"<!\s*(doctype|entity)", re.I)
_FORGED = ("có khai báo DOCTYPE/ENTITY — tệp Word, Excel thật không có; tệp có thể bị làm giả "
           "để tấn công")
_UTF16 = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")
MAIN_TYPES = {
    "word/document.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}


def safe_xml(data: bytes, part: str) -> etree._Element:
    """Parse one XML part of an untrusted file, after checking it can be parsed safely."""
    text = data
    if data.startswith(_UTF16):  # UTF-16 XML: look for declarations in its letters
        try:
            text = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise Refused(f"phần {part} hỏng (không đọc được chữ)") from None
    if _DECLARATIONS.search(text):
        raise Refused(f"phần {part} {_FORGED}")
    tags = text.count(b"<")
    if tags > MAX_TAGS:
        raise Refused(f"phần {part} có {tags:,} thẻ XML".replace(",", ".") + ", vượt xa một báo cáo "
                      "thật (có thể là tệp làm giả để làm treo máy)")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        where = f" (dòng {exc.lineno})" if getattr(exc, "lineno", None) else ""
        raise Refused(f"phần {part} hỏng hoặc lồng quá sâu{where}") from None
    if root.getroottree().docinfo.doctype:
        raise Refused(f"phần {part} {_FORGED}")
    return root


def _unsafe_name(name: str) -> bool:
    """A zip entry named outside the package: absolute, with ``..``, a drive or a backslash."""
    parts = name.split("/")
    return (name.startswith("/") or "\\" in name or ".." in parts or "\x00" in name
            or re.match(r"^[A-Za-z]:", name) is not None)


class Package:
    """A returned Office file, opened after every safety check; parts are read on demand,
    each within the size limit."""

    def __init__(self, path: Path):
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise Refused(f"không đọc được tệp ({os_reason(exc)})") from None
        if size > MAX_FILE:
            raise Refused(f"tệp quá lớn ({size // (1024 * 1024)} MB); báo cáo của đơn vị thường "
                          "dưới 1 MB")
        self.raw = path.read_bytes()
        if self.raw.startswith(_OLE):
            if _ENCRYPTED in self.raw:
                raise Refused("tệp được đặt mật khẩu: hãy mở, bỏ mật khẩu (File → Info → Protect "
                              "Document) rồi lưu và gửi lại")
            raise Refused("tệp .doc cũ (Word 97-2003): hãy mở bằng Word, chọn Save As → Word "
                          "Document (.docx) rồi gửi lại")
        if not self.raw.startswith(b"PK\x03\x04"):
            raise Refused("không phải tệp .docx (Word) hay .xlsx (Excel)")
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(self.raw))
            infos = self.archive.infolist()
        except (zipfile.BadZipFile, ValueError, OSError):
            raise Refused("tệp hỏng (không mở được như một tệp nén Office)") from None
        if len(infos) > MAX_ENTRIES:
            raise Refused(f"tệp có {len(infos)} phần, quá nhiều cho một văn bản")
        unpacked = sum(i.file_size for i in infos)
        if unpacked > MAX_UNPACKED:
            raise Refused(f"tệp giải nén ra {unpacked // (1024 * 1024)} MB, vượt giới hạn "
                          f"{MAX_UNPACKED // (1024 * 1024)} MB (có thể là «bom zip»)")
        for info in infos:
            if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise Refused(f"phần {info.filename} nén bất thường (có thể là «bom zip»)")
        odd = [i.filename for i in infos if _unsafe_name(i.filename)]
        if odd:
            raise Refused(f"tệp có phần mang tên trỏ ra ngoài tệp («{printable(odd[0])}») — tệp Word, "
                          "Excel thật không có; tệp có thể bị làm giả để tấn công")
        self.names = {i.filename for i in infos}
        if "word/document.xml" in self.names:
            self.kind, main = "docx", "word/document.xml"
        elif "xl/workbook.xml" in self.names:
            self.kind, main = "xlsx", "xl/workbook.xml"
        else:
            raise Refused("không phải tệp .docx của Word hay .xlsx của Excel")
        self._check_type(main)

    def _check_type(self, main: str) -> None:
        """The main part must be a plain document or workbook: a file carrying macros (a
        .docm or .xlsm renamed .docx or .xlsx) is refused, and so is a template or any other
        kind of main part."""
        types = self.xml("[Content_Types].xml")
        if types is None:
            raise Refused("không phải tệp Office (thiếu phần [Content_Types].xml)")
        declared = {el.get("PartName", "").lstrip("/"): el.get("ContentType", "") for el in types}
        if any("vbaproject" in n.lower() for n in self.names) or \
                any("macroenabled" in t.lower() or "vba" in t.lower() for t in declared.values()):
            save_as = "Word Document (.docx)" if self.kind == "docx" else "Excel Workbook (.xlsx)"
            raise Refused(f"tệp có macro (.{self.kind[:-1]}m) đặt tên .{self.kind}: không nhận tệp có "
                          f"macro; hãy mở, chọn Save As → {save_as} rồi gửi lại")
        if main not in declared:
            raise Refused(f"không phải tệp .{self.kind} bình thường (không khai kiểu của phần chính)")
        if declared[main] != MAIN_TYPES[main]:
            raise Refused(f"phần chính của tệp có kiểu «{printable(declared[main])}», không phải một "
                          f"tệp .{self.kind} bình thường (tệp mẫu…); hãy lưu lại thành .{self.kind}")

    def read(self, name: str) -> bytes | None:
        if name not in self.names:
            return None
        try:
            with self.archive.open(name) as fh:
                data = fh.read(MAX_UNPACKED + 1)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError):
            raise Refused(f"không đọc được phần {name} (tệp hỏng hoặc nén kiểu lạ)") from None
        if len(data) > MAX_UNPACKED:
            raise Refused(f"phần {name} giải nén quá lớn (có thể là «bom zip»)")
        return data

    def xml(self, name: str) -> etree._Element | None:
        data = self.read(name)
        return None if data is None else safe_xml(data, name)


X = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REF = re.compile(r"^'?(.*?)'?!\$?([A-Z]+)\$?(\d+)$")


@dataclass(frozen=True)
class CellValue:
    """What a cell of a workbook holds: its value (text, number, boolean, or "" when empty)
    and, when it is computed, its formula."""

    value: object
    formula: str | None = None


EMPTY = CellValue("")


class Workbook:
    """An Excel file's cells, found through the workbook's defined names."""

    def __init__(self, package: Package):
        self.package = package
        book = package.xml("xl/workbook.xml")
        rels = package.xml("xl/_rels/workbook.xml.rels")
        targets = {}
        if rels is not None:
            for rel in rels:
                target = rel.get("Target", "")
                targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
        rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
        self.sheets = {sh.get("name"): targets.get(sh.get(rid)) for sh in book.iter(X + "sheet")}
        self.order = [sh.get("name") for sh in book.iter(X + "sheet")]
        # defined names: the workbook's own, and those of one sheet (Excel makes these when a
        # sheet is copied); a workbook name is what the form's marks are, a sheet's is
        # taken only when the workbook has none of that name
        self.names: dict[str, str] = {}
        self.local_names: dict[str, list[str]] = {}
        for d in book.iter(X + "definedName"):
            name, target = d.get("name"), (d.text or "")
            if d.get("localSheetId") is None:
                self.names.setdefault(name, target)
            else:
                self.local_names.setdefault(name, []).append(target)
        strings = package.xml("xl/sharedStrings.xml")
        self.shared = ["".join(t.text or "" for t in si.iter(X + "t")) for si in strings] \
            if strings is not None else []
        self._cells: dict[str, dict[str, CellValue]] = {}

    def _sheet(self, name: str) -> dict[str, CellValue]:
        if name not in self._cells:
            cells: dict[str, CellValue] = {}
            part = self.sheets.get(name)
            root = self.package.xml(part) if part else None
            for c in root.iter(X + "c") if root is not None else ():
                f = c.find(X + "f")
                formula = None if f is None else (f.text or "").strip() or "…"
                cells[c.get("r")] = CellValue(self._cell_value(c), formula)
            self._cells[name] = cells
        return self._cells[name]

    def _cell_value(self, c) -> object:
        kind = c.get("t")
        v = c.find(X + "v")
        if kind == "inlineStr":
            return "".join(t.text or "" for t in c.iter(X + "t"))
        if v is None or v.text is None:
            return ""
        if kind == "s":
            try:
                index = int(v.text)
            except ValueError:
                return ""
            return self.shared[index] if 0 <= index < len(self.shared) else ""
        if kind == "b":
            return v.text.strip() == "1"
        if kind in ("str", "e"):
            return v.text
        try:
            return float(v.text)
        except ValueError:
            return v.text

    def table(self, sheet: str | None = None) -> list[tuple[int, list[str]]]:
        """The rows of a sheet (the first one by default) as text, each with its row number;
        empty rows left out."""
        name = sheet or (self.order[0] if self.order else None)
        if name is None:
            return []
        grid: dict[int, dict[int, str]] = {}
        for ref, cell in self._sheet(name).items():
            m = re.match(r"^([A-Z]+)(\d+)$", ref or "")
            if not m:
                continue
            col = 0
            for ch in m.group(1):
                col = col * 26 + ord(ch) - 64
            value = cell.value
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            text = "" if value is None else str(value)
            grid.setdefault(int(m.group(2)), {})[col] = text
        out = []
        for row in sorted(grid):
            cells = grid[row]
            if any(v.strip() for v in cells.values()):
                out.append((row, [cells.get(c, "") for c in range(1, max(cells) + 1)]))
        return out

    def first_text(self, ref: str) -> str | None:
        if not self.order:
            return None
        value = self._sheet(self.order[0]).get(ref, EMPTY).value
        return value if isinstance(value, str) else None

    def cell(self, sheet: str, ref: str) -> CellValue:
        return self._sheet(sheet).get(ref, EMPTY) if sheet in self.sheets else EMPTY

    def lookup(self, mark: str):
        """The cell a defined name points to, or ``MISSING``."""
        targets = [self.names[mark]] if mark in self.names else self.local_names.get(mark, [])[:1]
        m = _REF.match(targets[0].strip()) if targets else None
        if not m or m.group(1).replace("''", "'") not in self.sheets:
            return MISSING
        return self.cell(m.group(1).replace("''", "'"), f"{m.group(2)}{m.group(3)}")

"""Opening Office files that come from elsewhere — as untrusted input.

Before anything is parsed a file must be a .docx or .xlsx of sane size: not an old binary
.doc, not a password-protected file, not a zip that unpacks to more than a set limit, no
entry named outside the package (``..``, an absolute path) nor twice, and its main part of the
type a plain document or workbook has (a macro-enabled .docm or .xlsm renamed is refused).

Every part of the package is held to the same rules, whether vanban reads it or not (the
original is kept, and someone will open it in Office): an XML part declares UTF-8 or UTF-16
and nothing else (``UTF-7`` would hide markup from any check), has no DOCTYPE or ENTITY; no
relationship brings macros (whatever the part is called), an external link (DDE) part, or
anything from another computer (a remote template) — hyperlinks excepted.

A part vanban reads is parsed as it is unpacked, chunk by chunk, with entities, DTDs and the
network off and libxml2's depth limit on, and with a budget on what the parser builds: every
element, attribute and namespace declaration counts, and past :data:`MAX_NODES` the file is
refused — so the parsed tree stays small whatever the bytes are. Used for the units' returned
reports (``returns.py``), for a unit list kept as .xlsx (``loader.py``), and for the copies of
generated documents a person edited (``merge``, ``harvest``).
"""

from __future__ import annotations

import codecs
import io
import re
import struct
import zipfile
import zlib
from collections import Counter
from zlib import error as zlib_error
from typing import NamedTuple
from pathlib import Path

from .exceptions import os_reason, printable
from .thousands import thousands
from lxml import etree

MAX_FILE = 20 * 1024 * 1024        # a report with its tables is well under 1 MB
MAX_UNPACKED = 60 * 1024 * 1024    # all entries together, as they would unpack
MAX_ENTRIES = 2000
MAX_RATIO = 150                    # unpacked / packed, for any entry larger than 1 MB
MAX_TAGS = 500_000                 # «<» in one XML part: a unit's skeleton has about 3.000
MAX_NODES = 500_000                # elements + attributes + namespace declarations the parser
                                   # builds for one part: a skeleton has about 6.000; 500.000
                                   # parse to 60–100 MB whatever their shape
TABLE_NODES = 1_000_000            # … for a list kept in Excel: 20.000 units of 6 columns are
                                   # about 650.000 (the list has its own row limit)
CHUNK = 64 * 1024                  # bytes unpacked and checked at a time
KEEP = 8 * 1024 * 1024             # a part up to this size, whose bytes bound its nodes, is
                                   # parsed whole at the end; a larger one as it comes

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
# Word's elements and attributes as lxml names them, for whatever reads a document's parts
W_BODY, W_P, W_TBL, W_TR, W_TC = (W + t for t in ("body", "p", "tbl", "tr", "tc"))
W_T, W_TAB, W_BR, W_CR, W_NO_BREAK_HYPHEN = (W + t for t in ("t", "tab", "br", "cr", "noBreakHyphen"))
W_BOOKMARK_START, W_NAME, W_VAL = W + "bookmarkStart", W + "name", W + "val"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
MISSING = object()  # a cell a file does not have

_PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                       huge_tree=False, remove_comments=True, remove_pis=True, encoding="utf-8")
_PARSER = etree.XMLParser(**_PARSER_OPTIONS)


class Refused(Exception):
    """A returned file that is not taken; ``str()`` says why, in Vietnamese."""


_DECLARATIONS = re.compile(rb"<!\s{0,64}(doctype|entity)", re.I)
_OVERLAP = 80                      # bytes of a chunk kept to find a declaration cut in two
_FORGED = ("có khai báo DOCTYPE/ENTITY — tệp Word, Excel thật không có; tệp có thể bị làm giả "
           "để tấn công")
_UTF16 = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")
_XML_DECLARATION = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<\?xml\b([^>]{0,300})\?>")
_ENCODING = re.compile(rb"""\bencoding\s*=\s*["']([^"']{0,40})["']""")
_UNICODE = {"utf-8", "utf8", "utf-16", "utf16", "utf-16le", "utf-16be", "unicode"}
MAIN_TYPES = {
    "word/document.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}


def _bound(chunk: bytes) -> int:
    """At least the nodes ``chunk`` can make a parser build: its «<» but those of closing
    tags (which build nothing), and its «=»."""
    return chunk.count(b"<") - chunk.count(b"</") + chunk.count(b"=")


class _Part:
    """The checks of one XML part, fed as it is unpacked; with ``parse``, :meth:`close` gives
    its root, the part parsed within the node budget.

    The budget is kept two ways. While the bytes alone bound what a parser can build — every
    element needs a «<» not followed by «/», and every attribute or namespace declaration a
    «=» in UTF-8 markup
    (other encodings are refused, entities are off) — the part is kept and parsed at once at
    the end, at libxml2's speed: an ordinary part. Once they no longer do (or the part is
    large), it is parsed as it comes by a pull parser whose events count every element,
    attribute and namespace declaration built, and refused as soon as the count passes the
    budget."""

    def __init__(self, name: str, parse: bool, budget: int = MAX_NODES, keep: bool = False):
        self.name = name
        self.parse = parse
        # ``keep`` (checking only): the part's bytes kept, chunk by chunk, while they stay
        # within :data:`KEEP` — to be parsed whole if they are also within the budget, as a
        # parse would have; past that, nothing kept (a parse then goes again, as it comes)
        self.keep = keep and not parse
        self.budget = budget
        self.max_tags = max(MAX_TAGS, budget * 5 // 4)   # «<» of closing tags too
        self.started = False
        self.decoder = None
        self.tail = b""
        self.tags = 0                   # «<» so far, counted once the bytes could pass the limit
        self.uncounted: list[bytes] | None = []   # … till then, the chunks (a «<» is a byte)
        self.seen = 0                   # bytes of those chunks
        self.bound: int | None = None   # «<» and «=» so far: at least the nodes they can make,
                                        # counted once the bytes could pass the budget
        self.kept: list[bytes] = []     # the part so far, while ``bound`` keeps to the budget
        self.size = 0
        self.fed = 0                    # bytes fed, as they were unpacked
        self.nodes = 0
        self.parser = None              # the pull parser, once the bytes no longer bound it

    def feed(self, chunk: bytes) -> None:
        self.fed += len(chunk)
        if not self.started:
            self.started = True
            chunk = self._first(chunk)
        elif self.decoder is not None:
            chunk = self._decode(chunk)
        window = self.tail + chunk
        # the search only where it can match («!» alone is looked for 25 times faster than «<!»)
        if b"!" in window and b"<!" in window and _DECLARATIONS.search(window):
            raise Refused(f"phần {self.name} {_FORGED}")
        self.tail = window[-_OVERLAP:]
        self._count_tags(chunk)
        if self.keep and chunk:
            self.size += len(chunk)
            self.kept.append(chunk)
            if self.size > KEEP:
                self.keep, self.kept = False, []
            return
        if not self.parse or not chunk:
            return
        if self.parser is None:
            self.size += len(chunk)
            self.kept.append(chunk)
            if self.size > self.budget:   # before, the bytes cannot make more nodes than the budget
                self.bound = sum(map(_bound, self.kept)) if self.bound is None else self.bound + _bound(chunk)
            if (self.bound or 0) <= self.budget and self.size <= KEEP:
                return
            self.parser = etree.XMLPullParser(events=("start", "start-ns"), **_PARSER_OPTIONS)
            kept, self.kept = self.kept, []
            for piece in kept:
                self._pull(piece)
        else:
            self._pull(chunk)

    def _count_tags(self, chunk: bytes) -> None:
        """The part's «<» against the limit: counted once its bytes could hold more than the
        limit (a «<» is one byte), the chunks before then all at once."""
        if self.uncounted is not None:
            self.seen += len(chunk)
            if self.seen <= self.max_tags:
                self.uncounted.append(chunk)
                return
            chunks, self.uncounted = self.uncounted + [chunk], None
        else:
            chunks = [chunk]
        self.tags += sum(c.count(b"<") for c in chunks)
        if self.tags > self.max_tags:
            raise Refused(f"phần {self.name} có hơn {thousands(self.max_tags)} thẻ XML, vượt xa một "
                          "báo cáo thật (có thể là tệp làm giả để làm treo máy)")

    def _pull(self, chunk: bytes) -> None:
        try:
            self.parser.feed(chunk)
        except etree.XMLSyntaxError as exc:
            raise self._broken(exc) from None
        self._count()

    def _first(self, chunk: bytes) -> bytes:
        """The start of the part: its encoding, by its byte order mark and its declaration."""
        if chunk.startswith(_UTF16):  # UTF-16: read as its letters, checked and parsed in UTF-8
            codec = "utf-16" if chunk[:2] in (b"\xff\xfe", b"\xfe\xff") else \
                "utf-16-le" if chunk.startswith(b"<\x00") else "utf-16-be"
            self.decoder = codecs.getincrementaldecoder(codec)("strict")
            chunk = self._decode(chunk)
        head = _XML_DECLARATION.match(chunk)
        declared = _ENCODING.search(head.group(1)) if head else None
        if declared and declared.group(1).decode("ascii", "replace").strip().lower() not in _UNICODE:
            raise Refused(f"phần {self.name} khai bảng mã «{printable(declared.group(1).decode('latin-1'), 40)}»"
                          " — Word, Excel chỉ ghi UTF-8 hoặc UTF-16; tệp có thể bị làm giả để tấn công")
        return chunk

    def _decode(self, chunk: bytes, final: bool = False) -> bytes:
        try:
            return self.decoder.decode(chunk, final).encode("utf-8", "surrogatepass")
        except UnicodeError:
            raise Refused(f"phần {self.name} hỏng (không đọc được chữ)") from None

    def _count(self) -> None:
        """What the pull parser built since the last call, against the budget."""
        for event, element in self.parser.read_events():
            self.nodes += 1 if event == "start-ns" else 1 + len(element.attrib)
        if self.nodes > self.budget:
            raise Refused(f"phần {self.name} có hơn {thousands(self.budget)} thẻ và thuộc tính XML, "
                          "vượt xa một báo cáo thật (có thể là tệp làm giả để làm treo máy)")

    def _broken(self, exc: etree.XMLSyntaxError) -> Refused:
        where = f" (dòng {exc.lineno})" if getattr(exc, "lineno", None) else ""
        return Refused(f"phần {self.name} hỏng hoặc lồng quá sâu{where}")

    def close(self) -> etree._Element | None:
        if self.decoder is not None:
            rest = self._decode(b"", final=True)
            if rest:
                self.decoder = None
                self.feed(rest)
        if not self.parse:
            return None
        try:
            if self.parser is None:
                root = etree.fromstring(b"".join(self.kept), _PARSER)
            else:
                root = self.parser.close()
                self._count()
        except etree.XMLSyntaxError as exc:
            raise self._broken(exc) from None
        if root.getroottree().docinfo.doctype:
            raise Refused(f"phần {self.name} {_FORGED}")
        return root


    def parse_kept(self) -> etree._Element | None:
        """The part kept by a checking pass (``keep``) parsed whole, as :meth:`close` parses
        the same chunks when the bytes bound what they build to the budget (the bound grows
        with every chunk: within the budget at the end, it was after every chunk); ``None``
        when they do not (the part is then parsed as it comes)."""
        if self.size > self.budget:   # else the bound is within it: a byte counts once at most
            bound = sum(map(_bound, self.kept))
            if bound > self.budget:
                return None
        try:
            root = etree.fromstring(b"".join(self.kept), _PARSER)
        except etree.XMLSyntaxError as exc:
            raise self._broken(exc) from None
        if root.getroottree().docinfo.doctype:
            raise Refused(f"phần {self.name} {_FORGED}")
        return root


def safe_xml(data: bytes, part: str, budget: int = MAX_NODES) -> etree._Element:
    """Parse one XML part of an untrusted file, checking it as it is parsed (see
    :class:`_Part`)."""
    checked = _Part(part, parse=True, budget=budget)
    for start in range(0, max(len(data), 1), CHUNK):
        checked.feed(data[start:start + CHUNK])
    return checked.close()


_DRIVE = re.compile(r"^[A-Za-z]:")


def _unsafe_name(name: str) -> bool:
    """A zip entry named outside the package: absolute, with ``..``, a drive or a backslash."""
    parts = name.split("/")
    return (name.startswith("/") or "\\" in name or ".." in parts or "\x00" in name
            or _DRIVE.match(name) is not None)


REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_MACRO_RELS = ("/vbaproject", "/vbaprojectsignature", "/vbaprojectsignatureagile", "/wordvbadata",
               "/keymapcustomizations", "/vbadata")
_HYPERLINK = "/hyperlink"
_EXTERNAL_LINK = "/externallink"
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]+:(?!///)|\\\\|//)", re.I)  # http:, \\server, //host, file://host (not C:\)


def _looks_xml(head: bytes) -> bool:
    """Whether a part is XML by its first bytes (whatever its name)."""
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") or head.startswith(_UTF16)


class Package:
    """A returned Office file, opened after every safety check; parts are read on demand,
    each within the size limit and, when parsed, within the node budget."""

    def __init__(self, path: Path, budget: int = MAX_NODES):
        self.budget = budget
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise Refused(f"không đọc được tệp ({os_reason(exc)})") from None
        if size > MAX_FILE:
            raise Refused(f"tệp quá lớn ({size // (1024 * 1024)} MB); báo cáo của đơn vị thường "
                          "dưới 1 MB")
        try:
            self.raw = path.read_bytes()
        except OSError as exc:
            raise Refused(f"không đọc được tệp ({os_reason(exc)})") from None
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
        except (zipfile.BadZipFile, ValueError, OSError, EOFError):
            raise Refused("tệp hỏng (không mở được như một tệp nén Office)") from None
        if len(infos) > MAX_ENTRIES:
            raise Refused(f"tệp có {len(infos)} phần, quá nhiều cho một văn bản")
        unpacked = sum(i.file_size for i in infos)
        if unpacked > MAX_UNPACKED:
            raise Refused(f"tệp giải nén ra {unpacked // (1024 * 1024)} MB, vượt giới hạn "
                          f"{MAX_UNPACKED // (1024 * 1024)} MB (có thể là «bom zip»)")
        for info in infos:
            if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise Refused(f"phần {printable(info.filename)} nén bất thường (có thể là «bom zip»)")
        odd = [i.filename for i in infos if _unsafe_name(i.filename)]
        if odd:
            raise Refused(f"tệp có phần mang tên trỏ ra ngoài tệp («{printable(odd[0])}») — tệp Word, "
                          "Excel thật không có; tệp có thể bị làm giả để tấn công")
        twice = [n for n, k in Counter(i.filename.lower() for i in infos).items() if k > 1]
        if twice:
            raise Refused(f"tệp có hai phần cùng tên «{printable(twice[0])}» — tệp Word, Excel thật "
                          "không có; mỗi chương trình sẽ đọc một phần khác nhau (có thể là tệp làm giả)")
        self.names = {i.filename for i in infos}
        self._entries: dict[str, tuple | None] = {}
        # a part checked once is not unpacked and checked again to be read: its bytes are kept
        # by the check (within :data:`KEEP` for the whole package), a part parsed is checked
        self._checked: dict[str, _Part] = {}
        self._kept = 0
        self._passed: set[str] = set()
        if "word/document.xml" in self.names:
            self.kind, main = "docx", "word/document.xml"
        elif "xl/workbook.xml" in self.names:
            self.kind, main = "xlsx", "xl/workbook.xml"
        else:
            raise Refused("không phải tệp .docx của Word hay .xlsx của Excel")
        self._check_type(main)
        self._check_parts()

    def _macros(self) -> Refused:
        save_as = "Word Document (.docx)" if self.kind == "docx" else "Excel Workbook (.xlsx)"
        return Refused(f"tệp có macro (.{self.kind[:-1]}m) đặt tên .{self.kind}: không nhận tệp có "
                       f"macro; hãy mở, chọn Save As → {save_as} rồi gửi lại")

    def _check_type(self, main: str) -> None:
        """The main part must be a plain document or workbook: a file carrying macros (a
        .docm or .xlsm renamed .docx or .xlsx) is refused, and so is a template or any other
        kind of main part."""
        name = "[Content_Types].xml"
        key = self._key(name, "types")
        found = _PASSED.get(key) if key is not None else None
        if found is None:
            types = self.xml(name)
            if types is None:
                raise Refused("không phải tệp Office (thiếu phần [Content_Types].xml)")
            declared = {el.get("PartName", "").lstrip("/"): el.get("ContentType", "") for el in types}
            every_type = [el.get("ContentType", "").lower() for el in types]
            if key is not None:           # what the very same bytes declare, read once
                _passed(key, (declared, every_type))
        else:
            declared, every_type = found
            self._passed.add(name)        # parsed (before): not checked again
        if any("vbaproject" in n.lower() for n in self.names) or \
                any("macroenabled" in t or "vba" in t for t in every_type):
            raise self._macros()
        if any("externallink" in t for t in every_type):
            raise Refused(_EXTERNAL_REASON)
        if main not in declared:
            raise Refused(f"không phải tệp .{self.kind} bình thường (không khai kiểu của phần chính)")
        if declared[main] != MAIN_TYPES[main]:
            raise Refused(f"phần chính của tệp có kiểu «{printable(declared[main])}», không phải một "
                          f"tệp .{self.kind} bình thường (tệp mẫu…); hãy lưu lại thành .{self.kind}")

    def _check_parts(self) -> None:
        """Every part, read or not by vanban, to the same rules: an XML part in UTF-8 or UTF-16
        without DOCTYPE/ENTITY; relationships without macros, external links or anything
        fetched from another computer."""
        for name in sorted(self.names):
            if name.endswith("/") or name in self._passed:
                continue
            if name.lower().endswith(".rels"):
                seen = self._key(name, "rels")
                if seen is not None and seen in _PASSED:   # the very bytes of one that passed
                    continue
                self._check_relationships(name, self.xml(name))
                if seen is not None:
                    _passed(seen)
                continue
            seen = self._key(name, "part")
            if seen is not None and seen in _PASSED:   # the very bytes of a part that passed: it passes
                continue
            chunks = self._chunks(name)
            head = next(chunks, b"")
            if not (_looks_xml(head) or name.lower().endswith((".xml", ".vml"))):
                continue
            checked = _Part(name, parse=False, budget=self.budget, keep=self._kept <= KEEP)
            checked.feed(head)
            for chunk in chunks:
                checked.feed(chunk)
            checked.close()
            if seen is not None:
                _passed(seen)
            if checked.keep:
                self._kept += checked.size
                if self._kept <= KEEP:
                    self._checked[name] = checked

    def _check_relationships(self, name: str, rels: etree._Element | None) -> None:
        for rel in rels if rels is not None else ():
            kind = (rel.get("Type") or "").lower()
            target = rel.get("Target") or ""
            if kind.endswith(_MACRO_RELS):
                raise self._macros()
            if kind.endswith(_EXTERNAL_LINK):
                raise Refused(_EXTERNAL_REASON)
            external = (rel.get("TargetMode") or "").lower() == "external"
            if external and not kind.endswith(_HYPERLINK) and _REMOTE.match(target.strip()):
                what = ("mẫu đính kèm (attached template) ở máy khác" if kind.endswith("/attachedtemplate")
                        else f"phần «{printable(kind.rsplit('/', 1)[-1], 40)}» lấy từ máy khác")
                raise Refused(f"tệp có {what} («{printable(target, 80)}»): Word, Excel sẽ tải về khi mở "
                              "tệp — tệp có thể bị làm giả để tấn công; hãy mở, lưu lại thành tệp "
                              "mới rồi gửi lại")

    def _chunks(self, name: str):
        """The part ``name`` unpacked a chunk at a time, within the size limit."""
        whole = self._whole(name)
        if whole is not None:
            for start in range(0, len(whole), CHUNK):
                yield whole[start:start + CHUNK]
            return
        total = 0
        try:
            with self.archive.open(name) as fh:
                while True:
                    chunk = fh.read(CHUNK)
                    if not chunk:
                        return
                    total += len(chunk)
                    if total > MAX_UNPACKED:
                        raise Refused(f"phần {printable(name)} giải nén quá lớn (có thể là «bom zip»)")
                    yield chunk
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError,
                ValueError, zlib_error):
            raise Refused(f"không đọc được phần {printable(name)} (tệp hỏng hoặc nén kiểu lạ)") from None

    def _whole(self, name: str) -> bytes | None:
        """The part ``name`` unpacked at once when it is a plain entry (deflated, not
        encrypted, at most :data:`KEEP`) whose local header names it as the directory does
        and whose data unpack to exactly its size and checksum — the bytes ``zipfile`` gives
        then, without its machinery for every read (a report has a dozen parts); ``None`` for
        anything else, which ``zipfile`` reads (and says what is wrong with)."""
        entry = self._entry(name)
        if entry is None:
            return None
        info = entry[0]
        packed = entry[1][len(entry[1]) - info.compress_size:]
        unpack = zlib.decompressobj(-15)
        try:
            data = unpack.decompress(packed, info.file_size + 1)
        except zlib_error:
            return None
        if not unpack.eof or len(data) != info.file_size or zlib.crc32(data) != info.CRC:
            return None
        return data

    def _key(self, name: str, check: str) -> tuple | None:
        """What a plain entry is, as ``check`` passed it (see :data:`_PASSED`): its name, the
        budget, its directory record's sizes and checksum and its bytes in the file; ``None``
        for any other entry (always checked)."""
        entry = self._entry(name)
        if entry is None:
            return None
        info = entry[0]
        return (name, check, self.budget, info.CRC, info.file_size, info.compress_size,
                info.compress_type, info.flag_bits, entry[1])

    def _entry(self, name: str) -> tuple[zipfile.ZipInfo, bytes] | None:
        """A plain entry's directory record and its bytes in the file, from its local header
        to the end of its packed data (see :meth:`_whole`); ``None`` for anything else. Worked
        out once per entry (its key, then its bytes unpacked)."""
        if name not in self._entries:
            self._entries[name] = self._find_entry(name)
        return self._entries[name]

    def _find_entry(self, name: str) -> tuple[zipfile.ZipInfo, bytes] | None:
        try:
            info = self.archive.getinfo(name)
        except KeyError:
            return None
        if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x61 or info.file_size > KEEP:
            return None                   # 0x61: encrypted, patched, strongly encrypted
        start = info.header_offset
        head = self.raw[start:start + zipfile.sizeFileHeader]
        if len(head) != zipfile.sizeFileHeader:
            return None
        fields = struct.unpack(zipfile.structFileHeader, head)
        if fields[zipfile._FH_SIGNATURE] != zipfile.stringFileHeader:
            return None
        start += zipfile.sizeFileHeader
        named = self.raw[start:start + fields[zipfile._FH_FILENAME_LENGTH]]
        utf8 = fields[zipfile._FH_GENERAL_PURPOSE_FLAG_BITS] & 0x800
        try:
            if named.decode("utf-8" if utf8 else "cp437") != info.orig_filename:
                return None
        except UnicodeDecodeError:
            return None
        end = start + fields[zipfile._FH_FILENAME_LENGTH] + fields[zipfile._FH_EXTRA_FIELD_LENGTH] \
            + info.compress_size
        if end > len(self.raw):
            return None
        return info, self.raw[info.header_offset:end]

    def read(self, name: str) -> bytes | None:
        if name not in self.names:
            return None
        return b"".join(self._chunks(name))

    def empty(self, name: str) -> bool:
        """Whether the part ``name`` unpacks to nothing (or is not there)."""
        kept = self._checked.get(name)
        return kept.fed == 0 if kept is not None else not self.read(name)

    def xml(self, name: str) -> etree._Element | None:
        """The part ``name`` parsed as it is unpacked (see :class:`_Part`), or ``None``."""
        if name not in self.names:
            return None
        kept = self._checked.pop(name, None)
        root = kept.parse_kept() if kept is not None else None
        if root is not None:
            return root
        checked = _Part(name, parse=True, budget=self.budget)
        for chunk in self._chunks(name):
            checked.feed(chunk)
        root = checked.close()
        self._passed.add(name)
        return root


# Parts that passed the checks, by their bytes in the file (local header, packed data), what
# they unpack to and the check they passed («part», «rels»: the relationships; «types»: the
# content types, with what they declare): the returns of one campaign share most parts
# (styles, theme, fonts, relationships, content types), checked once per process. Kept
# within a bound, then forgotten.
_PASSED: dict[tuple, object] = {}
_PASSED_BYTES = {"held": 0}
PASSED_MAX = 16 * 1024 * 1024


def _passed(key: tuple, found: object = True) -> None:
    held = _PASSED_BYTES["held"] + len(key[-1])
    if held > PASSED_MAX:
        _PASSED.clear()
        held = len(key[-1])
    _PASSED[key] = found
    _PASSED_BYTES["held"] = held


_EXTERNAL_REASON = ("tệp có liên kết ngoài (external link, DDE) tới tệp hoặc chương trình khác: Excel "
                    "sẽ chạy hoặc tải nó khi mở tệp — không nhận; hãy chép các số (Paste Values) sang "
                    "biểu mẫu của vanban rồi gửi lại")


X = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REF = re.compile(r"^'?(.*?)'?!\$?([A-Z]+)\$?(\d+)$")
_CELL_REF = re.compile(r"([A-Z]+)(\d+)$")


class CellValue(NamedTuple):
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
            value, formula_tag, inline = X + "v", X + "f", X + "is"
            for c in root.iter(X + "c") if root is not None else ():
                v = f = None
                kind = c.get("t")
                for child in c:            # one pass over the cell's children (a long list
                    tag = child.tag        # of units has 100.000 cells)
                    if tag == value:
                        v = child
                    elif tag == formula_tag:
                        f = child
                    elif tag == inline:
                        kind = "inlineStr"
                formula = None if f is None else (f.text or "").strip() or "…"
                cells[c.get("r")] = CellValue(self._cell_value(c, kind, v), formula)
            self._cells[name] = cells
        return self._cells[name]

    def _cell_value(self, c, kind: str | None, v) -> object:
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
        columns: dict[str, int] = {}
        for ref, cell in self._sheet(name).items():
            m = _CELL_REF.match(ref or "")
            if not m:
                continue
            letters = m.group(1)
            col = columns.get(letters)
            if col is None:
                col = 0
                for ch in letters:
                    col = col * 26 + ord(ch) - 64
                columns[letters] = col
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

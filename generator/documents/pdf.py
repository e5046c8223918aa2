"""``vanban build --pdf``: PDF/A copies of the documents to sign, ready for a digital signature.

Each document that is signed (the plan, outline, forms, consolidated report, digest, the
report sent up — not the unit skeletons under ``don-vi/``, which are forms the units fill in)
gets ``<name>.pdf`` beside its .docx: PDF/A-2b through LibreOffice's export filter (fonts
embedded, the text layer searchable in Vietnamese), then an incremental update by pyHanko that
adds the empty signature fields where the signatures go (``vnrules.signature_boxes``): the
office signs in its own signing tool; vanban never signs. The workspace's PDF download and page
previews come through the same code (``pdf_of``), so they are the same files.

PDFs are written after the build's commit, each in its own atomic write (a temporary file
renamed over the old one), and recorded in ``.vanban/pdf.json`` with the hash of the .docx
they were made from: a PDF whose .docx did not change is not made again. The same .docx gives
the same PDF byte for byte: the dates LibreOffice stamps are set to the document's own date
(or ``SOURCE_DATE_EPOCH``), the file identifiers to a hash of the .docx.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from lxml import etree

from . import manifest
from ..formats import vnrules
from ..base.exceptions import OutputError, os_reason
from ..base.writer import write_atomic

INSTALL = ("chưa cài LibreOffice nên không ghi được PDF (các tệp .docx vẫn đã được ghi). "
           "Cài bằng: sudo apt-get install libreoffice-writer-nogui fonts-liberation2 "
           "poppler-utils (Debian/Ubuntu) hoặc tải LibreOffice cho Windows tại libreoffice.org, "
           "rồi chạy lại «vanban build --pdf».")
NO_POPPLER = ("chưa cài poppler-utils (pdftotext) nên không tìm được chỗ đặt ô chữ ký số trong "
              "PDF (các tệp .docx vẫn đã được ghi). Cài bằng: sudo apt-get install poppler-utils, "
              "rồi chạy lại «vanban build --pdf».")

RECIPE = "pdfa-2b+sigfields-1"            # what the PDFs are; with the code's hash, the record
RECORD = Path(".vanban") / "pdf.json"     # doc → hashes of the .docx and PDF made from it
UNSIGNED = ("don-vi/",)                   # skeletons the units fill in: no signature fields
# LibreOffice's PDF export filter: 2 = PDF/A-2b (fonts embedded, no transparency limits of 1b)
EXPORT = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'


FONT = "Times New Roman"   # the font of every document (the profiles' font)


def font_in_use(font: str = FONT) -> str | None:
    """The family fontconfig gives for ``font`` on this machine (what LibreOffice embeds), or
    None where there is no fontconfig (Windows) to ask."""
    fc = shutil.which("fc-match")
    if fc is None:
        return None
    try:
        done = subprocess.run([fc, "-f", "%{family}", font], capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    family = done.stdout.decode("utf-8", "replace").split(",")[0].strip()
    return family or None


def font_note(font: str = FONT) -> str | None:
    """A warning, in Vietnamese, when this machine has no ``font`` and the PDFs embed another:
    Liberation Serif has the same widths, so no line or page moves, but the font named inside
    the PDF is not the one the format asks for."""
    family = font_in_use(font)
    if family is None or family.casefold() == font.casefold():
        return None
    return (f"máy này không có phông {font} nên PDF nhúng phông «{family}» thay thế (cùng độ rộng "
            f"chữ, không lệch dòng, lệch trang). Bản PDF để ký chính thức nên làm trên máy có "
            f"phông {font} (máy Windows của cơ quan): chạy lại «vanban build --pdf» ở đó.")


def _why(exc: BaseException) -> str:
    """Why a program run or a file operation failed, in Vietnamese (never the system's or
    Python's English words)."""
    if isinstance(exc, subprocess.CalledProcessError):
        return f"chương trình dừng với mã {exc.returncode}"
    if isinstance(exc, subprocess.TimeoutExpired):
        return "chạy quá lâu"
    if isinstance(exc, OSError):
        return os_reason(exc)
    return type(exc).__name__


class PdfError(Exception):
    """PDFs could not be made; ``str()`` says why, in Vietnamese."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def signed(doc: str) -> bool:
    """Whether the document ``doc`` (a path under the out folder) is one an office signs."""
    return not doc.startswith(UNSIGNED)


def convert(out_dir: Path, timeout: float = 600) -> list[str]:
    """PDFs of every signed document under ``out_dir`` whose PDF is missing or was made from
    another .docx (or by another version of vanban), in one LibreOffice run; returns the PDFs
    written."""
    record = _read_record(out_dir)
    docs = sorted(str(p.relative_to(out_dir).as_posix()) for p in out_dir.rglob("*.docx")
                  if ".vanban" not in p.relative_to(out_dir).parts)
    stale = [d for d in docs if signed(d) and _stale(out_dir, d, record)]
    return _convert(out_dir, stale, timeout)


def remove(out_dir: Path, removed: list[str]) -> list[str]:
    """The PDFs of documents the build removed, removed too; returns those removed."""
    record = _read_record(out_dir)
    gone = []
    for doc in removed:
        pdf = (out_dir / doc).with_suffix(".pdf")
        if doc in record and pdf.is_file():
            try:
                pdf.unlink()
            except OSError as exc:
                raise PdfError(f"không xóa được {pdf}: {_why(exc)}") from None
            gone.append(str(Path(doc).with_suffix(".pdf").as_posix()))
        record.pop(doc, None)
    if gone:
        try:
            _write_record(out_dir, record)
        except OutputError as exc:
            raise PdfError(str(exc)) from None
    return gone


def pdf_of(out_dir: Path, doc: str, timeout: float = 120) -> Path:
    """The PDF beside the document ``doc`` (a path under ``out_dir``), made now if it is
    missing or was made from another .docx."""
    if _stale(out_dir, doc, _read_record(out_dir)):
        _convert(out_dir, [doc], timeout)
    return (out_dir / doc).with_suffix(".pdf")


def _stale(out_dir: Path, doc: str, record: dict) -> bool:
    pdf = (out_dir / doc).with_suffix(".pdf")
    made = record.get(doc)
    return (not pdf.is_file() or not isinstance(made, dict) or made.get("recipe") != _recipe()
            or made.get("docx") != _sha((out_dir / doc).read_bytes())
            or made.get("pdf") != _sha(pdf.read_bytes()))


def _recipe() -> str:
    """What a PDF was made with: a change to vanban's code makes every PDF again, as it
    makes every document again (``manifest.engine``)."""
    return f"{RECIPE}:{manifest.engine()}"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_record(out_dir: Path) -> dict:
    try:
        record = json.loads((out_dir / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def _write_record(out_dir: Path, record: dict) -> None:
    write_atomic(out_dir / RECORD, json.dumps(record, ensure_ascii=False, indent=1,
                                               sort_keys=True).encode("utf-8"))


PREVIEWS = Path(".vanban") / "xem"   # page images, under the out folder


def pages_of(out_dir: Path, doc: str, resolution: int = 75, timeout: float = 120) -> list[Path]:
    """PNG images of the pages of ``doc`` at ``resolution`` dpi (through its PDF and
    poppler's pdftoppm), made again only when the document changed."""
    pdf = pdf_of(out_dir, doc, timeout)
    folder = out_dir / PREVIEWS / Path(doc).with_suffix("")
    stamp = f"{pdf.stat().st_mtime_ns}-{resolution}"
    if (folder / "stamp").is_file() and (folder / "stamp").read_text() == stamp:
        return sorted(folder.glob("trang-*.png"))
    program = shutil.which("pdftoppm")
    if program is None:
        raise PdfError("chưa cài poppler-utils (pdftoppm) nên không xem trước được trang")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    try:
        subprocess.run([program, "-png", "-r", str(resolution), str(pdf), str(folder / "trang")],
                       check=True, capture_output=True, timeout=timeout)
    except (subprocess.SubprocessError, OSError) as exc:
        raise PdfError(f"không tạo được ảnh trang ({_why(exc)})") from None
    (folder / "stamp").write_text(stamp)
    return sorted(folder.glob("trang-*.png"))


def _convert(out_dir: Path, docs: list[str], timeout: float) -> list[str]:
    if not docs:
        return []
    program = soffice()
    if program is None:
        raise PdfError(INSTALL)
    if any(signed(d) for d in docs) and shutil.which("pdftotext") is None:
        raise PdfError(NO_POPPLER)
    record = _read_record(out_dir)
    made = []
    with tempfile.TemporaryDirectory(prefix="vanban-pdf-") as tmp:
        work = Path(tmp)
        # every file gets a unique flat name, so one call converts them all
        names = {f"{i:05d}.docx": doc for i, doc in enumerate(docs)}
        sources, originals = {}, {}
        for flat, doc in names.items():
            originals[flat] = (out_dir / doc).read_bytes()
            sources[flat] = for_signing(originals[flat]) if signed(doc) else originals[flat]
            (work / flat).write_bytes(sources[flat])
        try:
            subprocess.run([program, f"-env:UserInstallation=file://{work / 'profile'}",
                            "--headless", "--convert-to", EXPORT, "--outdir", str(work / "pdf"),
                            *sorted(str(work / f) for f in names)],
                           check=True, capture_output=True, timeout=timeout,
                           env={**os.environ, "TZ": "UTC"})
        except subprocess.TimeoutExpired:
            raise PdfError("LibreOffice chạy quá lâu; các tệp .docx vẫn đã được ghi") from None
        except (subprocess.CalledProcessError, OSError) as exc:
            raise PdfError(f"LibreOffice không chuyển được sang PDF ({_why(exc)}); các tệp .docx vẫn "
                           "đã được ghi") from None
        for flat, doc in names.items():
            pdf = work / "pdf" / (Path(flat).stem + ".pdf")
            if not pdf.is_file():
                raise PdfError(f"LibreOffice không chuyển được {doc} sang PDF; các tệp .docx "
                               "vẫn đã được ghi")
            data = normalise(pdf.read_bytes(), sources[flat])
            if signed(doc):
                data = add_signature_fields(data, sources[flat], pdf, doc)
            target = (out_dir / doc).with_suffix(".pdf")
            try:
                write_atomic(target, data)
            except OutputError as exc:
                raise PdfError(str(exc)) from None
            record[doc] = {"recipe": _recipe(), "docx": _sha(originals[flat]), "pdf": _sha(data)}
            made.append(str(Path(doc).with_suffix(".pdf").as_posix()))
    try:
        _write_record(out_dir, record)
    except OutputError as exc:
        raise PdfError(str(exc)) from None
    return made


# --- the same .docx, the same PDF --------------------------------------------------------------

def stamp(docx: bytes) -> datetime:
    """The date written in the PDF: ``SOURCE_DATE_EPOCH`` when set, else the date the .docx
    says it was made (the document's own date, from the data), else 1 January 2000."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as z:
            core = z.read("docProps/core.xml").decode("utf-8")
        found = re.search(r"<dcterms:created[^>]*>(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)", core)
        if found:
            return datetime.strptime(found.group(1), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    except (KeyError, OSError, ValueError, zipfile.BadZipFile):
        pass
    return datetime(2000, 1, 1, tzinfo=timezone.utc)


def _identifier(docx: bytes) -> bytes:
    return hashlib.sha256(RECIPE.encode() + b"\0" + docx).digest()[:16]


def normalise(pdf: bytes, docx: bytes) -> bytes:
    """LibreOffice's PDF with its creation dates set to :func:`stamp` and its file identifier
    and checksum to hashes of the .docx; every value keeps its length, so the cross-reference
    offsets stay right."""
    when = stamp(docx)
    ident = _identifier(docx).hex().upper().encode()
    pdf = re.sub(rb"(/CreationDate\(D:)\d{14}", lambda m: m.group(1) + when.strftime("%Y%m%d%H%M%S").encode(), pdf)
    pdf = re.sub(rb"(<xmp:CreateDate>)\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d",
                 lambda m: m.group(1) + when.strftime("%Y-%m-%dT%H:%M:%S").encode(), pdf)
    pdf = re.sub(rb"(/ID \[ <)[0-9A-F]{32}(>\s*<)[0-9A-F]{32}(> \])",
                 lambda m: m.group(1) + ident + m.group(2) + ident + m.group(3), pdf)
    pdf = re.sub(rb"(/DocChecksum /)[0-9A-F]{32}", lambda m: m.group(1) + ident, pdf)
    return _date_colour_profile(pdf, when)


def _date_colour_profile(pdf: bytes, when: datetime) -> bytes:
    """The sRGB colour profile of the PDF/A output intent, which LibreOffice makes anew with
    the time of the run in its header, dated ``when``; the stream is compressed again and the
    cross-reference offsets after it moved by the change of length."""
    found = re.search(rb"\n\d+ 0 obj\n<</N 3/Length (\d+) 0 R/Filter/FlateDecode>>\nstream\n", pdf)
    if found is None:
        return pdf
    start = found.end()
    end = pdf.find(b"\nendstream", start)
    try:
        profile = bytearray(zlib.decompress(pdf[start:end]))
    except zlib.error:
        return pdf
    if profile[36:40] != b"acsp":
        return pdf
    profile[24:36] = struct.pack(">6H", when.year, when.month, when.day, when.hour, when.minute,
                                 when.second)
    raw = zlib.compress(bytes(profile))
    length = re.compile(rb"\n%s 0 obj\n(\d+)\nendobj" % found.group(1))
    pdf = _splice(pdf, start, end, raw)
    where = length.search(pdf)
    if where is None:
        raise PdfError("bản PDF của LibreOffice có dạng lạ (độ dài hồ sơ màu)")
    return _splice(pdf, where.start(1), where.end(1), str(len(raw)).encode())


def _splice(pdf: bytes, start: int, end: int, new: bytes) -> bytes:
    """``pdf`` with bytes ``start:end`` replaced by ``new``, its one cross-reference table's
    offsets after ``start`` (and ``startxref``) moved by the change of length."""
    delta = len(new) - (end - start)
    pdf = pdf[:start] + new + pdf[end:]
    if delta == 0:
        return pdf
    table = re.search(rb"\nxref\n0 (\d+)\n", pdf)
    tail = re.search(rb"startxref\n(\d+)\n%%EOF\s*$", pdf)
    if table is None or tail is None or pdf.count(b"startxref") != 1:
        raise PdfError("bản PDF của LibreOffice có dạng lạ (bảng tham chiếu chéo)")
    entries = bytearray(pdf[table.end():table.end() + 20 * int(table.group(1))])
    for i in range(0, len(entries), 20):
        offset = int(entries[i:i + 10])
        if entries[i + 17:i + 18] == b"n" and offset > start:
            entries[i:i + 10] = b"%010d" % (offset + delta)
    pdf = pdf[:table.end()] + bytes(entries) + pdf[table.end() + len(entries):]
    xref_at = int(tail.group(1))
    moved = xref_at + delta if xref_at > start else xref_at
    return pdf[:tail.start(1)] + str(moved).encode() + pdf[tail.end(1):]


# --- the signature fields ----------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_ABOVE = ("VBChucVuKy",)            # the signer's title: the field starts below it
_NAME = "VBHoTenKy"                 # the signer's name: the field ends above it
_SIGNED_MARK = "VBDaKy"             # «(Đã ký)»: a paper copy's mark, never in a PDF to sign


@dataclass
class _Line:
    page: int            # 0-based
    text: str            # NFC, spaces collapsed, case folded
    box: vnrules.Box     # PDF points, origin bottom left
    page_size: tuple[float, float] = (0.0, 0.0)


@dataclass
class Block:
    """The signature block of a document, as its .docx says: the signer's title and name."""

    titles: list[str] = field(default_factory=list)
    name: str = ""


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def for_signing(docx: bytes) -> bytes:
    """The .docx a PDF to sign digitally is made from: ``docx`` without the «(Đã ký)» mark of
    a published paper copy (``signed: true``) — the signature field lies where it stood, and a
    document signed digitally carries its signature, not words saying it was signed. The
    mark's paragraph stays, empty, so the page is laid out as the .docx; nothing else changes."""
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
        marks = [p for p in root.iter(f"{_W}p")
                 if (st := p.find(f"{_W}pPr/{_W}pStyle")) is not None and st.get(f"{_W}val") == _SIGNED_MARK
                 and "".join(t.text or "" for t in p.iter(f"{_W}t")).strip()]
        if not marks:
            return docx
        for p in marks:
            for t in p.iter(f"{_W}t"):
                t.text = ""
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as dst:
            for item in z.infolist():
                data = z.read(item)
                if item.filename == "word/document.xml":
                    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
                dst.writestr(item, data)
    return out.getvalue()


def signature_block(docx: bytes) -> Block:
    """The last signature block's title and name lines, read from the .docx's styles."""
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    block = Block()
    titles: list[str] = []
    for p in root.iter(f"{_W}p"):
        style = p.find(f"{_W}pPr/{_W}pStyle")
        style = style.get(f"{_W}val") if style is not None else ""
        text = "".join(t.text or "" for t in p.iter(f"{_W}t")).strip()
        if not text:
            continue
        if style in _ABOVE:
            titles.append(text)
        elif style == _NAME:
            block = Block(titles=titles, name=text)
            titles = []
    return block


def _lines(pdf: Path) -> list[_Line]:
    """Every line of text of ``pdf`` with its box, through poppler's ``pdftotext -bbox-layout``."""
    try:
        done = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], check=True,
                              capture_output=True, timeout=120)
    except (subprocess.SubprocessError, OSError) as exc:
        raise PdfError(f"không đọc được chữ trong bản PDF ({_why(exc)})") from None
    root = etree.fromstring(done.stdout, etree.XMLParser(recover=True, huge_tree=True))
    out = []
    for number, page in enumerate(root.iter("{*}page")):
        width, height = float(page.get("width")), float(page.get("height"))
        for line in page.iter("{*}line"):
            words = [w.text or "" for w in line.iter("{*}word")]
            x0, y0 = float(line.get("xMin")), float(line.get("yMin"))
            x1, y1 = float(line.get("xMax")), float(line.get("yMax"))
            out.append(_Line(number, _fold(" ".join(words)), (x0, height - y1, x1, height - y0),
                             (width, height)))
    return out


@dataclass
class Field:
    name: str
    tooltip: str
    page: int
    box: vnrules.Box


def field_places(block: Block, lines: list[_Line]) -> list[Field]:
    """Where the empty signature fields go: over the gap between the signer's title and name
    (the organisation's field overlapping its left third), or, on a document with no signature
    block (an attachment), the organisation's field at the top right of the first page."""
    name = _fold(block.name)
    if name:
        named = [ln for ln in lines if ln.text == name]
        if named:
            below = named[-1]
            wanted = [_fold(t) for t in block.titles]
            above = [ln for ln in lines if ln.page == below.page and ln.text in wanted
                     and ln.box[1] > below.box[3]]
            if above:
                top = min(above, key=lambda ln: ln.box[1] - below.box[3])
                signer, seal = vnrules.signature_boxes(top.box, below.box)
                return [Field(vnrules.SIGNER_FIELD, vnrules.SIGNER_TOOLTIP, below.page, signer),
                        Field(vnrules.ORGANISATION_FIELD, vnrules.ORGANISATION_TOOLTIP,
                              below.page, seal)]
    width, height = lines[0].page_size if lines else (595.3, 841.9)
    return [Field(vnrules.ORGANISATION_FIELD, vnrules.ORGANISATION_TOOLTIP, 0,
                  vnrules.attachment_box(width, height))]


def add_signature_fields(data: bytes, docx: bytes, pdf_path: Path, doc: str) -> bytes:
    """``data`` (a PDF/A) with the empty signature fields appended in an incremental update:
    the original bytes are kept as they are; the fields have an (empty) appearance stream and
    the print flag, as PDF/A wants."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    pdf_path.write_bytes(data)
    places = field_places(signature_block(docx), _lines(pdf_path))
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    ident = generic.ByteStringObject(_identifier(docx))
    writer._document_id = generic.ArrayObject([ident, ident])   # not pyHanko's random one
    writer._meta = _Dated(stamp(docx))                          # not the time of the run
    # pyHanko writes its own name as the producer in the XMP but appends it to the one in the
    # information dictionary: PDF/A wants the two the same, so the dictionary's goes (the XMP
    # one is the one PDF/A reads)
    info = writer.trailer["/Info"].get_object() if "/Info" in writer.trailer else None
    if info is not None and "/Producer" in info:
        del info["/Producer"]
        writer.update_container(info)
    for place in places:
        append_signature_field(writer, SigFieldSpec(
            place.name, on_page=place.page, box=tuple(round(v) for v in place.box),
            readable_field_name=place.tooltip))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _dated_class():
    from pyhanko.pdf_utils.metadata.model import DocumentMetadata

    class Dated(DocumentMetadata):
        """pyHanko's metadata whose «last modified» is the document's date, not now."""

        def __init__(self, when: datetime):
            object.__setattr__(self, "_when", when)
            super().__init__()

        def __setattr__(self, name, value):
            if name == "last_modified" and value == "now":
                value = self._when
            object.__setattr__(self, name, value)

    return Dated


def _Dated(when: datetime):  # noqa: N802 - a class made on first use (pyHanko loads lazily)
    return _dated_class()(when)

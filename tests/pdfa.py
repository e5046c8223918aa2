"""A check of the PDF/A-2b rules a PDF made by ``vanban build --pdf`` can break.

veraPDF, the reference validator, is packaged neither for Debian nor on PyPI (it ships as a
Java installer that downloads at install time), so the tests cannot run it offline. This module
checks, with pyHanko's strict reader, the clauses of ISO 19005-2 (PDF/A-2b) that LibreOffice's
export or our incremental update could get wrong: the file header, the trailer's identifier and
no encryption (6.1.2–6.1.3), the XMP metadata naming PDF/A-2B, unfiltered, and agreeing with the
document information dictionary (6.6.2–6.6.3), the output intent with an ICC profile (6.2.3),
every font embedded (6.2.11.4), annotations printable, visible, with a normal appearance stream
only and no actions (6.3.2–6.3.3, 6.5), no JavaScript or additional actions anywhere (6.5–6.6),
the form with no NeedAppearances and no XFA (6.4). It is not a full validator (colour spaces,
transparency groups and font programs are taken as LibreOffice writes them), which the report
of this change says.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, timezone
from pathlib import Path

from lxml import etree
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

NS = {"x": "adobe:ns:meta/", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
      "pdfaid": "http://www.aiim.org/pdfa/ns/id/", "dc": "http://purl.org/dc/elements/1.1/",
      "xmp": "http://ns.adobe.com/xap/1.0/", "pdf": "http://ns.adobe.com/pdf/1.3/"}
HIDDEN = 1 | 2 | 32 | 256   # Invisible, Hidden, NoView, ToggleNoView
PRINT = 4


def problems(path: Path) -> list[str]:
    """Every PDF/A-2b rule (of those above) that the file at ``path`` breaks; empty if none."""
    data = path.read_bytes()
    found: list[str] = []
    if not re.match(rb"%PDF-1\.[0-7]\r?\n%[\x80-\xff]{4}", data):
        found.append("6.1.2: header or its binary comment line")
    reader = PdfFileReader(io.BytesIO(data), strict=True)
    trailer = reader.trailer
    if "/ID" not in trailer:
        found.append("6.1.3: trailer without /ID")
    if "/Encrypt" in trailer:
        found.append("6.1.3: encrypted")
    root = reader.root
    found += _metadata(root, trailer)
    found += _output_intent(root)
    if "/AA" in root or "/JavaScript" in _get(root, "/Names", generic.DictionaryObject()):
        found.append("6.5/6.6: JavaScript or additional actions in the catalog")
    opening = _get(root, "/OpenAction")
    if isinstance(opening, generic.DictionaryObject) and _get(opening, "/S") in ("/JavaScript", "/Launch"):
        found.append("6.5: forbidden open action")
    if "/AcroForm" in root:
        form = root["/AcroForm"]
        if _get(form, "/NeedAppearances") is True or _get(form, "/NeedAppearances") == generic.BooleanObject(True):
            found.append("6.4.1: NeedAppearances true")
        if "/XFA" in form:
            found.append("6.4.2: XFA form")
    seen: set = set()
    for number, page in enumerate(_pages(root["/Pages"])):
        if "/AA" in page:
            found.append(f"6.6: page {number + 1} has additional actions")
        found += _fonts(_get(page, "/Resources"), f"page {number + 1}", seen)
        for annot in _get(page, "/Annots", generic.ArrayObject()):
            found += _annotation(annot.get_object(), number, seen)
    return found


def _get(dictionary, key: str, default=None):
    """``dictionary[key]`` with indirect references followed, or ``default``."""
    return dictionary[key] if key in dictionary else default


def _pages(node):
    node = node.get_object()
    if _get(node, "/Type") == "/Pages":
        for kid in node["/Kids"]:
            yield from _pages(kid)
    else:
        yield node


def _metadata(root, trailer) -> list[str]:
    if "/Metadata" not in root:
        return ["6.6.2: no XMP metadata"]
    stream = root["/Metadata"]
    out = []
    if "/Filter" in stream:
        out.append("6.6.2.1: the metadata stream is filtered")
    xml = etree.fromstring(stream.data)
    part, level = _xmp(xml, "pdfaid:part"), _xmp(xml, "pdfaid:conformance")
    if (part.strip(), level.strip()) != ("2", "B"):
        out.append(f"6.6.4: XMP says PDF/A part {part!r} conformance {level!r}, not 2B")
    try:
        info = trailer["/Info"].get_object()
    except KeyError:
        return out
    pairs = {"/Title": "dc:title", "/Subject": "dc:description", "/Author": "dc:creator",
             "/Keywords": "pdf:Keywords", "/Creator": "xmp:CreatorTool", "/Producer": "pdf:Producer"}
    for key, name in pairs.items():
        if key in info:
            said = _xmp(xml, name)
            if str(info[key]) != said:
                out.append(f"6.6.3: Info {key} {str(info[key])!r} ≠ XMP {said!r}")
    for key, name in {"/CreationDate": "xmp:CreateDate", "/ModDate": "xmp:ModifyDate"}.items():
        if key in info:
            said = _xmp(xml, name)
            # LibreOffice writes «Z'» for UTC; the apostrophe after Z is read as nothing
            written = re.sub(r"Z'$", "Z", str(info[key]))
            if not said or _instant(generic.parse_pdf_date(written)) != _instant(
                    datetime.fromisoformat(said.replace("Z", "+00:00"))):
                out.append(f"6.6.3: Info {key} {info[key]} ≠ XMP {said!r}")
    return out


def _xmp(xml, name: str) -> str:
    """A simple XMP property, written as an element or as an attribute of its description
    (both are XMP); for a language alternative or a sequence, its first item."""
    prefix, local = name.split(":")
    element = xml.xpath(f"//{name}", namespaces=NS)
    if element:
        items = element[0].xpath(".//rdf:li", namespaces=NS)
        return (items[0] if items else element[0]).xpath("string(.)").strip()
    return xml.xpath(f"string(//rdf:Description/@{name})", namespaces=NS)


def _instant(when: datetime) -> datetime:
    return (when if when.tzinfo else when.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


def _output_intent(root) -> list[str]:
    for intent in _get(root, "/OutputIntents", generic.ArrayObject()):
        intent = intent.get_object()
        if _get(intent, "/S") == "/GTS_PDFA1" and "/DestOutputProfile" in intent:
            profile = intent["/DestOutputProfile"]
            if profile.data[36:40] == b"acsp" and int(profile["/N"]) in (1, 3, 4):
                return []
            return ["6.2.3: the output intent's ICC profile is not a valid profile"]
    return ["6.2.3: no PDF/A output intent"]


def _fonts(resources, where: str, seen: set) -> list[str]:
    if resources is None:
        return []
    resources = resources.get_object()
    out = []
    for name, font in _get(resources, "/Font", generic.DictionaryObject()).items():
        font = font.get_object()
        if id(font) in seen:
            continue
        seen.add(id(font))
        if _get(font, "/Subtype") == "/Type3":
            continue
        described = font["/DescendantFonts"][0].get_object() if _get(font, "/Subtype") == "/Type0" else font
        descriptor = _get(described, "/FontDescriptor")
        if descriptor is None or not any(k in descriptor.get_object()
                                         for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            out.append(f"6.2.11.4: font {font.get('/BaseFont')} on {where} is not embedded")
    for name, xobject in _get(resources, "/XObject", generic.DictionaryObject()).items():
        xobject = xobject.get_object()
        if _get(xobject, "/Subtype") == "/Form" and id(xobject) not in seen:
            seen.add(id(xobject))
            out += _fonts(_get(xobject, "/Resources"), where, seen)
    return out


def _annotation(annot, page: int, seen: set) -> list[str]:
    kind = _get(annot, "/Subtype")
    where = f"annotation {annot.get('/T', kind)} on page {page + 1}"
    out = []
    if kind in ("/Sound", "/Movie", "/Screen", "/3D", "/RichMedia", "/TrapNet"):
        out.append(f"6.3.1: {where} is of a forbidden type")
    flags = int(_get(annot, "/F", 0))
    if kind != "/Popup":
        if not flags & PRINT:
            out.append(f"6.3.2: {where} does not have the print flag")
        if flags & HIDDEN:
            out.append(f"6.3.2: {where} is hidden")
    if "/CA" in annot and float(annot["/CA"]) != 1.0:
        out.append(f"6.3.3: {where} is transparent")
    rect = [float(v) for v in _get(annot, "/Rect", [0, 0, 0, 0])]
    empty = rect[0] == rect[2] or rect[1] == rect[3]
    if kind not in ("/Popup", "/Link") and not empty:
        ap = _get(annot, "/AP")
        if ap is None or "/N" not in ap:
            out.append(f"6.3.3: {where} has no normal appearance")
        elif set(ap.keys()) != {"/N"}:
            out.append(f"6.3.3: {where} has appearances other than the normal one")
        else:
            normal = ap["/N"]
            if _get(annot, "/FT") != "/Btn" and not isinstance(normal, generic.StreamObject):
                out.append(f"6.3.3: {where}'s normal appearance is not a stream")
            elif isinstance(normal, generic.StreamObject):
                out += _fonts(_get(normal, "/Resources"), where, seen)
    if "/AA" in annot:
        out.append(f"6.5.2: {where} has additional actions")
    action = _get(annot, "/A")
    if action is not None and _get(action, "/S") in ("/JavaScript", "/Launch", "/Sound", "/Movie",
                                                     "/ResetForm", "/ImportData", "/Hide"):
        out.append(f"6.5.1: {where} has a forbidden action")
    return out

"""Opening the three packages, merging their bodies, and writing the person's package back.

Only the body (``word/document.xml``) is merged; every other part of the person's copy — its
styles, headers, settings, comments and properties — stays as it is, with vanban's comments
added to the comments part (made, with its relationship and content type, if it has none).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from ..base.ooxml import Refused, safe_xml
from ..base.writer import docx_bytes
from .revisions import Revisions
from .three_way import Conflict, Merger
from .words import W

DOCUMENT = "word/document.xml"
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
RELS = "word/_rels/document.xml.rels"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
MAX_PACKAGE = 60 * 1024 * 1024


@dataclass
class MergeResult:
    data: bytes
    inserted: int = 0          # tracked insertions vanban wrote (runs, paragraphs, rows)
    deleted: int = 0           # tracked deletions
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def revisions(self) -> int:
        return self.inserted + self.deleted


def _entries(data: bytes, which: str) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            if sum(i.file_size for i in infos) > MAX_PACKAGE:
                raise Refused(f"bản {which} quá lớn để gộp")
            return {i.filename: z.read(i) for i in infos if not i.is_dir()}
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError, EOFError):
        raise Refused(f"bản {which} không mở được như một tệp Word (.docx)") from None


def _body(entries: dict[str, bytes], which: str) -> tuple[etree._Element, etree._Element]:
    if DOCUMENT not in entries:
        raise Refused(f"bản {which} không có phần nội dung ({DOCUMENT})")
    root = safe_xml(entries[DOCUMENT], DOCUMENT)
    body = root.find(W + "body")
    if body is None:
        raise Refused(f"bản {which} không có thân văn bản")
    return root, body


_ID = re.compile(rb'w:id="(-?\d+)"')


def _highest_id(entries: dict[str, bytes]) -> int:
    found = [0]
    for name in (DOCUMENT, "word/comments.xml", "word/footnotes.xml", "word/endnotes.xml"):
        if name in entries:
            found += [int(x) for x in _ID.findall(entries[name])]
    return max(found)


def _comments_part(entries: dict[str, bytes]) -> str | None:
    if RELS not in entries:
        return None
    rels = safe_xml(entries[RELS], RELS)
    for rel in rels:
        if rel.get("Type") == COMMENTS_REL and rel.get("TargetMode") != "External":
            return "word/" + rel.get("Target", "").lstrip("/").removeprefix("word/")
    return None


def _add_comments_part(entries: dict[str, bytes], name: str) -> None:
    """The relationship and the content type of a new comments part."""
    rels = safe_xml(entries[RELS], RELS) if RELS in entries else \
        etree.Element(PR + "Relationships", nsmap={None: PR[1:-1]})
    used = {r.get("Id") for r in rels}
    number = 1
    while f"rIdVanban{number}" in used:
        number += 1
    rel = etree.SubElement(rels, PR + "Relationship")
    rel.set("Id", f"rIdVanban{number}")
    rel.set("Type", COMMENTS_REL)
    rel.set("Target", name.removeprefix("word/"))
    entries[RELS] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True)
    types = safe_xml(entries["[Content_Types].xml"], "[Content_Types].xml")
    if not any(o.get("PartName") == "/" + name for o in types):
        override = etree.SubElement(types, CT + "Override")
        override.set("PartName", "/" + name)
        override.set("ContentType", COMMENTS_TYPE)
    entries["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8",
                                                   standalone=True)


def merge_docx(base: bytes, new: bytes, mine: bytes, when: str) -> MergeResult:
    """vanban's change from ``base`` to ``new`` merged into the person's ``mine``; ``when``
    (``2026-12-03T08:00:00Z``) dates the revisions. Raises :class:`Refused` when a version
    cannot be read as a Word document."""
    base_entries, new_entries = _entries(base, "vanban ghi lần trước"), _entries(new, "vanban sinh mới")
    entries = _entries(mine, "đang có trong thư mục kết quả")
    _, base_body = _body(base_entries, "vanban ghi lần trước")
    _, new_body = _body(new_entries, "vanban sinh mới")
    root, mine_body = _body(entries, "đang có trong thư mục kết quả")
    bookmarks = {b.get(W + "name", "") for b in root.iter(W + "bookmarkStart")}
    revisions = Revisions(when, _highest_id(entries), bookmarks)
    merger = Merger(revisions)
    merger.container(base_body, new_body, mine_body)
    if not revisions.inserted and not revisions.deleted and not revisions.comments:
        return MergeResult(mine)
    entries[DOCUMENT] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    if revisions.comments:
        name = _comments_part(entries)
        existing = safe_xml(entries[name], name) if name and name in entries else None
        if name is None:
            name = "word/comments.xml"
            while name in entries:
                name = name.replace(".xml", "1.xml")
            _add_comments_part(entries, name)
        entries[name] = etree.tostring(revisions.comments_xml(existing), xml_declaration=True,
                                       encoding="UTF-8", standalone=True)
    return MergeResult(docx_bytes(list(entries.items())), revisions.inserted, revisions.deleted,
                       merger.conflicts)

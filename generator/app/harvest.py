"""Words written in the consolidated report in Word, read back into the report's data.

The writer of the consolidated report may write its parts in Word, in the document itself,
or in ``bao-cao-tong-hop.yaml`` (``narrative``) / the workspace. Before a build, a person's
copy of ``out/bao-cao-tong-hop.docx`` is read part by part — by the marks of its headings,
else by their numbers and words, with the reader of the units' returns (``parts.py``) — and
compared with what vanban last printed there (its base, ``edits.py``):

- the sentences vanban prints under a part from the figures (the outline's ``consolidated``
  lines) are vanban's, however the person edited them — the merge keeps those edits;
- the other paragraphs of the part are the writer's words. When they differ from what vanban
  last printed, the writer wrote in Word: they become the part's ``narrative`` in
  ``bao-cao-tong-hop.yaml`` (comments and layout of the file kept, the previous version kept
  for «Hoàn tác»), with a comment saying they were read from Word — so a later rebuild, a
  fresh ``out/`` or a second computer keeps them;
- when the file's ``narrative`` of that part was also changed since, the file wins and the
  build says so (the words in Word stay in the document, beside vanban's).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from . import edits
from ..documents import manifest
from ..config.campaign import CampaignData
from ..config.structure import DRAFT
from ..base.exceptions import WARNING, Problem
from ..merge import align
from ..merge.words import accept_all, key
from ..base.ooxml import Refused, W, safe_xml
from ..intake.parts import Heading, PartReader, _LABEL, _marked_key, _text, normal
from ..config.structure import node_keys, part_name
from ..base.transaction import lock

REPORT = "bao-cao-tong-hop.docx"
REPORT_DATA = "bao-cao-tong-hop.yaml"


@dataclass
class ReadBack:
    """What a build read back from the report written in Word."""

    taken: list[str] = field(default_factory=list)      # parts whose words were saved
    problems: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.taken)


def _document(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return accept_all(safe_xml(z.read("word/document.xml"), "word/document.xml"))


def headings_of(root: etree._Element) -> list[Heading]:
    """The parts of a document vanban made, from the marks of its headings."""
    out = []
    body = root.find(W + "body")
    for p in body if body is not None else []:
        if p.tag != W + "p":
            continue
        part = _marked_key(p)
        if part is None:
            continue
        found = _LABEL.match(_text(p))
        label, title = (found.group(1), found.group(2)) if found else ("", _text(p))
        out.append(Heading(part, label, normal(title)))
    return out


def _words_by_part(root: etree._Element, headings: list[Heading]) -> dict[str, list[str]]:
    texts = PartReader(headings, set()).read(root).texts
    return {k: [t for t in v if not t.startswith(DRAFT)] for k, v in texts.items()}


def _fixed_counts(data: CampaignData) -> dict[str, int]:
    """How many sentences vanban prints from the figures under each part (they come first)."""
    out: dict[str, int] = {}
    keys = iter(node_keys(data.outline, data.profile))
    if data.outline.opening:
        out[next(keys)] = len(getattr(data.outline.opening, "consolidated", []))

    def walk(nodes):
        for node in nodes:
            out[next(keys)] = len(node.consolidated)
            walk(node.items)

    walk(data.outline.parts)
    return out


def _literal(text: str) -> str:
    """A paragraph typed in Word kept as it is: braces of the prose language made plain."""
    if any(s in text for s in ("{{", "{%", "{#")):
        return "{% raw %}" + text.replace("{% endraw %}", "{ % endraw % }") + "{% endraw %}"
    return text


def read_back(data: CampaignData, data_dir: Path, out_dir: Path, book: manifest.Manifest) -> ReadBack:
    """The words a person wrote in ``out/bao-cao-tong-hop.docx`` saved into the report's
    data; nothing when that file is not a person's copy or the data has no report file."""
    result = ReadBack()
    if not data.outline or book.state(REPORT) != manifest.EDITED:
        return result
    base_bytes = edits.read_base(out_dir, REPORT)
    path = data_dir / REPORT_DATA
    if base_bytes is None:
        return result
    try:
        base, mine = _document(base_bytes), _document((out_dir / REPORT).read_bytes())
    except (OSError, Refused, zipfile.BadZipFile, KeyError) as exc:
        result.problems.append(Problem(str(out_dir / REPORT), None, "", f"không đọc lại được lời viết "
                                       f"trong Word ({exc})", WARNING))
        return result
    headings = headings_of(base)
    if not headings:
        return result   # made before reports carried the marks of their parts
    before, after = _words_by_part(base, headings), _words_by_part(mine, headings)
    fixed = _fixed_counts(data)
    narrative = (data.consolidated.narrative if data.consolidated else {}) or {}
    changes: dict[str, list[str]] = {}
    for heading in headings:
        part = heading.key
        printed = before.get(part, [])
        n = fixed.get(part, 0)
        figures, printed_words = printed[:n], printed[n:]
        written = after.get(part, [])
        paired = {j for j in align.pair([key(t) for t in figures], [key(t) for t in written]) if j is not None}
        words = [t for j, t in enumerate(written) if j not in paired]
        if _keys(words) == _keys(printed_words):
            continue                                   # nothing new written in Word
        in_file = [str(t) for t in narrative.get(part, [])]
        if _keys(words) == _keys(in_file):
            continue                                   # already the report's data
        if in_file and _keys(in_file) != _keys(printed_words):
            result.problems.append(Problem(
                REPORT_DATA, None, f"narrative.{part}",
                f"phần {part_name(part)} được viết cả trong Word ({REPORT}) lẫn trong tệp dữ liệu, khác "
                "nhau: vanban giữ lời trong tệp dữ liệu; lời viết trong Word vẫn nằm trong văn bản",
                WARNING))
            continue
        changes[part] = words
    if not changes:
        return result
    if not path.is_file():
        result.problems.append(Problem(
            REPORT_DATA, None, "narrative", f"lời viết trong Word ở {len(changes)} phần của {REPORT} "
            f"chưa được lưu vào dữ liệu vì chưa có tệp {REPORT_DATA}", WARNING))
        return result
    _save(data_dir, changes, result)
    return result


def _keys(texts: list) -> list[str]:
    return [key(str(t)) for t in texts if key(str(t))]


def _save(data_dir: Path, changes: dict[str, list[str]], result: ReadBack) -> None:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from .editing import commit_file, dump_document, load_document

    with lock(data_dir):
        document = load_document(data_dir / REPORT_DATA)
        if document.get("narrative") is None:
            document["narrative"] = CommentedMap()
        narrative = document["narrative"]
        for part, words in changes.items():
            if words:
                narrative[part] = CommentedSeq([_literal(t) for t in words])
                narrative.yaml_set_comment_before_after_key(
                    part, before=f"phần {part_name(part)}: viết trong Word ({REPORT}), vanban đọc lại",
                    indent=2)
            elif part in narrative:
                del narrative[part]
            result.taken.append(part)
        commit_file(data_dir, REPORT_DATA, dump_document(document))

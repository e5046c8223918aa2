"""A change of the data seen before it is written: what ``vanban check`` would say of the
campaign with it, which documents it changes, and how — their text before and after.

The campaign with the change is loaded from a scratch copy (the data files copied, the new
file in place, the returns, the kit of the campaign above and the templates reached through
links, as the real campaign reaches them). The documents it changes are the outputs whose
manifest key — a hash of everything an output is made from — differs; the text of the main
documents and of one unit's skeleton is drawn both ways (rendered in memory, nothing
written) and compared paragraph by paragraph; the others are counted.
"""

from __future__ import annotations

import difflib
import io
import os
import shutil
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from . import main as pipeline
from ..base.exceptions import DataError, Problem
from ..base.ooxml import W

MAIN = ("ke-hoach.docx", "de-cuong.docx", "phu-luc.docx", "bao-cao-tong-hop.docx",
        "tong-hop-y-kien.docx")
LINES_SHOWN = 60       # changed lines shown of one document
CONTEXT = 1            # unchanged lines shown around a change


@dataclass
class DocumentChange:
    output: str
    lines: list[tuple[str, str]]     # («-» removed, «+» added, « » unchanged, «…» skipped; text)
    more: int = 0                    # changed lines not shown


@dataclass
class Preview:
    problems: list[Problem] = field(default_factory=list)   # of the campaign with the change
    new_errors: list[Problem] = field(default_factory=list)  # errors it did not have
    changed: list[str] = field(default_factory=list)        # outputs made differently
    added: list[str] = field(default_factory=list)          # outputs the change makes anew
    removed: list[str] = field(default_factory=list)        # outputs it no longer makes
    documents: list[DocumentChange] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return bool(self.new_errors)


@contextmanager
def scratch(data_dir: Path, name: str, content: bytes, *, returns: bool = True):
    """The campaign of ``data_dir`` with ``name`` holding ``content``, in a scratch folder:
    the data files copied, the folders beside them (returns, the kit above, reviews) and the
    templates linked, so that it is read as the real one is."""
    with tempfile.TemporaryDirectory(prefix="vanban-xem-truoc-") as tmp:
        copy = Path(tmp) / "data"
        copy.mkdir()
        for entry in os.scandir(data_dir):
            if entry.name.startswith("."):
                continue
            if entry.is_file():
                shutil.copy2(entry.path, copy / entry.name)
            elif entry.is_dir() and (returns or entry.name != "bao-cao"):
                os.symlink(os.path.realpath(entry.path), copy / entry.name)
        beside = data_dir.parent / "templates"
        if beside.is_dir():
            os.symlink(os.path.realpath(beside), Path(tmp) / "templates")
        (copy / name).write_bytes(content)
        yield copy


def _key(p: Problem) -> tuple:
    return (p.file, p.place, p.message)


def preview(data_dir: Path, name: str, content: bytes, before: pipeline.Loaded | None,
            before_problems: list[Problem], templates: dict | None = None) -> Preview:
    """What writing ``content`` as ``name`` would do (``before``: the campaign as it is,
    loaded; ``before_problems``: what ``vanban check`` says of it now)."""
    out = Preview()
    with scratch(data_dir, name, content) as copy:
        try:
            after = pipeline.load(copy)
            out.problems = pipeline.problems_of(after)
        except DataError as exc:
            out.problems, after = exc.problems, None
        known = {_key(p) for p in before_problems if p.is_error}
        out.new_errors = [p for p in out.problems if p.is_error
                          and (p.file == name or _key(p) not in known)]
        if after is None or before is None:
            return out
        old, new = before.keys, after.keys
        out.changed = [o for o in new if o in old and old[o] != new[o]]
        out.added = [o for o in new if o not in old]
        out.removed = [o for o in old if o not in new]
        shown = [o for o in MAIN if o in out.changed or o in out.added or o in out.removed]
        skeleton = next((o for o in out.changed + out.added + out.removed
                         if o.startswith(pipeline.UNITS_DIR + "/") and o.endswith(".docx")), None)
        if skeleton:
            shown.append(skeleton)
        for output in shown:
            a = _text(before, data_dir, output, templates)
            b = _text(after, copy, output, templates)
            out.documents.append(_diff(output, a, b))
    return out


def _text(loaded: pipeline.Loaded, data_dir: Path, output: str, templates: dict | None) -> list[str]:
    """The text of one output as the campaign ``loaded`` makes it: paragraphs, and table rows
    as «cell | cell»; none when the campaign does not make it."""
    spec = next((s for s in loaded.every if s.output == output), None)
    if spec is None or spec.template is None:
        return []
    with loaded.guard:
        known = len(loaded.problems)
        try:
            documents = pipeline._documents([spec], loaded.problems)
        except DataError:
            return []
        finally:
            del loaded.problems[known:]
    compiled = pipeline.compile_templates(documents, loaded.data, data_dir, templates)
    return paragraphs(pipeline._bytes(documents[0], compiled))


def paragraphs(docx: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    body = root.find(W + "body")
    out = []
    for child in body if body is not None else []:
        if child.tag == W + "p":
            text = _para(child)
            if text:
                out.append(text)
        elif child.tag == W + "tbl":
            for tr in child.iter(W + "tr"):
                cells = [" ".join(_para(p) for p in tc.iter(W + "p")).strip() for tc in tr.iter(W + "tc")]
                if any(cells):
                    out.append(" | ".join(cells))
    return out


def _para(p) -> str:
    pieces = []
    for el in p.iter(W + "t", W + "tab", W + "br", W + "noBreakHyphen"):
        if el.tag == W + "t":
            pieces.append(el.text or "")
        elif el.tag == W + "noBreakHyphen":
            pieces.append("-")
        else:
            pieces.append(" ")
    return " ".join("".join(pieces).split())


def _diff(output: str, a: list[str], b: list[str]) -> DocumentChange:
    lines: list[tuple[str, str]] = []
    codes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for n, (tag, i1, i2, j1, j2) in enumerate(codes):
        if tag != "equal":
            lines += [("-", t) for t in a[i1:i2]] + [("+", t) for t in b[j1:j2]]
            continue
        head = a[i1:i1 + CONTEXT] if n > 0 else []
        tail = a[max(i1 + len(head), i2 - CONTEXT):i2] if n < len(codes) - 1 else []
        lines += [(" ", t) for t in head]
        if i2 - i1 > len(head) + len(tail):
            lines.append(("…", ""))
        lines += [(" ", t) for t in tail]
    if lines and lines[0][0] == "…":
        lines.pop(0)
    if lines and lines[-1][0] == "…":
        lines.pop()
    kept, shown = [], 0
    for mark, text in lines:
        if mark in "+-":
            shown += 1
            if shown > LINES_SHOWN:
                continue
        elif shown > LINES_SHOWN:
            continue
        kept.append((mark, text))
    return DocumentChange(output, kept, max(0, shown - LINES_SHOWN))

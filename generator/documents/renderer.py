"""Compile a .docx template once, render it for many contexts.

docxtpl re-reads the .docx, re-patches its XML and re-compiles a Jinja template on every
``render()`` (about 30 ms a document, most of it compiling). Here a template is read once per
run: its parts that hold tags (body, headers, footers) are patched with docxtpl's own
``patch_xml`` (so the ``{%p %}``, ``{%tr %}``, ``{%tc %}`` tags and Word's split runs work as
in docxtpl), the format profile is applied to its styles and page set-up, and each part is
compiled once. ``render(context)`` then only runs the compiled templates and returns the
entries of the new .docx; every other part is copied as it is.
"""

from __future__ import annotations

import functools
import html
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from ..base.xmltext import escape

import jinja2
from lxml import etree

from ..config.structure import MARK_ID_BASE, MARK_OPEN, MARK_CLOSE, part_mark
from ..base import measure
from ..formats import styles, vnrules
from . import frames, theme
from ..base.exceptions import TemplateError
from ..formats.profiles import Profile
from ..base.writer import Packed, pack

_RENDERED = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_DECL = re.compile(r"^<\?xml[^>]*\?>\s*")
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_BODY_SECT = re.compile(r"<w:sectPr[ >](?:(?!<w:sectPr[ >]).)*?</w:sectPr>(?=\s*</w:body>)", re.S)
MAX_TEMPLATE_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class DocProperties:
    """What File → Properties shows; dates come from the data so output is reproducible."""

    title: str
    subject: str
    creator: str
    created: date
    keywords: str = ""
    custom: dict[str, str] = field(default_factory=dict)  # File → Properties → Custom


def core_xml(props: DocProperties) -> bytes:
    stamp = f"{props.created.isoformat()}T00:00:00Z"
    return (
        f'{_DECLARATION}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/'
        '2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(props.title)}</dc:title><dc:subject>{escape(props.subject)}</dc:subject>"
        f"<dc:creator>{escape(props.creator)}</dc:creator>"
        f"<cp:keywords>{escape(props.keywords)}</cp:keywords>"
        f"<cp:lastModifiedBy>{escape(props.creator)}</cp:lastModifiedBy>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode("utf-8")


CUSTOM_PART = "docProps/custom.xml"
_PER_DOCUMENT = {"docProps/core.xml", CUSTOM_PART}
_CUSTOM_TYPE = ('<Override PartName="/docProps/custom.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.custom-properties+xml"/>')
_CUSTOM_REL = ('<Relationship Id="rIdVanbanCustom" Type="http://schemas.openxmlformats.org/'
               'officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/>')


def custom_xml(values: dict[str, str]) -> bytes:
    """Custom document properties: what Word shows under File → Properties → Custom, and
    keeps when a user saves."""
    props = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{i}" '
        f'name="{escape(name)}"><vt:lpwstr>{escape(value)}</vt:lpwstr></property>'
        for i, (name, value) in enumerate(sorted(values.items()), start=2))
    return (f'{_DECLARATION}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/'
            '2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/docPropsVTypes">{props}</Properties>').encode("utf-8")


class CompiledTemplate:
    """One .docx template, prepared for a profile and compiled once."""

    def __init__(self, path: Path, env: jinja2.Environment, profile: Profile):
        from docxtpl import DocxTemplate  # imported when a template is compiled, not on a no-op run

        self.path = path
        self._docxtpl = DocxTemplate(path)  # used only for its XML patching helpers
        self._entries: list[tuple[str, bytes]] = []
        self._compiled: dict[str, jinja2.Template] = {}
        self._fix_tables: set[str] = set()
        self._profile = profile
        self._sect: dict[tuple[str, bool], str] = {}
        self._packed: dict[str, Packed] | None = None
        self._frames: dict[tuple, tuple] = {}    # a frame's key → (its pins, the frame or None)
        self._sources: dict[str, str] = {}       # each compiled part's Jinja source
        self._pure: dict[tuple, bool] = {}       # (printed, tested) → the parts use them only so
        self.from_frames = 0                      # documents drawn from a frame (said to tests)
        self._read(profile, env)

    def _read(self, profile: Profile, env: jinja2.Environment) -> None:
        try:
            if self.path.stat().st_size > MAX_TEMPLATE_BYTES:
                raise TemplateError(self.path, "tệp quá lớn để là một mẫu văn bản")
            with zipfile.ZipFile(self.path) as zf:
                self._entries = [(i.filename, zf.read(i)) for i in zf.infolist()
                                 if not i.is_dir()]
        except FileNotFoundError:
            raise TemplateError(self.path, "không tìm thấy tệp mẫu") from None
        except (zipfile.BadZipFile, OSError) as exc:
            raise TemplateError(self.path, f"không phải tệp .docx đọc được ({exc})") from None
        names = [n for n, _ in self._entries]
        if "word/document.xml" not in names:
            raise TemplateError(self.path, "không phải tệp .docx (thiếu word/document.xml)")
        self._entries = theme.with_theme(self._entries)
        renamed: dict[str, str] = {}
        entries = []
        for name, data in self._entries:
            if name == "word/styles.xml":
                data, renamed = self._guard(name, lambda: styles.apply_profile(data, profile))
            entries.append((name, data))
        for i, (name, data) in enumerate(entries):
            if _RENDERED.match(name):
                text = styles.rename_style_uses(_DECL.sub("", data.decode("utf-8")), renamed)
                if name == "word/document.xml":
                    text = self._guard(name, lambda: styles.apply_page(text, profile))
                    self._section_props(text)
                if "{" in text:
                    self._compile(name, text, env)
                else:
                    entries[i] = (name, (_DECLARATION + text).encode("utf-8"))
        self._entries = entries

    def _guard(self, part: str, work):
        try:
            return work()
        except etree.XMLSyntaxError as exc:
            raise TemplateError(self.path, f"phần {part} hỏng ({exc})") from None

    def _compile(self, name: str, xml: str, env: jinja2.Environment) -> None:
        patched = self._docxtpl.patch_xml(xml)
        self._sources[name] = patched
        try:
            self._compiled[name] = env.from_string(patched)
        except jinja2.TemplateSyntaxError:
            # compiled again with a line per paragraph, for a message that says where
            lined = re.sub(r"<w:p([ >])", r"\n<w:p\1", patched)
            try:
                env.from_string(lined)
            except jinja2.TemplateSyntaxError as exc:
                raise TemplateError(self.path, f"thẻ mẫu sai cú pháp ở phần {name}: {exc.message}; "
                                    f"gần đoạn: «{_nearby(lined, exc.lineno)}»") from None
            raise  # pragma: no cover - the same text compiles once lined: cannot be
        if re.search(r"{%\s*tc\s", xml) or "{%tc" in xml:
            self._fix_tables.add(name)

    def warm(self) -> None:
        """Pack the parts every document shares (done once, on the first render)."""
        if self._packed is None:
            self._packed = {name: pack(name, data) for name, data in self._entries
                            if name not in self._compiled and name not in _PER_DOCUMENT}

    def render(self, context: dict, props: DocProperties) -> list[Packed]:
        """The entries of the document for ``context``, packed; the parts that do not change
        from one document to the next are packed once per run. A context that says it may
        be drawn from a frame (:mod:`generator.documents.frames`) is, once its frame is made."""
        self.warm()
        framed = None
        if frames.FRAMED in context:
            context = dict(context)
            framed = context.pop(frames.FRAMED)
        drawn = self._from_frame(framed, context) if framed is not None else None
        if drawn is None:
            context = _with_headings(context)
            drawn = {name: self._render_part(name, template, context)
                     for name, template in self._compiled.items()}
        out = []
        has_custom = any(name == CUSTOM_PART for name, _ in self._entries)
        for name, data in self._entries:
            if name in self._compiled:
                out.append(pack(name, drawn[name]))
                continue
            if name == "docProps/core.xml":
                data = core_xml(props)
            elif name == CUSTOM_PART:
                data = custom_xml(props.custom)
            elif props.custom and not has_custom and name in ("[Content_Types].xml", "_rels/.rels"):
                out.append(self._with_custom(name, data))   # the same for every document
                continue
            else:
                out.append(self._packed[name])
                continue
            out.append(pack(name, data))
        if props.custom and not has_custom:
            out.append(pack(CUSTOM_PART, custom_xml(props.custom)))
        return out

    def _frameable(self) -> bool:
        """Whether a frame can hold this template's documents: not when a part's tables are
        rebuilt by docxtpl (``{%tc``), nor when the rule under the issuer is sized by the
        issuer's name (a state document), which is a unit's own."""
        return frames.enabled() and not self._fix_tables and \
            self._profile.styles["issuer_rule"].rule_ratio is None

    def _from_frame(self, framed: frames.Framed, context: dict) -> dict[str, bytes] | None:
        """The template's parts for ``context`` drawn from the frame of ``framed.key``, or
        ``None`` to draw them the whole way. The first context of a key is drawn both ways:
        the frame is kept only when the two give the same bytes."""
        if not self._frameable() or not self._only_printed(framed):
            return None
        entry = self._frames.get(framed.key)
        if entry is None:
            if len(self._frames) >= MAX_FRAMES:   # a long-lived workspace: builds of other data
                self._frames.clear()
            drawn = {name: self._render_part(name, template, _with_headings(context))
                     for name, template in self._compiled.items()}
            frame = self._make_frame(framed)
            if frame is not None and self._fill(frame, framed) != drawn:
                frame = None
            self._frames[framed.key] = (framed.pins, frame)
            return drawn
        drawn = self._fill(entry[1], framed) if entry[1] is not None else None
        self.from_frames += drawn is not None
        return drawn

    def _only_printed(self, framed: frames.Framed) -> bool:
        """Whether every part reaches the slots' values only to print them (a template the
        office edited may do otherwise: it is then drawn the whole way)."""
        uses = (framed.printed, framed.tested)
        if uses not in self._pure:
            env = next(iter(self._compiled.values())).environment
            self._pure[uses] = all(frames.only_printed(env.parse(source), *uses)
                                   for source in self._sources.values())
        return self._pure[uses]

    def _make_frame(self, framed: frames.Framed) -> dict[str, list] | None:
        marked = _with_headings(framed.marked())
        out = {}
        for name, template in self._compiled.items():
            pieces = frames.cut(self._render_part(name, template, marked).decode("utf-8"))
            if pieces is None:
                return None
            out[name] = pieces
        return out

    def _fill(self, frame: dict[str, list], framed: frames.Framed) -> dict[str, bytes] | None:
        texts: dict[str, bytes] = {}
        for pieces in frame.values():
            for name in pieces[1::2]:
                if name not in texts:
                    value, how = framed.value(name)
                    text = frames.slot_text(value, how, self._finalize, self._unsafe)
                    if text is None:
                        return None
                    texts[name] = text.encode("utf-8")
        return {name: frames.fill(pieces, texts) for name, pieces in frame.items()}

    @functools.cached_property
    def _finalize(self):
        template = next(iter(self._compiled.values()), None)
        return template.environment.finalize if template is not None else None

    @functools.cached_property
    def _unsafe(self) -> tuple[str, ...]:
        """What a slot's text may not hold: what the pipeline looks for in the whole part (a
        part's mark, a paragraph loosened, a frame's own marks, the recipients' label)."""
        return (LOOSE, MARK_OPEN, MARK_CLOSE, frames.OPEN, frames.CLOSE,
                escape(self._profile.texts.recipients_label))

    def _with_custom(self, name: str, data: bytes) -> Packed:
        """The content types or the package's relationships with the custom properties part
        added, packed once."""
        key = f"{name}+custom"
        if key not in self._packed:
            if name == "[Content_Types].xml":
                data = data.replace(b"</Types>", _CUSTOM_TYPE.encode() + b"</Types>")
            else:
                data = data.replace(b"</Relationships>", _CUSTOM_REL.encode() + b"</Relationships>")
            self._packed[key] = pack(name, data)
        return self._packed[key]

    def _render_part(self, name: str, template: jinja2.Template, context: dict) -> bytes:
        try:
            xml = template.render(context)
        except jinja2.UndefinedError as exc:
            raise TemplateError(self.path, f"phần {name} dùng giá trị không có: {exc.message}") from None
        except jinja2.TemplateError as exc:
            raise TemplateError(self.path, f"lỗi khi điền phần {name}: {exc}") from None
        if "{_" in xml or "_}" in xml:
            xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        if "\t" in xml or "\a" in xml or "\f" in xml:
            xml = self._docxtpl.resolve_listing(xml)
        elif "\n" in xml:  # line breaks only: docxtpl's own replacement, without its slow walk
            xml = line_breaks(xml)
        if name in self._fix_tables:
            xml = etree.tostring(self._docxtpl.fix_tables(xml), encoding="unicode")
        if name == "word/document.xml" and "<!--vanban-" in xml:
            xml = self._sections(xml)
        if name == "word/document.xml":
            xml = keep_closing_lines(xml, escape(self._profile.texts.recipients_label))
            xml = size_issuer_rule(xml, self._profile)
        if LOOSE in xml:
            xml = loosen(xml)
        if MARK_OPEN in xml:
            xml = mark_parts(xml)
        xml = keep_symbols_whole(xml)
        return (_DECLARATION + xml).encode("utf-8")

    def _section_props(self, xml: str) -> None:
        """The template's own section properties (page, margins, headers, page numbers), in
        portrait and landscape, with and without a first page of its own."""
        match = _BODY_SECT.search(xml)
        self._sect = {}
        if not match:
            return
        sect = etree.fromstring(match.group(0).replace("<w:sectPr", f'<w:sectPr xmlns:w="{styles.W_NS}" '
                                                       'xmlns:r="http://schemas.openxmlformats.org/'
                                                       'officeDocument/2006/relationships"', 1))
        for orientation in ("portrait", "landscape"):
            for first in (True, False):
                el = styles.oriented_section(sect, self._profile, orientation == "landscape")
                if not first:
                    for title_page in el.findall(styles.W + "titlePg"):
                        el.remove(title_page)
                text = etree.tostring(el, encoding="unicode")
                text = re.sub(r' xmlns:\w+="[^"]*"', "", text)
                self._sect[(orientation, first)] = text

    def _sections(self, xml: str) -> str:
        """Section marks left by the appendix tables turned into real section breaks."""
        count = 0

        def section(m: re.Match) -> str:
            nonlocal count
            count += 1
            return f"<w:p><w:pPr>{self._sect[(m.group(1), count == 1)]}</w:pPr></w:p>"

        if "<!--vanban-section:" in xml:
            xml = re.sub(r"<w:p><!--vanban-section:(\w+)--></w:p>", section, xml)
        orientation = None
        at = xml.find("<!--vanban-final:")
        while at >= 0:   # the first mark says how the document ends; every mark is removed
            end = xml.find("-->", at) + len("-->")
            orientation = orientation or xml[at + len("<!--vanban-final:"):end - len("-->")]
            xml = xml[:at] + xml[end:]
            at = xml.find("<!--vanban-final:", at)
        orientation = orientation or "portrait"
        start = xml.rfind("<w:sectPr")                 # the body's own, the last one
        end = xml.find("</w:sectPr>", start) + len("</w:sectPr>")
        return xml[:start] + self._sect[(orientation, count == 0)] + xml[end:]


MAX_FRAMES = 512     # frames kept at once (kinds of unit × builds of a long-lived workspace)


def _with_headings(context: dict) -> dict:
    """Headings whose last word is kept whole (no word split at a line's end)."""
    if not isinstance(context.get("body"), list):
        return context
    return {**context, "body": [
        dict(b, text=vnrules.keep_heading_words(b["text"]))
        if isinstance(b, dict) and str(b.get("style", "")).startswith("heading")
        and isinstance(b.get("text"), str) else b for b in context["body"]]}


_PARAGRAPH = re.compile(r"<w:p(?:\s[^>]*)?>")
BREAK = '</w:t><w:br/><w:t xml:space="preserve">'


def line_breaks(xml: str) -> str:
    """Each line break in a text (``<w:t>``) written as Word's ``<w:br/>``, as docxtpl does.
    The texts are found from the line breaks (a few), not by scanning every element."""
    out, done, at = [], 0, xml.find("\n")
    while at >= 0:
        start = xml.rfind("<", 0, at)
        opening = _TEXT_START.match(xml, start) if start >= done else None
        close = xml.find("<", at)
        if opening is None or opening.end() > at or not xml.startswith("</w:t>", close):
            at = xml.find("\n", at + 1)
            continue
        out += [xml[done:opening.end()], xml[opening.end():close].replace("\n", BREAK)]
        done = close
        at = xml.find("\n", close)
    return "".join(out) + xml[done:] if out else xml

_RULE = f'<w:pStyle w:val="{styles.STYLES["issuer_rule"][0]}"/>'
_ISSUER = f'<w:pStyle w:val="{styles.STYLES["issuer"][0]}"/>'


def size_issuer_rule(xml: str, profile: Profile) -> str:
    """The short line under the issuing body's name (state documents: 1/3 to 1/2 of the
    name) sized for the name this document prints: the paragraph's indents leave the line
    ``rule_ratio`` of the longest line of the issuer's name, centred in its column."""
    rule = profile.styles["issuer_rule"]
    at = xml.find(_RULE)
    named = xml.rfind(_ISSUER, 0, at)
    if rule.rule_ratio is None or at < 0 or named < 0:
        return xml
    end = xml.find("</w:p>", named)
    pieces = re.findall(r"<w:t[^>]*>([^<]*)</w:t>|(<w:br/>)", xml[named:end])
    lines = "".join(text if not brk else "\n" for text, brk in pieces)
    widest = max((measure.width_cm(html.unescape(line), profile.size("issuer"),
                                        profile.styles["issuer"].bold)
                  for line in lines.split("\n") if line.strip()), default=0)
    if not widest:
        return xml
    side = max((profile.page.header_left_cm - widest * rule.rule_ratio) / 2, 0)
    ind = f'<w:ind w:left="{styles.twips_cm(side)}" w:right="{styles.twips_cm(side)}" w:firstLine="0"/>'
    start = at + len(_RULE)
    close = xml.find("</w:pPr>", start)
    head = xml[start:close]
    place = min([i for i in (head.find("<w:jc"), head.find("<w:rPr")) if i >= 0], default=len(head))
    return xml[:start + place] + ind + xml[start + place:]


_TEXT_START = re.compile(r"<w:t(?: [^>]*)?>")
_NO_BREAK_HYPHEN = '</w:t><w:noBreakHyphen/><w:t xml:space="preserve">'


def keep_symbols_whole(xml: str) -> str:
    """The hyphens of document symbols in every text written as Word's non-breaking hyphen,
    so that a line never ends with «05-» and starts with «CT/TW». Only the texts that hold a
    hyphen are looked at (found from the hyphens, not by scanning every text)."""
    out, done, at = [], 0, xml.find("-")
    while at >= 0:
        start = xml.rfind("<", 0, at)
        if start < done:                             # in a text already seen
            at = xml.find("-", at + 1)
            continue
        if xml.find(">", start, at) < 0:             # inside a tag: go past the tag
            end = xml.find(">", at)
            at = xml.find("-", end) if end >= 0 else -1
            continue
        opening = _TEXT_START.match(xml, start)
        if opening is None or opening.end() > at:    # the text of another element
            end = xml.find("<", at)
            at = xml.find("-", end) if end >= 0 else -1
            continue
        close = xml.find("</w:t>", at)
        inner = xml[opening.end():close]
        fixed = symbols_whole(inner)
        if fixed != inner:
            out += [xml[done:start], '<w:t xml:space="preserve">', fixed]
            done = close
        at = xml.find("-", close)
    return "".join(out) + xml[done:] if out else xml


def _symbol_hyphens(s: re.Match) -> str:
    return s.group(0).replace("-", _NO_BREAK_HYPHEN) if vnrules.is_symbol(s.group(0)) else s.group(0)


def symbols_whole(text: str) -> str:
    """One text with its symbols' hyphens made non-breaking; the same texts come back in
    every unit's document (recipients, references, the outline), so each is done once."""
    fixed = _SYMBOL_TEXTS.get(text)
    if fixed is None:
        fixed = vnrules.SYMBOL.sub(_symbol_hyphens, text)
        if len(_SYMBOL_TEXTS) < 20_000:
            _SYMBOL_TEXTS[text] = fixed
    return fixed


_SYMBOL_TEXTS: dict[str, str] = {}


# put at the start of a block's text: this paragraph does not keep with the next one, though
# its style does (a heading with nothing under it, followed by another heading: a run of
# them would otherwise move to the next page all together)
LOOSE = "\ue000"
_PPR_HEAD = re.compile(r"<w:pPr>(?:<w:pStyle [^>]*/>)?")


def _paragraph_before(xml: str, at: int) -> re.Match | None:
    """The opening tag of the paragraph that ``at`` is in (or the last one before it)."""
    while at > 0:
        at = xml.rfind("<w:p", 0, at)
        found = _PARAGRAPH.match(xml, at) if at >= 0 else None
        if found:
            return found
    return None


def _set_keep(xml: str, paragraph: re.Match, keep: bool) -> str:
    """The paragraph opened by ``paragraph`` made to keep with the next one, or not, whatever
    its style says (the property goes after the style, as the schema orders them)."""
    element = "<w:keepNext/>" if keep else '<w:keepNext w:val="0"/>'
    head = _PPR_HEAD.match(xml, paragraph.end())
    if head:
        return xml[:head.end()] + element + xml[head.end():]
    return xml[:paragraph.end()] + f"<w:pPr>{element}</w:pPr>" + xml[paragraph.end():]


def loosen(xml: str) -> str:
    """Paragraphs whose text carries :data:`LOOSE` made not to keep with the next."""
    while (at := xml.find(LOOSE)) >= 0:
        xml = xml[:at] + xml[at + len(LOOSE):]
        paragraph = _paragraph_before(xml, at)
        if paragraph is not None:
            xml = _set_keep(xml, paragraph, False)
    return xml


_PART = re.compile(f"{MARK_OPEN}([^{MARK_CLOSE}<]*){MARK_CLOSE}")


def _marks(xml: str):
    """The part marks of ``xml`` as :data:`_PART` finds them — (start, end, key) — found
    from the marks' own character rather than by a regular expression over the whole text."""
    at = xml.find(MARK_OPEN)
    while at >= 0:
        close = xml.find(MARK_CLOSE, at + 1)
        if close < 0:
            return
        if xml.find("<", at + 1, close) < 0:
            yield at, close + 1, xml[at + 1:close]
            at = xml.find(MARK_OPEN, close + 1)
        else:
            at = xml.find(MARK_OPEN, at + 1)


def mark_parts(xml: str) -> str:
    """Each heading whose text starts with a part's mark given a bookmark around its
    paragraph, named for the part (``structure.part_mark``); the mark itself removed. A copy a
    unit sends back is read part by part by these bookmarks.

    The changes are found first and made in one pass: a consolidated report of thousands of
    units is a long text, never copied once per heading."""
    edits: list[tuple[int, int, str]] = []     # (from, to, put instead), in the text as given
    for n, (first, last, key) in enumerate(_marks(xml)):
        edits.append((first, last, ""))
        paragraph = _paragraph_before(xml, first)
        if paragraph is None:
            continue
        bid = MARK_ID_BASE + n
        end = xml.find("</w:p>", last)
        edits.append((end, end, f'<w:bookmarkEnd w:id="{bid}"/>'))
        start = paragraph.end()
        if xml.startswith("<w:pPr>", start):
            start = xml.find("</w:pPr>", start) + len("</w:pPr>")
        name = _part_name(key)
        edits.append((start, start, f'<w:bookmarkStart w:id="{bid}" w:name="{name}"/>'))
    if not edits:
        return xml
    pieces, at = [], 0
    for begin, finish, text in sorted(edits, key=lambda e: (e[0], e[1])):
        pieces += [xml[at:begin], text]
        at = max(at, finish)
    pieces.append(xml[at:])
    return "".join(pieces)


@functools.lru_cache(maxsize=4096)
def _part_name(escaped: str) -> str:
    return part_mark(html.unescape(escaped))


_VISIBLE_TEXT = re.compile(r"<w:t(?: [^>]*)?>[^<]*\S[^<]*</w:t>")


def keep_closing_lines(xml: str, recipients_label: str) -> str:
    """The signature block (the table that holds «Nơi nhận:» and the signature) kept on the
    page of the last paragraph of the body that has text: that paragraph and the empty ones
    after it (left for writing) keep with the next, so that the block never stands alone on
    a page, nor with only empty lines above it: Word and LibreOffice move them together."""
    at = xml.find(f">{recipients_label}<")
    at = xml.rfind("<w:tbl>", 0, at) if at >= 0 else -1
    for _ in range(20):                      # a few empty paragraphs at most, in practice
        paragraph = _paragraph_before(xml, at) if at >= 0 else None
        if paragraph is None:
            return xml
        end = xml.find("</w:p>", paragraph.end())
        if "</w:tbl>" in xml[end:at]:         # a table between: nothing of the body to keep with
            return xml
        inner = xml[paragraph.end():end]
        loose = '<w:keepNext w:val="0"/>'
        if loose in inner.split("</w:pPr>")[0]:
            xml = xml[:paragraph.end()] + inner.replace(loose, "<w:keepNext/>", 1) + xml[end:]
        elif "<w:keepNext/>" not in inner.split("</w:pPr>")[0]:
            xml = _set_keep(xml, paragraph, True)
        if _VISIBLE_TEXT.search(inner):
            return xml
        at = paragraph.start()
    return xml


def _nearby(xml: str, lineno: int | None) -> str:
    if not lineno:
        return ""
    lines = xml.splitlines()[max(lineno - 2, 0): lineno + 1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", " ".join(lines))).strip()[:200]

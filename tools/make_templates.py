"""Make the starting .docx templates in ``templates/`` (a developer's tool, not run by users).

The templates are ordinary Word documents with docxtpl tags; once made, they are the source
and may be edited in Word. This script writes them from scratch, small and clean: only the
parts a document needs, the vanban named styles (``generator/formats/styles.py``) set from the Party
profile, and the structure each document kind needs (header table, page numbers from page 2,
signature and recipients table).

    python tools/make_templates.py            # writes templates/*.docx
"""

from __future__ import annotations

import sys
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.formats import profiles, styles
from generator.documents import theme  # noqa: E402
from generator.base.writer import docx_bytes, write_atomic  # noqa: E402

NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def p(key: str | None, text: str = "") -> str:
    """A paragraph in the vanban style ``key`` holding ``text`` (tags included) in one run."""
    ppr = f'<w:pPr><w:pStyle w:val="{styles.STYLES[key][0]}"/></w:pPr>' if key else ""
    run = f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""
    return f"<w:p>{ppr}{run}</w:p>"


def tag(text: str) -> str:
    """A paragraph holding only a docxtpl paragraph tag (``{%p … %}``)."""
    return p(None, text)


def when(condition: str, *paragraphs: str) -> str:
    return tag(f"{{%p if {condition} %}}") + "".join(paragraphs) + tag("{%p endif %}")


def loop(var: str, items: str, *paragraphs: str) -> str:
    return tag(f"{{%p for {var} in {items} %}}") + "".join(paragraphs) + tag("{%p endfor %}")


def table(widths_cm: list[float], cells: list[str] | list[list[str]], caption: str = "",
          top_pt: float = 0) -> str:
    """A borderless table with a cell per width (a header or signature block): one row of
    ``cells``, or a row per list of cells. ``caption`` names the table for the renderer;
    ``top_pt`` is the space above its text."""
    rows = cells if cells and isinstance(cells[0], list) else [cells]
    widths = [styles.twips_cm(w) for w in widths_cm]
    borders = "".join(f'<w:{side} w:val="nil"/>' for side in
                      ("top", "left", "bottom", "right", "insideH", "insideV"))
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    trs = "".join(
        '<w:tr><w:trPr><w:cantSplit/></w:trPr>'
        + "".join(f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>{c}</w:tc>'
                  for w, c in zip(widths, row))
        + '</w:tr>' for row in rows)
    total = sum(int(w) for w in widths)
    name = f'<w:tblCaption w:val="{caption}"/>' if caption else ""
    return (f'<w:tbl><w:tblPr><w:tblW w:w="{total}" w:type="dxa"/><w:tblInd w:w="0" w:type="dxa"/>'
            f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
            f'<w:tblCellMar><w:top w:w="{styles.twips_pt(top_pt)}" w:type="dxa"/>'
            '<w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/>'
            '</w:tblCellMar><w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" '
            f'w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>{name}</w:tblPr>'
            f'<w:tblGrid>{grid}</w:tblGrid>{trs}</w:tbl>')


def _issuer_cell() -> str:
    return (when("header.superior", p("superior", "{{ header.superior }}"))
            + p("issuer", "{{ header.issuer }}")
            + when("header.separator", p("separator", "{{ header.separator }}"))
            + when("header.issuer_rule", p("issuer_rule")))


def _title_cell() -> str:
    return (p("national_title", "{{ header.national_title }}")
            + when("header.motto", p("motto", "{{ header.motto }}")))


def header_block(profile: profiles.Profile, under_number: str = "") -> str:
    """The header table as the formats draw it, two rows of two cells: the issuing body
    (under its superior) | the Party's name or the national title and motto; then the number
    (and ``under_number``) | the place and date — so that «Số …» and the date stand on one
    line whatever the height of the names above them."""
    page = profile.page  # the renderer resizes the columns for each campaign's profile
    return table([page.header_left_cm, page.header_right_cm],
                 [[_issuer_cell(), _title_cell()],
                  [p("number", "{{ header.number }}") + under_number,
                   p("place_date", "{{ header.place_date }}")]],
                 caption=styles.HEADER_TABLE)


def letter_header_block(profile: profiles.Profile) -> str:
    """A letter's header: as every document's, with its subject («V/v …») under the number."""
    return header_block(profile, p("attachment_ref", "{{ subject }}"))


def title_block() -> str:
    return (p("doc_type", "{{ doc_type }}") + p("summary", "{{ summary }}")
            + p("summary_rule", "{{ summary_rule }}"))


def body_blocks(items: str = "body") -> str:
    """The body: a list of blocks, each drawn in the style it names."""
    kinds = ["heading1", "heading2", "heading3", "heading4", "note", "guidance", "deadline_note"]
    parts = [tag(f"{{%p for b in {items} %}}")]
    for i, kind in enumerate(kinds):
        keyword = "if" if i == 0 else "elif"
        parts.append(tag(f"{{%p {keyword} b.style == '{kind}' %}}"))
        parts.append(p(kind, "{{ b.text }}"))
    parts += [tag("{%p else %}"), p("body", "{{ b.text }}"), tag("{%p endif %}"),
              tag("{%p endfor %}")]
    return "".join(parts)


def signature_block() -> str:
    """Recipients on the left, signature on the right, in one borderless table."""
    left = (p("recipients_label", "{{ recipients_label }}")
            + loop("r", "recipients", p("recipients", "{{ r }}")))
    right = (loop("a", "signature.authority", p("authority", "{{ a }}"))
             + p("signer_title", "{{ signature.title }}")
             + when("signature.signed_mark", p("signed_mark", "{{ signature.signed_mark }}"))
             + p("signer_name", "{{ signature.name }}"))
    return table([8.0, 8.5], [left, right], top_pt=12)


def section_properties(profile: profiles.Profile) -> str:
    page = profile.page
    return ('<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader1"/>'
            '<w:headerReference w:type="first" r:id="rIdHeader2"/>'
            f'<w:pgSz w:w="{styles.twips_mm(page.width_mm)}" w:h="{styles.twips_mm(page.height_mm)}"/>'
            f'<w:pgMar w:top="{styles.twips_mm(page.margin_top_mm)}" '
            f'w:right="{styles.twips_mm(page.margin_right_mm)}" '
            f'w:bottom="{styles.twips_mm(page.margin_bottom_mm)}" '
            f'w:left="{styles.twips_mm(page.margin_left_mm)}" '
            f'w:header="{styles.twips_mm(page.header_distance_mm)}" '
            f'w:footer="{styles.twips_mm(page.header_distance_mm)}" w:gutter="0"/>'
            '<w:cols w:space="720"/><w:titlePg/></w:sectPr>')


def document(body: str, profile: profiles.Profile) -> bytes:
    return (f"{DECL}<w:document {NS}><w:body>{body}{section_properties(profile)}"
            "</w:body></w:document>").encode("utf-8")


def styles_xml(profile: profiles.Profile) -> bytes:
    base = (f'{DECL}<w:styles {NS}><w:docDefaults/>'
            '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
            '<w:qFormat/></w:style>'
            '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
            '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/>'
            '<w:unhideWhenUsed/></w:style>'
            '<w:style w:type="table" w:default="1" w:styleId="TableNormal">'
            '<w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/>'
            '<w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
            '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
            '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar>'
            '</w:tblPr></w:style>'
            '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
            '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>'
            '</w:styles>').encode("utf-8")
    return styles.apply_profile(base, profile)[0]


def page_number_header() -> bytes:
    field = ('<w:fldSimple w:instr=" PAGE "><w:r><w:t>2</w:t></w:r></w:fldSimple>')
    return (f'{DECL}<w:hdr {NS}><w:p><w:pPr><w:pStyle w:val="{styles.STYLES["page_number"][0]}"/>'
            f'</w:pPr>{field}</w:p></w:hdr>').encode("utf-8")


def empty_header() -> bytes:
    return f"{DECL}<w:hdr {NS}><w:p/></w:hdr>".encode("utf-8")


CONTENT_TYPES = (
    f'{DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.settings+xml"/>'
    '<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.fontTable+xml"/>'
    '<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.header+xml"/>'
    '<Override PartName="/word/header2.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.header+xml"/>'
    f'<Override PartName="/word/theme/theme1.xml" ContentType="{theme.CONTENT_TYPE}"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
    'package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.extended-properties+xml"/>'
    '</Types>')

PACKAGE_RELS = (
    f'{DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
    'metadata/core-properties" Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/extended-properties" Target="docProps/app.xml"/>'
    '</Relationships>')

DOCUMENT_RELS = (
    f'{DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/styles" Target="styles.xml"/>'
    '<Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/settings" Target="settings.xml"/>'
    '<Relationship Id="rIdFonts" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/fontTable" Target="fontTable.xml"/>'
    '<Relationship Id="rIdHeader1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/header" Target="header1.xml"/>'
    '<Relationship Id="rIdHeader2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/header" Target="header2.xml"/>'
    f'<Relationship Id="rIdTheme" Type="{theme.RELATIONSHIP}" Target="theme/theme1.xml"/>'
    '</Relationships>')

SETTINGS = (f'{DECL}<w:settings {NS}><w:defaultTabStop w:val="720"/>'
            '<w:characterSpacingControl w:val="doNotCompress"/>'
            '<w:compat><w:compatSetting w:name="compatibilityMode" '
            'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
            '<w:themeFontLang w:val="vi-VN"/></w:settings>')

FONT_TABLE = (f'{DECL}<w:fonts {NS}><w:font w:name="Times New Roman">'
              '<w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/>'
              '<w:family w:val="roman"/><w:pitch w:val="variable"/></w:font></w:fonts>')

CORE = (f'{DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{title}</dc:title>'
        '<dc:creator>vanban</dc:creator></cp:coreProperties>')

APP = (f'{DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
       'extended-properties"><Application>vanban</Application></Properties>')


def package(document_xml: bytes, profile: profiles.Profile, title: str) -> bytes:
    entries = [
        ("[Content_Types].xml", CONTENT_TYPES.encode()),
        ("_rels/.rels", PACKAGE_RELS.encode()),
        ("docProps/core.xml", CORE.format(title=escape(title)).encode()),
        ("docProps/app.xml", APP.encode()),
        ("word/document.xml", document_xml),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.encode()),
        ("word/styles.xml", styles_xml(profile)),
        ("word/settings.xml", SETTINGS.encode()),
        ("word/fontTable.xml", FONT_TABLE.encode()),
        ("word/header1.xml", page_number_header()),
        ("word/header2.xml", empty_header()),
        ("word/theme/theme1.xml", theme.THEME),
    ]
    return docx_bytes(entries)


def ke_hoach(profile: profiles.Profile) -> bytes:
    body = header_block(profile) + title_block() + body_blocks() + signature_block()
    return package(document(body, profile), profile, "Kế hoạch")


def de_cuong(profile: profiles.Profile) -> bytes:
    """The outline: an attachment, so no header table, no number and no signature."""
    body = (p("doc_type", "{{ doc_type }}") + p("doc_title", "{{ title }}")
            + p("attachment_ref", "{{ reference }}") + p("summary_rule", "{{ summary_rule }}")
            + p("for_whom", "{{ for_whom }}") + body_blocks())
    return package(document(body, profile), profile, "Đề cương")


def phu_luc(profile: profiles.Profile) -> bytes:
    """The blank appendix forms: each table on its page, wide ones in landscape."""
    body = p(None, "{{p appendices }}") + p(None)
    return package(document(body, profile), profile, "Phụ lục")


def don_vi(profile: profiles.Profile) -> bytes:
    """A unit's report skeleton, its appendix tables after the signature."""
    body = (header_block(profile) + title_block()
            + when("deadline_note", p("deadline_note", "{{ deadline_note }}"))   # none on a report to sign
            + body_blocks() + signature_block() + p(None, "{{p appendices }}") + p(None))
    return package(document(body, profile), profile, "Báo cáo")


def bao_cao_tong_hop(profile: profiles.Profile) -> bytes:
    """The issuer's consolidated report, its consolidated tables after the signature."""
    body = (header_block(profile) + title_block() + body_blocks() + signature_block()
            + p(None, "{{p appendices }}") + p(None))
    return package(document(body, profile), profile, "Báo cáo tổng hợp")


def tong_hop_y_kien(profile: profiles.Profile) -> bytes:
    """The units' words gathered part by part: a working document, heading and title only,
    no number, no signature."""
    body = header_block(profile) + title_block() + body_blocks()
    return package(document(body, profile), profile, "Tổng hợp ý kiến")


def tra_lai(profile: profiles.Profile) -> bytes:
    """A letter (công văn) sending a unit's return back: the header with its subject under the
    number, «Kính gửi», the body, the signature."""
    body = letter_header_block(profile) + body_blocks() + signature_block()
    return package(document(body, profile), profile, "Công văn")


TEMPLATES = {"ke-hoach.docx": ke_hoach, "de-cuong.docx": de_cuong, "phu-luc.docx": phu_luc,
             "don-vi.docx": don_vi, "bao-cao-tong-hop.docx": bao_cao_tong_hop,
             "tong-hop-y-kien.docx": tong_hop_y_kien, "tra-lai.docx": tra_lai}


def main() -> None:
    profile = profiles.build_profile("dang-hd36")
    out = ROOT / "templates"
    for name, make in TEMPLATES.items():
        wrote = write_atomic(out / name, make(profile))
        print(("đã ghi " if wrote else "không đổi ") + str(out / name))


if __name__ == "__main__":
    main()

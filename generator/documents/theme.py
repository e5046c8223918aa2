"""The theme part every generated Word document and Excel workbook carries.

Office writes a theme into every file it saves, and the schema's checkers (openxml-audit, the
Open XML SDK's validator) report a document or workbook without one as missing a required
relationship. Nothing vanban makes refers to it: every style names its font (Times New Roman)
and its colours outright, so the theme changes no page. It is Office's own colour scheme with
Times New Roman as both theme fonts, so a person who picks a «theme font» in Word or Excel gets
the font of the rest of the document, not Calibri. The bytes never change.

The bundled templates carry it (``tools/make_templates.py``), the workbooks too (``xlsx.py``),
and a campaign's own template without one gets it as it is compiled (``renderer.py``).
"""

from __future__ import annotations

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
FONT = "Times New Roman"

_COLOURS = (
    '<a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1>'
    '<a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>'
    '<a:dk2><a:srgbClr val="44546A"/></a:dk2><a:lt2><a:srgbClr val="E7E6E6"/></a:lt2>'
    '<a:accent1><a:srgbClr val="4472C4"/></a:accent1><a:accent2><a:srgbClr val="ED7D31"/></a:accent2>'
    '<a:accent3><a:srgbClr val="A5A5A5"/></a:accent3><a:accent4><a:srgbClr val="FFC000"/></a:accent4>'
    '<a:accent5><a:srgbClr val="5B9BD5"/></a:accent5><a:accent6><a:srgbClr val="70AD47"/></a:accent6>'
    '<a:hlink><a:srgbClr val="0563C1"/></a:hlink><a:folHlink><a:srgbClr val="954F72"/></a:folHlink>')

_FONTS = "".join(f'<a:{kind}><a:latin typeface="{FONT}"/><a:ea typeface=""/><a:cs typeface="{FONT}"/>'
                 f'</a:{kind}>' for kind in ("majorFont", "minorFont"))

_SOLID = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
_LINE = ('<a:ln w="{w}" cap="flat" cmpd="sng" algn="ctr">' + _SOLID +
         '<a:prstDash val="solid"/><a:miter lim="800000"/></a:ln>')
_FORMATS = (
    f'<a:fillStyleLst>{_SOLID * 3}</a:fillStyleLst>'
    f'<a:lnStyleLst>{"".join(_LINE.format(w=w) for w in (6350, 12700, 19050))}</a:lnStyleLst>'
    f'<a:effectStyleLst>{"<a:effectStyle><a:effectLst/></a:effectStyle>" * 3}</a:effectStyleLst>'
    f'<a:bgFillStyleLst>{_SOLID * 3}</a:bgFillStyleLst>')

THEME = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<a:theme xmlns:a="{A}" name="Office Theme"><a:themeElements>'
    f'<a:clrScheme name="Office">{_COLOURS}</a:clrScheme>'
    f'<a:fontScheme name="vanban">{_FONTS}</a:fontScheme>'
    f'<a:fmtScheme name="Office">{_FORMATS}</a:fmtScheme>'
    '</a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>').encode("utf-8")

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.theme+xml"
RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"


def with_theme(entries: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """A Word package's entries with the theme part added when the document has none: a
    campaign's own templates may come from before the bundled ones carried it (a unit's kit
    copies the templates of its day). A package that has a theme is returned as it is."""
    parts = dict(entries)
    rels_name, types_name = "word/_rels/document.xml.rels", "[Content_Types].xml"
    rels, types = parts.get(rels_name), parts.get(types_name)
    if rels is None or types is None or RELATIONSHIP.encode() in rels or b"</Relationships>" not in rels \
            or b"</Types>" not in types:
        return entries
    n = 1
    while f"word/theme/theme{n}.xml" in parts:
        n += 1
    name = f"word/theme/theme{n}.xml"
    rel = f'<Relationship Id="rIdVanbanTheme" Type="{RELATIONSHIP}" Target="theme/theme{n}.xml"/>'
    override = f'<Override PartName="/{name}" ContentType="{CONTENT_TYPE}"/>'
    out = []
    for part, data in entries:
        if part == rels_name:
            data = data.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
        elif part == types_name:
            data = data.replace(b"</Types>", override.encode() + b"</Types>")
        out.append((part, data))
    return out + [(name, THEME)]

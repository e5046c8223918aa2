"""A unit's figures as an Excel workbook (``don-vi/<id>.xlsx``), beside its Word skeleton.

One sheet per appendix table that applies to the unit, laid out like the Word table: the
cells the unit fills are unlocked and tinted, the computed ones hold Excel formulas (shares,
totals) and are locked — the sheets are protected without a password, so nobody types over a
formula by mistake, yet anyone can lift the protection. Each fillable cell carries a defined
name ``vb_<table>_<row>_<column>`` (the same positions as the Word skeleton's bookmarks), and
the workbook carries the same custom properties, so ``vanban collect`` reads a returned
workbook the same way as a returned skeleton. Written by hand (SpreadsheetML), so the bytes
are reproducible. Text cells point into the workbook's shared-strings table, as Excel writes them
(Excel rewrites inline strings into one on its next save), and the workbook carries the theme
part Excel's schema requires (``theme.py``); the reader (``ooxml.py``) takes both kinds of cell.
"""

from __future__ import annotations

from ..base.xmltext import escape, quoteattr

from ..config import figures as fig
from ..base import measure
from ..config import shapes
from . import theme
from ..formats import vnrules
from .renderer import DocProperties, core_xml, custom_xml
from ..config.layout import INPUT, PERCENT, TOTAL, FormLayout
from ..base.writer import Packed, pack, zip_bytes

_SHARED_PACKED: list[Packed] | None = None

DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
FIRST_ROW = 6  # the header row of every sheet

# cell styles (indexes into cellXfs below)
PLAIN, TITLE, NOTE, HEAD, TEXT, CENTER, INPUT_STYLE, COMPUTED, TOTAL_STYLE = range(9)
UNIT_LINE = "Tên đơn vị: "  # cell A4 of every sheet; a workbook without marks is known by it

STYLES = (
    f'{DECL}<styleSheet xmlns="{MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0"/></numFmts>'
    '<fonts count="3"><font><sz val="13"/><name val="Times New Roman"/></font>'
    '<font><b/><sz val="13"/><name val="Times New Roman"/></font>'
    '<font><i/><sz val="13"/><name val="Times New Roman"/></font></fonts>'
    '<fills count="4"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFFFF2CC"/></patternFill></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFE7E6E6"/></patternFill></fill></fills>'
    '<borders count="2"><border/><border><left style="thin"/><right style="thin"/>'
    '<top style="thin"/><bottom style="thin"/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="9">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment horizontal="center" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment horizontal="center" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1" '
    'applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1">'
    '<alignment vertical="center" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1">'
    '<alignment horizontal="center" vertical="center"/></xf>'
    '<xf numFmtId="3" fontId="0" fillId="2" borderId="1" xfId="0" applyNumberFormat="1" '
    'applyFill="1" applyBorder="1" applyAlignment="1" applyProtection="1">'
    '<alignment horizontal="center" vertical="center"/><protection locked="0"/></xf>'
    '<xf numFmtId="164" fontId="2" fillId="3" borderId="1" xfId="0" applyNumberFormat="1" '
    'applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1">'
    '<alignment horizontal="center" vertical="center"/></xf>'
    '<xf numFmtId="3" fontId="1" fillId="3" borderId="1" xfId="0" applyNumberFormat="1" '
    'applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1">'
    '<alignment horizontal="center" vertical="center"/></xf>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')


def col_letter(n: int) -> str:
    """1 → A, 27 → AA."""
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


class Strings:
    """A workbook's shared-strings table: each text once, numbered in order of first use."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.uses = 0

    def cell(self, ref: str, text: str, style: int) -> str:
        """A text cell pointing at ``text`` in the table."""
        n = self.index.setdefault(text, len(self.index))
        self.uses += 1
        return f'<c r="{ref}" s="{style}" t="s"><v>{n}</v></c>'

    def xml(self) -> bytes:
        items = "".join(f'<si><t xml:space="preserve">{escape(text)}</t></si>' for text in self.index)
        return (f'{DECL}<sst xmlns="{MAIN}" count="{self.uses}" uniqueCount="{len(self.index)}">'
                f"{items}</sst>").encode()


LABEL_CM = 10.0  # the label column (width 45 at 13 pt: about 10.8 cm) less its margins, kept short
LABEL_PT = 13    # the sheet's font size


def _label_lines(label: str, bold: bool = False) -> int:
    """The lines a row's label takes in its column, wrapped between words as Excel wraps it
    (measured with the font's widths: a label of one line gets a row of one line)."""
    lines, line = 1, ""
    for word in label.split():
        wider = f"{line} {word}" if line else word
        if line and measure.width_cm(wider, LABEL_PT, bold) > LABEL_CM:
            lines, line = lines + 1, word
        else:
            line = wider
    return lines


def _total(refs: str) -> str:
    """A total that shows nothing until a figure is typed in the cells it adds (a blank form
    shows no «0», as its rates show nothing), then their sum."""
    return f'IF(COUNT({refs})=0,"",SUM({refs}))'


def _formula(ref: str, formula: str, style: int) -> str:
    return f'<c r="{ref}" s="{style}"><f>{escape(formula)}</f></c>'


def _sheet(form: FormLayout, label: str, reference: str, unit_name: str, strings: Strings,
           period: str = "") -> tuple[str, dict[str, str]]:
    """The sheet's XML and its fillable cells (mark name → cell reference), laid out as
    ``form`` says: row ``FIRST_ROW + line``, column ``place + 1``."""
    table, cols = form.table, form.columns
    with_unit = form.with_unit
    end = col_letter(form.first_value + len(cols))
    rows = form.rows
    cells_of = {row_id: FIRST_ROW + line for row_id, line in form.lines.items()}
    sheet_rows = [
        f'<row r="1">{strings.cell("A1", label, TITLE)}</row>',
        f'<row r="2" ht="36" customHeight="1">{strings.cell("A2", vnrules.upper(table.title), TITLE)}</row>',
        f'<row r="3" ht="36" customHeight="1">{strings.cell("A3", reference, NOTE)}</row>',
        f'<row r="4">{strings.cell("A4", UNIT_LINE + unit_name, PLAIN)}</row>',
    ]
    if period:
        sheet_rows.append(f'<row r="5">{strings.cell("A5", period, NOTE)}</row>')
    sheet_rows.append(f'<row r="{FIRST_ROW}">' + "".join(
        strings.cell(f"{col_letter(k)}{FIRST_ROW}", h, HEAD) for k, h in enumerate(form.headers, 1)) + "</row>")
    marks: dict[str, str] = {}
    count_rows = [r for _, r in rows if r.type == "count" and not r.total]
    plain_cols = [c for c in cols if not c.total]
    cells_by_line: dict[int, list] = {}
    for cell in form.cells:
        cells_by_line.setdefault(cell.line, []).append(cell)
    for _, row in rows:
        r = cells_of[row.id]
        cells = [strings.cell(f"A{r}", "" if row.total else str(form.numbers[row.id]), CENTER),
                 strings.cell(f"B{r}", row.label, TOTAL_STYLE if row.total else TEXT)]
        if with_unit:
            cells.append(strings.cell(f"C{r}", row.unit or "", CENTER))
        for cell in cells_by_line[form.lines[row.id]]:
            letter = col_letter(cell.place + 1)
            ref = f"{letter}{r}"
            parts = fig.formula_parts(row)
            if cell.kind == PERCENT and parts and parts[0] in cells_of and parts[1] in cells_of:
                top, bottom = f"{letter}{cells_of[parts[0]]}", f"{letter}{cells_of[parts[1]]}"
                cells.append(_formula(ref, f'IF(N({bottom})=0,"",ROUND({top}/{bottom}*100,1))', COMPUTED))
            elif cell.kind == TOTAL and row.total and row.type == "count":
                refs = ",".join(f"{letter}{cells_of[c.id]}" for c in count_rows)
                cells.append(_formula(ref, _total(refs), TOTAL_STYLE))
            elif cell.kind == TOTAL and cell.column.total and row.type == "count":
                span = ",".join(f"{col_letter(form.first_value + cols.index(c) + 1)}{r}" for c in plain_cols)
                cells.append(_formula(ref, _total(span), TOTAL_STYLE))
            elif cell.kind == INPUT:
                cells.append(f'<c r="{ref}" s="{INPUT_STYLE}"/>')
                marks[cell.mark] = ref
            else:
                cells.append(f'<c r="{ref}" s="{COMPUTED}"/>')
        lines = _label_lines(row.label, bold=row.total)
        sheet_rows.append(f'<row r="{r}" ht="{6 + 17 * lines}" customHeight="1">{"".join(cells)}</row>')
    widths = [6, 45] + ([12] if with_unit else []) + [13] * len(cols)
    cols_xml = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                       for i, w in enumerate(widths, 1))
    merged = (1, 2, 3, 4, 5) if period else (1, 2, 3, 4)
    merges = "".join(f'<mergeCell ref="A{i}:{end}{i}"/>' for i in merged)
    xml = (f'{DECL}<worksheet xmlns="{MAIN}" xmlns:r="{REL}"><sheetPr><pageSetUpPr fitToPage="1"/>'
           f'</sheetPr><dimension ref="A1:{end}{FIRST_ROW + len(rows)}"/><sheetViews><sheetView '
           f'workbookViewId="0"><pane ySplit="{FIRST_ROW}" topLeftCell="A{FIRST_ROW + 1}" '
           'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
           f'<sheetFormatPr defaultRowHeight="18"/><cols>{cols_xml}</cols>'
           f'<sheetData>{"".join(sheet_rows)}</sheetData>'
           '<sheetProtection sheet="1" objects="1" scenarios="1" formatColumns="0" formatRows="0"/>'
           f'<mergeCells count="{len(merged)}">{merges}</mergeCells>'
           '<pageMargins left="0.6" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
           f'<pageSetup paperSize="9" orientation="{"landscape" if len(cols) >= 5 else "portrait"}" '
           'fitToWidth="1" fitToHeight="0"/></worksheet>')
    return xml, marks


def workbook(tables, unit, reference: str, props: DocProperties, profile, period: str = "") -> bytes:
    """The unit's workbook: one protected sheet per appendix that applies to it. What units
    of the same shape share (every part but the two texts that name the unit, and the
    properties) is made and packed once per shape (:func:`_of_shape`); the unit's two texts
    are put into its shared-strings table."""
    head, tail, strings = _of_shape(tables, unit, profile, period)
    own = strings.replace(_REFERENCE, escape(reference)).replace(_NAME, escape(unit.name))
    return zip_bytes(head + [pack("docProps/core.xml", core_xml(props)),
                             pack("docProps/custom.xml", custom_xml(props.custom))]
                     + tail + [pack("xl/sharedStrings.xml", own.encode())] + _shared())


# stand-ins for the two texts of a sheet that name the unit (no XML text holds a NUL)
_REFERENCE, _NAME = "\x00reference\x00", "\x00unit\x00"
_SHAPES = shapes.Bounded()


def _of_shape(tables, unit, profile, period: str) -> tuple[list[Packed], list[Packed], str]:
    """The workbook of a shape: its packed parts before the properties and after them
    (workbook, relationships, sheets), and its shared-strings table with stand-ins for the
    reference line and the unit's name."""
    key = (shapes.shape(tables, unit), id(profile), period)
    hit = _SHAPES.get(key)
    if hit is None or hit[0] is not tables or hit[1] is not profile:
        hit = _SHAPES.put(key, (tables, profile, _made(tables, unit, profile, period)))
    return hit[2]


def _made(tables, unit, profile, period: str) -> tuple[list[Packed], list[Packed], str]:
    sheets, names, strings = [], [], Strings()
    for n, form in enumerate(shapes.layouts_of(tables, unit), 1):
        label = vnrules.appendix_label(n, profile)
        xml, marks = _sheet(form, label, _REFERENCE, _NAME, strings, period)
        sheets.append((label, xml))
        for mark, ref in marks.items():
            col = "".join(ch for ch in ref if ch.isalpha())
            row = ref[len(col):]
            names.append((mark, f"'{label}'!${col}${row}"))
    defined = "".join(f"<definedName name={quoteattr(name)}>{escape(ref)}</definedName>"
                      for name, ref in sorted(names))
    sheet_list = "".join(f'<sheet name={quoteattr(label)} sheetId="{i}" r:id="rId{i}"/>'
                         for i, (label, _) in enumerate(sheets, 1))
    head = [
        ("[Content_Types].xml", _content_types(len(sheets))),
        ("_rels/.rels", (f'{DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/'
                         '2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                         'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
                         'Target="xl/workbook.xml"/><Relationship Id="rId2" Type="http://schemas.'
                         'openxmlformats.org/package/2006/relationships/metadata/core-properties" '
                         'Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.'
                         'openxmlformats.org/officeDocument/2006/relationships/custom-properties" '
                         'Target="docProps/custom.xml"/></Relationships>').encode()),
    ]
    tail = [
        ("xl/workbook.xml", (f'{DECL}<workbook xmlns="{MAIN}" xmlns:r="{REL}"><bookViews>'
                             '<workbookView/></bookViews>'
                             f"<sheets>{sheet_list}</sheets><definedNames>{defined}</definedNames>"
                             '<calcPr calcId="191029" fullCalcOnLoad="1"/></workbook>').encode()),
        ("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets))),
    ]
    tail += [(f"xl/worksheets/sheet{i}.xml", xml.encode()) for i, (_, xml) in enumerate(sheets, 1)]
    return ([pack(name, data) for name, data in head], [pack(name, data) for name, data in tail],
            strings.xml().decode())


def _shared() -> list[Packed]:
    """The styles and theme parts, the same in every workbook: packed once."""
    global _SHARED_PACKED
    if _SHARED_PACKED is None:
        _SHARED_PACKED = [pack("xl/styles.xml", STYLES.encode()), pack("xl/theme/theme1.xml", theme.THEME)]
    return _SHARED_PACKED


def _content_types(n: int, properties: bool = True) -> bytes:
    sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                     'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                     for i in range(1, n + 1))
    return (f'{DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sharedStrings+xml"/>'
            f'<Override PartName="/xl/theme/theme1.xml" ContentType="{theme.CONTENT_TYPE}"/>'
            f'{_PROPERTY_TYPES if properties else ""}{sheets}</Types>').encode()


_PROPERTY_TYPES = (
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
    'package.core-properties+xml"/>'
    '<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.custom-properties+xml"/>')


def _workbook_rels(n: int) -> bytes:
    rels = "".join(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, n + 1))
    rels += f'<Relationship Id="rId{n + 1}" Type="{REL}/styles" Target="styles.xml"/>'
    rels += f'<Relationship Id="rId{n + 2}" Type="{theme.RELATIONSHIP}" Target="theme/theme1.xml"/>'
    rels += f'<Relationship Id="rId{n + 3}" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
    return (f'{DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships">{rels}</Relationships>').encode()


def table_workbook(sheet: str, headers: list[str], rows: list[list[object]],
                   widths: list[int]) -> bytes:
    """A one-sheet workbook holding a plain table (the status list for the office's records):
    a bold header row, borders, numbers kept as numbers."""
    return tables_workbook([(sheet, headers, rows, widths)])


def _table_sheet(headers: list[str], rows: list[list[object]], widths: list[int],
                 strings: Strings) -> bytes:
    def cell(ref: str, value: object, style: int) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return f'<c r="{ref}" s="{style}"><v>{value}</v></c>'
        return strings.cell(ref, str(value), style)

    body = ['<row r="1">' + "".join(cell(f"{col_letter(k)}1", h, HEAD)
                                      for k, h in enumerate(headers, 1)) + "</row>"]
    for i, row in enumerate(rows, 2):
        body.append(f'<row r="{i}">' + "".join(
            cell(f"{col_letter(k)}{i}", v, CENTER if isinstance(v, (int, float)) else TEXT)
            for k, v in enumerate(row, 1)) + "</row>")
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                   for i, w in enumerate(widths, 1))
    end = f"{col_letter(len(headers))}{len(rows) + 1}"
    return (f'{DECL}<worksheet xmlns="{MAIN}" xmlns:r="{REL}"><dimension ref="A1:{end}"/>'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
            'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="18"/><cols>{cols}</cols>'
            f'<sheetData>{"".join(body)}</sheetData><autoFilter ref="A1:{end}"/></worksheet>').encode()


def tables_workbook(sheets: list[tuple[str, list[str], list[list[object]], list[int]]]) -> bytes:
    """A workbook of plain tables, one a sheet (name, headers, rows, column widths)."""
    names = "".join(f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"/>'
                    for i, (name, *_rest) in enumerate(sheets, 1))
    strings = Strings()
    entries = [
        ("[Content_Types].xml", _content_types(len(sheets), properties=False)),
        ("_rels/.rels", (f'{DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/'
                         '2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                         'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
                         'Target="xl/workbook.xml"/></Relationships>').encode()),
        ("xl/workbook.xml", (f'{DECL}<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{names}</sheets>'
                             '</workbook>').encode()),
        ("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets))),
    ]
    entries += [(f"xl/worksheets/sheet{i}.xml", _table_sheet(h, r, w, strings))
                for i, (_, h, r, w) in enumerate(sheets, 1)]
    entries.append(("xl/sharedStrings.xml", strings.xml()))
    return zip_bytes([pack(name, data) for name, data in entries] + _shared())

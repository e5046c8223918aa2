"""The appendix tables as WordprocessingML, for the blank forms and each unit's copy.

A table's shape comes from ``phu-luc.yaml`` (rows, columns, the kind of each cell); its look
from the named ``VB Bảng …`` styles. The XML is made here because the number of columns
differs from table to table; templates insert it with ``{{p appendices }}``.

On a unit's copy every cell the unit fills carries two marks that survive editing in Word and
in LibreOffice, so that a returned file can be read back with certainty: a bookmark
``vb_<table>_<row>_<column>`` (positions in the definition, from 1) and a plain-text content
control whose tag and title are ``vanban:<table id>:<row id>:<column id>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

from . import vnrules
from .profiles import Profile
from .schema import AppliesTo, Row, Table
from .styles import STYLES, text_width_cm, twips_cm

# A section ends here; the renderer puts the template's own section properties in its place
# (headers and page numbers kept), turned to the orientation named.
SECTION_MARK = "<w:p><!--vanban-section:{orientation}--></w:p>"
FINAL_MARK = "<!--vanban-final:{orientation}-->"

SHADE = "E7E6E6"
ROW_HEIGHT = 454  # 0,8 cm: room to write a figure by hand on a printed form


def applies(rule: AppliesTo | None, unit) -> bool:
    """Whether a part, row or table marked ``rule`` is for ``unit`` (``None``: every unit,
    as on the blank forms)."""
    if rule is None or unit is None:
        return True
    return ((not rule.kinds or unit.kind in rule.kinds)
            and (not rule.levels or unit.level in rule.levels))


@dataclass(frozen=True)
class FormColumn:
    id: str
    title: str
    total: bool
    index: int  # position in the definition, from 1


def columns(table: Table) -> list[FormColumn]:
    if table.years:
        cols = [FormColumn(f"y{y}", f"Năm {y}", False, i)
                for i, y in enumerate(range(table.years.start, table.years.end + 1), 1)]
        if table.years.total:
            cols.append(FormColumn("tong", "Tổng cộng", True, len(cols) + 1))
        return cols
    return [FormColumn(c.id, c.title, c.total, i) for i, c in enumerate(table.columns, 1)]


def landscape(table: Table) -> bool:
    """A table with many figure columns is printed on a landscape page unless the data says."""
    if table.landscape is not None:
        return table.landscape
    return len(columns(table)) >= 5


def mark_name(t: int, r: int, c: int) -> str:
    return f"vb_{t}_{r}_{c}"


def mark_tag(table: Table, row: Row, column: FormColumn) -> str:
    return f"vanban:{table.id}:{row.id}:{column.id}"


def _para(style: str, text: str = "", extra_ppr: str = "") -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{STYLES[style][0]}"/>{extra_ppr}</w:pPr>'
    run = f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""
    return f"<w:p>{ppr}{run}</w:p>"


def _cell(width: int, content: str, shaded: bool = False, span: int = 1) -> str:
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if shaded:
        props += f'<w:shd w:val="clear" w:color="auto" w:fill="{SHADE}"/>'
    props += '<w:vAlign w:val="center"/>'
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{content}</w:tc>"


def _table_start(widths: list[int], headers: list[str], caption: str) -> str:
    """A bordered table's properties, grid and header row (repeated on every page)."""
    borders = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    name = f'<w:tblCaption w:val="{escape(caption)}"/>' if caption else ""
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    head = "".join(_cell(w, _para("table_header", h)) for w, h in zip(widths, headers))
    return (f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
            f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
            '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/>'
            f"</w:tblCellMar>{name}</w:tblPr><w:tblGrid>{grid}</w:tblGrid>"
            f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{head}</w:tr>")


class _Ids:
    """Ids for bookmarks and content controls, unique within one document."""

    def __init__(self, start: int = 1):
        self.next = start

    def __call__(self) -> int:
        self.next += 1
        return self.next


def _fill_cell(table_pos: int, table: Table, row_pos: int, row: Row, column: FormColumn,
               ids: _Ids, marked: bool) -> str:
    """The content of a cell a unit types into: empty, with the marks on a unit's copy."""
    if not marked:
        return _para("table_number")
    tag = quoteattr(mark_tag(table, row, column))
    bid = ids()
    sdt = (f'<w:sdt><w:sdtPr><w:alias w:val={tag}/><w:tag w:val={tag}/><w:id w:val="{bid}"/>'
           '<w:text/></w:sdtPr><w:sdtContent><w:r><w:t xml:space="preserve"></w:t></w:r>'
           "</w:sdtContent></w:sdt>")
    name = mark_name(table_pos, row_pos, column.index)
    return (f'<w:p><w:pPr><w:pStyle w:val="{STYLES["table_number"][0]}"/></w:pPr>'
            f'<w:bookmarkStart w:id="{bid}" w:name="{name}"/>{sdt}<w:bookmarkEnd w:id="{bid}"/></w:p>')


def table_xml(table_pos: int, table: Table, unit, profile: Profile, ids: _Ids,
              marked: bool) -> str:
    """One appendix table for ``unit`` (``None``: the blank form). ``marked`` puts the marks a
    returned copy is read back by."""
    cols = columns(table)
    rows = [(i, r) for i, r in enumerate(table.rows, 1) if applies(r.applies_to, unit)]
    with_unit = any(r.unit for _, r in rows)
    value_cm = 1.9 if len(cols) >= 5 else 2.4
    widths_cm = fit_widths(4.0, ([1.9] if with_unit else []) + [value_cm] * len(cols),
                           page_width_cm(profile, landscape(table)))
    widths = [int(twips_cm(w)) for w in widths_cm]
    heads = ["TT", table.label_title] + (["Đơn vị tính"] if with_unit else []) + [c.title for c in cols]
    out = [_table_start(widths, heads, f"vanban:{table.id}")]
    numbers: dict[str, int] = {}
    for _, row in rows:
        if not row.total:
            numbers[row.id] = len(numbers) + 1
    value_widths = widths[-len(cols):]
    for pos, row in rows:
        cells = [_cell(widths[0], _para("table_number", "" if row.total else str(numbers[row.id]))),
                 _cell(widths[1], _para("table_header" if row.total else "table_cell", row.label))]
        if with_unit:
            cells.append(_cell(widths[2], _para("table_number", row.unit or "")))
        for width, column in zip(value_widths, cols):
            hint = _hint(row, column, numbers)
            if hint is not None:
                cells.append(_cell(width, _para("table_hint", hint), shaded=True))
            else:
                cells.append(_cell(width, _fill_cell(table_pos, table, pos, row, column, ids, marked)))
        out.append(f'<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="{ROW_HEIGHT}" w:hRule="atLeast"/>'
                   f'</w:trPr>{"".join(cells)}</w:tr>')
    out.append("</w:tbl>")
    return "".join(out)


def _hint(row: Row, column: FormColumn, numbers: dict[str, int]) -> str | None:
    """What a computed cell shows on a form (never typed by hand), or ``None`` for a cell the
    unit fills."""
    if row.type == "percent":
        parts = [part.strip() for part in (row.formula or "").split("/")]
        if len(parts) != 2:  # validation has reported it; nothing is written
            return "="
        top, bottom = parts
        return f"=({numbers.get(top, top)})/({numbers.get(bottom, bottom)})"
    if row.total or column.total:
        return "" if row.type == "yesno" else "=tổng"
    return None


class Deferred:
    """XML made only when a template prints it (Jinja calls ``__html__``): a unit's tables are
    not kept in memory between building its context and rendering its document."""

    def __init__(self, make):
        self._make = make

    def __html__(self) -> str:
        return str(self._make())

    __str__ = __html__


@dataclass(frozen=True)
class Item:
    """One appendix: its title and its table, and whether the table needs a landscape page."""

    title: str
    xml: str
    landscape: bool


def appendices(tables: list[Table], unit, reference_line: str, profile: Profile, *,
               marked: bool, unit_line: bool = False, new_page_first: bool = True) -> Markup:
    """Every appendix form that applies to ``unit`` (``None``: the blank forms)."""
    ids = _Ids(1000)
    items = [Item(t.title, table_xml(pos, t, unit, profile, ids, marked), landscape(t))
             for pos, t in enumerate(tables, 1) if applies(t.applies_to, unit)]
    return appendix_block(items, reference_line, profile, unit_line=unit_line,
                          new_page_first=new_page_first)


def appendix_block(items: list[Item], reference_line: str, profile: Profile, *,
                   unit_line: bool = False, new_page_first: bool = True) -> Markup:
    """Label, title, reference line and table of each appendix, each starting a page,
    landscape tables in sections of their own. The block ends the document."""
    parts = []
    orientation = "portrait"  # of what stands before the appendices
    for n, item in enumerate(items, 1):
        wanted = "landscape" if item.landscape else "portrait"
        first_on_page = n > 1 or new_page_first
        if wanted != orientation:
            if n > 1 or new_page_first:
                parts.append(SECTION_MARK.format(orientation=orientation))
            first_on_page = False  # a new section starts a new page
            orientation = wanted
        page_break = "<w:pageBreakBefore/>" if first_on_page else ""
        parts.append(_para("appendix_label", vnrules.appendix_label(n, profile), page_break))
        parts.append(_para("appendix_title", vnrules.upper(item.title)))
        parts.append(_para("attachment_ref", reference_line))
        if unit_line:
            parts.append(_para("unit_line", "Tên đơn vị: " + "." * 60))
        parts.append(item.xml)
    if orientation == "landscape":
        parts.append(FINAL_MARK.format(orientation="landscape"))
    return Markup("".join(parts))


def grid_xml(headers: list[str], rows: list[list[str]], widths_cm: list[float], *,
             total_last: bool = False, caption: str = "") -> str:
    """A plain table of text (the consolidated report's tables): a repeated header row, rows
    never split, the figures centred, the last row bold when it is a total."""
    widths = [int(twips_cm(w)) for w in widths_cm]
    out = [_table_start(widths, headers, caption)]
    for i, row in enumerate(rows):
        total = total_last and i == len(rows) - 1
        cells = []
        for k, (w, text) in enumerate(zip(widths, row)):
            style = "table_header" if total else ("table_cell" if k == 1 else "table_number")
            cells.append(_cell(w, _para(style, text)))
        out.append(f'<w:tr><w:trPr><w:cantSplit/></w:trPr>{"".join(cells)}</w:tr>')
    out.append("</w:tbl>")
    return "".join(out)


def page_width_cm(profile: Profile, wide: bool) -> float:
    if wide:
        page = profile.page
        return (page.height_mm - page.margin_top_mm - page.margin_bottom_mm) / 10
    return text_width_cm(profile)


def fit_widths(label_min: float, fixed: list[float], page_cm: float) -> list[float]:
    """Column widths: TT, a label column taking what is left, then the fixed columns."""
    label = max(page_cm - 1.0 - sum(fixed), label_min)
    return [1.0, label] + fixed

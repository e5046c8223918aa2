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
from typing import Callable
from ..base.xmltext import escape, quoteattr

from markupsafe import Markup

from ..config import shapes
from ..formats import vnrules
from ..formats.profiles import Profile
from ..config.layout import INPUT, Cell, FormLayout, columns
from ..model.schema import Table
from ..formats.styles import STYLES, text_width_cm, twips_cm

# A section ends here; the renderer puts the template's own section properties in its place
# (headers and page numbers kept), turned to the orientation named.
SECTION_MARK = "<w:p><!--vanban-section:{orientation}--></w:p>"
FINAL_MARK = "<!--vanban-final:{orientation}-->"

SHADE = "E7E6E6"
ROW_HEIGHT = 454  # 0,8 cm: room to write a figure by hand on a printed form
RULE_SPACING = '<w:spacing w:before="60"/>'       # the rule line under a table, off its border
# a note under a table is one or two lines: left-aligned, no first-line indent (the «note»
# style, justified and indented, is for the notes of a body; a line of it under a table was
# stretched into wide gaps)
UNDER_TABLE = '<w:ind w:firstLine="0"/><w:jc w:val="left"/>'
PERIOD_SPACING = '<w:spacing w:after="120"/>'     # the line above a table («(Số liệu tính từ …)»), off its border
HEADER_SPACING = '<w:spacing w:before="40" w:after="40"/>'  # a header row's text off its borders


def landscape(table: Table) -> bool:
    """A table with many figure columns is printed on a landscape page unless the data says."""
    if table.landscape is not None:
        return table.landscape
    return len(columns(table)) >= 5


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


def _table_start(widths: list[int], headers: list[str], caption: str,
                 margins: str = '<w:tblCellMar><w:left w:w="57" w:type="dxa"/>'
                                '<w:right w:w="57" w:type="dxa"/></w:tblCellMar>') -> str:
    """A bordered table's properties, grid and header row (repeated on every page)."""
    borders = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    name = f'<w:tblCaption w:val="{escape(caption)}"/>' if caption else ""
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    head = "".join(_cell(w, _para("table_header", h, HEADER_SPACING)) for w, h in zip(widths, headers))
    return (f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
            f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
            f"{margins}{name}</w:tblPr><w:tblGrid>{grid}</w:tblGrid>"
            f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{head}</w:tr>")


class _Ids:
    """Ids for bookmarks and content controls, unique within one document."""

    def __init__(self, start: int = 1):
        self.next = start

    def __call__(self) -> int:
        self.next += 1
        return self.next


def _fill_cell(cell: Cell, title: str, ids: _Ids, marked: bool, value: str = "") -> str:
    """The content of a cell a unit types into: empty, with the marks on a unit's copy (the
    content control's title is what Word shows the person typing; its tag is the machine's);
    ``value``: the cell already filled (a report built from the branches' figures)."""
    if not marked:
        return _para("table_number")
    tag = quoteattr(cell.tag)
    bid = ids()
    sdt = (f'<w:sdt><w:sdtPr><w:alias w:val={quoteattr(title)}/><w:tag w:val={tag}/><w:id w:val="{bid}"/>'
           f'<w:text/></w:sdtPr><w:sdtContent><w:r><w:t xml:space="preserve">{escape(value)}</w:t></w:r>'
           "</w:sdtContent></w:sdt>")
    return (f'<w:p><w:pPr><w:pStyle w:val="{STYLES["table_number"][0]}"/></w:pPr>'
            f'<w:bookmarkStart w:id="{bid}" w:name="{cell.mark}"/>{sdt}<w:bookmarkEnd w:id="{bid}"/></w:p>')


def table_xml(form: FormLayout, profile: Profile, ids: _Ids, marked: bool,
              values: dict | None = None) -> str:
    """One appendix table as ``form`` lays it out (for a unit, or the blank form). ``marked``
    puts the marks a returned copy is read back by."""
    table = form.table
    value_cm = 1.9 if len(form.columns) >= 5 else 2.4
    widths_cm = fit_widths(4.0, ([1.9] if form.with_unit else []) + [value_cm] * len(form.columns),
                           page_width_cm(profile, landscape(table)))
    widths = [int(twips_cm(w)) for w in widths_cm]
    out = [_table_start(widths, form.headers, f"vanban:{table.id}")]
    cells = iter(form.cells)
    for _, row in form.rows:
        number = "" if row.total else str(form.numbers[row.id])
        tcs = [_cell(widths[0], _para("table_number", number)),
               _cell(widths[1], _para("table_header" if row.total else "table_cell", row.label))]
        if form.with_unit:
            tcs.append(_cell(widths[2], _para("table_number", row.unit or "")))
        for width in widths[form.first_value:]:
            cell = next(cells)
            value = (values or {}).get(form.table.id, {}).get(cell.row.id, {}).get(cell.column.id, "")
            if cell.kind == INPUT:
                tcs.append(_cell(width, _fill_cell(cell, cell.title(form), ids, marked, value)))
            else:   # computed: the figure when it is known, else empty; never words to the unit
                tcs.append(_cell(width, _para("table_number", value), shaded=True))
        out.append(f'<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="{ROW_HEIGHT}" w:hRule="atLeast"/>'
                   f'</w:trPr>{"".join(tcs)}</w:tr>')
    out.append("</w:tbl>")
    rule = form.rule(filled=bool((values or {}).get(table.id)))
    if rule:
        out.append(_para("note", rule, RULE_SPACING + UNDER_TABLE))
    return "".join(out)


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


def appendices(tables: list[Table], unit, reference_line: str | Callable[[float], str], profile: Profile, *,
               marked: bool, unit_line: bool = False, new_page_first: bool = True,
               period_line: str = "", values: dict | None = None,
               extra: list["Item"] | None = None) -> Markup:
    """Every appendix form that applies to ``unit`` (``None``: the blank forms); ``values``
    (table → row → column → text) fills the cells; ``extra`` items follow the forms."""
    items = forms_items(tables, unit, profile, marked, values) + list(extra or [])
    return appendix_block(items, reference_line, profile, unit_line=unit_line, period_line=period_line,
                          new_page_first=new_page_first)


def forms_items(tables: list[Table], unit, profile: Profile, marked: bool,
                values: dict | None = None) -> list[Item]:
    """The appendix items of the forms ``unit`` fills. Without ``values`` they are the same
    for every unit whose forms are laid out the same (same tables, same rows: its kind and
    level), so they are made once per layout and reused (a 10.000-unit campaign has a few
    dozen layouts); with ``values`` they are made each time."""
    forms = shapes.layouts_of(tables, unit)
    if values is not None:
        ids = _Ids(1000)
        return [Item(f.table.title, table_xml(f, profile, ids, marked, values), landscape(f.table))
                for f in forms]
    key = (shapes.shape(tables, unit), id(profile), marked)
    hit = _LAYOUT_ITEMS.get(key)
    if hit is None or hit[0] is not tables or hit[1] is not profile:
        ids = _Ids(1000)
        items = tuple(Item(f.table.title, table_xml(f, profile, ids, marked), landscape(f.table))
                      for f in forms)
        hit = _LAYOUT_ITEMS.put(key, (tables, profile, items))
    return list(hit[2])


_LAYOUT_ITEMS = shapes.Bounded()


def appendix_block(items: list[Item], reference_line: str | Callable[[float], str], profile: Profile, *,
                   unit_line: bool = False, new_page_first: bool = True,
                   period_line: str = "") -> Markup:
    """Label, title, reference line and table of each appendix, each starting a page,
    landscape tables in sections of their own. The block ends the document. The reference
    line is broken to the width of each appendix's page; ``reference_line`` may instead be a
    function giving it for a width (a frame's mark: :mod:`generator.documents.frames`)."""
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
        width = page_width_cm(profile, item.landscape)
        parts.append(_para("appendix_title", vnrules.wrap(vnrules.upper(item.title), profile,
                                                          "appendix_title", width)))
        reference = reference_line(width) if callable(reference_line) else \
            vnrules.wrap(reference_line, profile, "attachment_ref", width)
        lines = [("attachment_ref", reference)]
        if period_line:
            lines.append(("attachment_ref", period_line))
        if unit_line:
            lines.append(("unit_line", "Tên đơn vị: " + "." * 60))
        parts += [_para(style, text, PERIOD_SPACING if k == len(lines) else "")
                  for k, (style, text) in enumerate(lines, 1)]
        parts.append(item.xml)
    if orientation == "landscape":
        parts.append(FINAL_MARK.format(orientation="landscape"))
    return Markup("".join(parts))


def note_xml(text: str) -> str:
    """A note in italics under a table (how a figure above was worked out)."""
    return _para("note", text, UNDER_TABLE)


GRID_SIZE_PT = 13          # the text of a table (the styles «table_cell», «table_header»)
GRID_SIDE = 85             # a grid cell's text 0,15 cm off its left and right borders (twips)
GRID_TOP = 28              # … and 0,05 cm off its top and bottom borders
GRID_MARGINS = (f'<w:tblCellMar><w:top w:w="{GRID_TOP}" w:type="dxa"/><w:left w:w="{GRID_SIDE}" '
                f'w:type="dxa"/><w:bottom w:w="{GRID_TOP}" w:type="dxa"/><w:right w:w="{GRID_SIDE}" '
                'w:type="dxa"/></w:tblCellMar>')


# room a column keeps beyond its text's measured width: a text measured to fit exactly was
# wrapped by LibreOffice all the same («Đảng bộ cơ / sở» in a column made for it)
GRID_SLACK_CM = 0.15


def content_widths(headers: list[str], rows: list[list[str]], widths_cm: list[float]) -> list[float]:
    """The columns of a grid, sharing the width ``widths_cm`` take together, by what they hold
    (measured, :mod:`generator.base.measure`): each column at least its longest word; then, from
    the narrowest need up, each its longest text on one line (a header on two), as long as
    that leaves the others their share; what is left goes to the second column (the names).
    The widths given when even the longest words do not fit."""
    from ..base import measure
    total = sum(widths_cm)
    margin = 2 * GRID_SIDE / 567 + GRID_SLACK_CM
    n = len(widths_cm)

    def width(text: str, bold: bool = False) -> float:
        return max((measure.width_cm(line.replace(vnrules.NO_BREAK, " "), GRID_SIZE_PT, bold)
                    for line in text.split("\n")),
                   default=0.0)

    least, need = [], []
    for k in range(n):
        cells = [r[k] for r in rows if k < len(r)]
        # the widest run of a cell that may not be broken (a word of the language): no run is
        # wider than its cell, so the cells are looked at widest first, until none can beat
        # the widest run found (a column of 10.000 names segments only a few of them)
        widest = max((width(w, True) for w in headers[k].split()), default=0.0)
        for whole, text in sorted(((width(t, True), t) for t in cells), reverse=True):
            if whole <= widest:
                break
            widest = max(widest, max(width(w, True) for w in vnrules.keep_words(text).split(" ")))
        least.append(widest + margin)
        need.append(max([width(t) for t in cells] + [width(headers[k], True) / 2]) + margin)
    need = [max(a, b) for a, b in zip(least, need)]
    if sum(least) > total:
        return widths_cm
    out = list(least)
    left = total - sum(least)
    order = sorted((k for k in range(n) if k != 1), key=lambda k: need[k] - least[k])
    for rank, k in enumerate(order):
        share = left / (len(order) - rank + 1)      # the names' column counts as one more
        give = min(need[k] - least[k], share)
        out[k] += give
        left -= give
    out[1] += left
    return [round(w, 3) for w in out]


def grid_xml(headers: list[str], rows: list[list[str]], widths_cm: list[float], *,
             total_last: bool = False, caption: str = "") -> str:
    """A plain table of text (the consolidated report's tables): a repeated header row, rows
    never split, the figures centred, the last row bold when it is a total; the columns as
    wide as their content (:func:`content_widths`), the text off the borders."""
    from ..base import measure
    fitted = content_widths(headers, rows, widths_cm)
    widths = [int(twips_cm(w)) for w in fitted]
    out = [_table_start(widths, headers, caption, GRID_MARGINS)]
    for i, row in enumerate(rows):
        total = total_last and i == len(rows) - 1
        cells = []
        for k, (w, text) in enumerate(zip(widths, row)):
            style = "table_header" if total else ("table_cell" if k == 1 else "table_number")
            if measure.width_cm(text, GRID_SIZE_PT, total) + 2 * GRID_SIDE / 567 + GRID_SLACK_CM > fitted[k]:
                text = vnrules.keep_words(text)     # a text that wraps: never inside a word
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

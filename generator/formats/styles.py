"""The named styles of the templates, and how a format profile sets them.

Every template uses the same named paragraph styles (``VB Tên cơ quan``, ``VB Nội dung`` …),
one per element of ``spec/the-thuc.md``. A user can restyle a template in Word, move things
around and add text; the values the format rules fix — font, sizes, bold/italic/underline,
alignment, spacing, margins — are written into these styles from the campaign's profile each
time a template is prepared, so the rules live in the profile and in this one module.
"""

from __future__ import annotations

from lxml import etree

from ..base import measure
from ..base.ooxml import W, W_NS
from .profiles import ElementStyle, Profile

# profile style key → (style id, style name a user sees in Word)
STYLES: dict[str, tuple[str, str]] = {
    "superior": ("VBCoQuanCapTren", "VB Cơ quan cấp trên"),
    "issuer": ("VBTenCoQuan", "VB Tên cơ quan"),
    "separator": ("VBDauSao", "VB Dấu sao"),
    "issuer_rule": ("VBGachTenCoQuan", "VB Gạch dưới tên cơ quan"),
    "number": ("VBSoKyHieu", "VB Số, ký hiệu"),
    "national_title": ("VBQuocHieu", "VB Quốc hiệu, tên Đảng"),
    "motto": ("VBTieuNgu", "VB Tiêu ngữ"),
    "place_date": ("VBDiaDanhNgay", "VB Địa danh, ngày tháng"),
    "doc_type": ("VBTenLoai", "VB Tên loại văn bản"),
    "summary": ("VBTrichYeu", "VB Trích yếu"),
    "summary_rule": ("VBGachTrichYeu", "VB Gạch dưới trích yếu"),
    "body": ("VBNoiDung", "VB Nội dung"),
    "heading1": ("VBMuc1", "VB Mục cấp 1 (I.)"),
    "heading2": ("VBMuc2", "VB Mục cấp 2 (1.)"),
    "heading3": ("VBMuc3", "VB Mục cấp 3 (1.1.)"),
    "heading4": ("VBMuc4", "VB Mục cấp 4 (a)"),
    "note": ("VBGhiChu", "VB Ghi chú nghiêng"),
    "recipients_label": ("VBNoiNhanNhan", "VB Nơi nhận (chữ)"),
    "recipients": ("VBNoiNhan", "VB Nơi nhận (danh sách)"),
    "authority": ("VBQuyenHanKy", "VB Quyền hạn ký"),
    "signer_title": ("VBChucVuKy", "VB Chức vụ người ký"),
    "signed_mark": ("VBDaKy", "VB Đã ký"),
    "signer_name": ("VBHoTenKy", "VB Họ tên người ký"),
    "page_number": ("VBSoTrang", "VB Số trang"),
    "doc_title": ("VBTieuDe", "VB Tiêu đề văn bản kèm theo"),
    "attachment_ref": ("VBKemTheo", "VB Kèm theo"),
    "for_whom": ("VBDungCho", "VB Dùng cho"),
    "guidance": ("VBGoiY", "VB Gợi ý (thay bằng nội dung)"),
    "deadline_note": ("VBNhacHan", "VB Nhắc hạn (xóa trước khi ký)"),
    "unit_line": ("VBTenDonVi", "VB Tên đơn vị"),
    "appendix_label": ("VBPhuLuc", "VB Phụ lục"),
    "appendix_title": ("VBTenPhuLuc", "VB Tên phụ lục"),
    "table_header": ("VBBangTieuDe", "VB Bảng: tiêu đề cột"),
    "table_cell": ("VBBangO", "VB Bảng: ô"),
    "table_number": ("VBBangSo", "VB Bảng: ô số"),
    "table_hint": ("VBBangTuTinh", "VB Bảng: ô tự tính"),
}

# The header table is found by this caption (Word keeps it: Table Properties → Alt Text).
HEADER_TABLE = "vanban-header"


def text_width_cm(profile: Profile) -> float:
    page = profile.page
    return (page.width_mm - page.margin_left_mm - page.margin_right_mm) / 10


def twips_pt(pt: float) -> str:
    return str(round(pt * 20))


def twips_cm(cm: float) -> str:
    return str(round(cm / 2.54 * 1440))


def twips_mm(mm: float) -> str:
    return twips_cm(mm / 10)


def _el(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, W + tag)
    for key, value in attrs.items():
        el.set(W + key, value)
    return el


def run_properties(style: ElementStyle, font: str, size: float) -> etree._Element:
    """``w:rPr`` for an element style of ``size`` points, children in schema order."""
    rpr = etree.Element(W + "rPr")
    _el(rpr, "rFonts", ascii=font, hAnsi=font, cs=font, eastAsia=font)
    for flag, tags in ((style.bold, ("b", "bCs")), (style.italic, ("i", "iCs"))):
        for tag in tags:
            _el(rpr, tag, val="1" if flag else "0")
    half_points = str(round(size * 2))
    if style.color:
        _el(rpr, "color", val=style.color)
    _el(rpr, "sz", val=half_points)
    _el(rpr, "szCs", val=half_points)
    _el(rpr, "u", val="single" if style.underline else "none")
    _el(rpr, "lang", val="vi-VN")
    return rpr


def paragraph_properties(style: ElementStyle, container_cm: float) -> etree._Element:
    """``w:pPr`` for an element style, children in schema order."""
    ppr = etree.Element(W + "pPr")
    if style.keep_with_next:
        _el(ppr, "keepNext")
    _el(ppr, "widowControl")
    if style.border_bottom_cm is not None:
        bdr = _el(ppr, "pBdr")
        _el(bdr, "bottom", val="single", sz="6", space="1", color="000000")
    spacing = {"before": twips_pt(style.space_before_pt), "after": twips_pt(style.space_after_pt)}
    if style.line_spacing_exact_pt:
        spacing |= {"line": twips_pt(style.line_spacing_exact_pt), "lineRule": "exact"}
    elif style.line_spacing_min_pt:
        spacing |= {"line": twips_pt(style.line_spacing_min_pt), "lineRule": "atLeast"}
    else:
        spacing |= {"line": "240", "lineRule": "auto"}
    _el(ppr, "spacing", **spacing)
    if style.border_bottom_cm is not None:
        side = max((container_cm - style.border_bottom_cm) / 2, 0)
        _el(ppr, "ind", left=twips_cm(side), right=twips_cm(side), firstLine="0")
    else:
        _el(ppr, "ind", left="0", right="0", firstLine=twips_cm(style.first_line_indent_cm))
    _el(ppr, "jc", val={"justify": "both"}.get(style.align, style.align))
    return ppr


def _container_cm(key: str, profile: Profile) -> float:
    # the header table's cells have no side margins: a cell is as wide as its column
    if key == "issuer_rule":
        return profile.page.header_left_cm
    if key in ("national_title", "motto"):
        return profile.page.header_right_cm
    return text_width_cm(profile)


# the ascent of Times New Roman (and Liberation Serif) as a share of the font size: where the
# baseline of a cell's first line lies below the cell's top, past the space before it
ASCENT = 0.891
LEVEL_KEYS = ("number", "place_date")   # the header's second row: «Số …» | place and date


def _level(key: str, element: ElementStyle, profile: Profile) -> ElementStyle:
    """The number and the place-date lines given the space above them that puts their
    baselines on one line, whatever their sizes: the larger space before of the two, and
    the smaller text lowered by the difference of the two ascents."""
    if key not in LEVEL_KEYS:
        return element
    before = max(profile.styles[k].space_before_pt for k in LEVEL_KEYS)
    tallest = max(profile.size(k) for k in LEVEL_KEYS)
    lowered = ASCENT * (tallest - profile.size(key))
    return element.model_copy(update={"space_before_pt": round(before + lowered, 2)})


def _with_rule(key: str, element: ElementStyle, profile: Profile) -> ElementStyle:
    """A style whose rule is as long as its text: the line drawn under the paragraph (its
    indents make the line the text's width), the letters not underlined."""
    if not element.rule_under_text:
        return element
    text = {"national_title": profile.texts.national_title, "motto": profile.texts.motto}.get(key)
    if not text:
        return element
    # a millimetre more than the measured text, so that rounding never wraps its last word
    width = measure.width_cm(text, profile.size(key), element.bold) + RULE_SLACK_CM
    return element.model_copy(update={"border_bottom_cm": round(width, 2), "underline": False})


RULE_SLACK_CM = 0.1


def apply_profile(styles_xml: bytes, profile: Profile) -> tuple[bytes, dict[str, str]]:
    """styles.xml with the document defaults and every vanban style set from ``profile``,
    and the style ids that were put back to ours (old id → our id).

    A style missing from the template is added, so a user who deleted one in Word still gets
    a correct document. A style LibreOffice renamed is found by its name and gets our id back;
    the caller renames its uses in the document parts. Theme fonts are removed everywhere:
    every run is in the profile's font.
    """
    root = etree.fromstring(styles_xml)
    font = profile.font
    for el in root.iter(W + "rFonts"):
        for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            el.attrib.pop(W + attr, None)
        for attr in ("ascii", "hAnsi", "cs", "eastAsia"):
            el.set(W + attr, font)
    _set_defaults(root, profile)
    by_id = {s.get(W + "styleId"): s for s in root.findall(W + "style")}
    # LibreOffice renames style ids when it saves (from the names, without the accents); the
    # names survive both Word and LibreOffice, so a style is found by its name first
    by_name = {}
    for s in root.findall(W + "style"):
        name_el = s.find(W + "name")
        if name_el is not None:
            by_name[name_el.get(W + "val")] = s
    renamed: dict[str, str] = {}
    for key, (style_id, name) in STYLES.items():
        style = by_name.get(name, by_id.get(style_id))
        if style is not None and style.get(W + "styleId") != style_id:
            renamed[style.get(W + "styleId")] = style_id
            style.set(W + "styleId", style_id)
        if style is None:
            style = _el(root, "style", type="paragraph", customStyle="1", styleId=style_id)
            _el(style, "name", val=name)
            _el(style, "basedOn", val="Normal")
            _el(style, "qFormat")
        for tag in ("pPr", "rPr"):
            for old in style.findall(W + tag):
                style.remove(old)
        element = _level(key, _with_rule(key, profile.styles[key], profile), profile)
        style.append(paragraph_properties(element, _container_cm(key, profile)))
        style.append(run_properties(element, font, profile.size(key)))
    for ref in root.iter(W + "basedOn", W + "next", W + "link"):
        if ref.get(W + "val") in renamed:
            ref.set(W + "val", renamed[ref.get(W + "val")])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True), renamed


def rename_style_uses(xml: str, renamed: dict[str, str]) -> str:
    """Paragraph and run style references in a document part, with renamed ids put back."""
    for old, new in renamed.items():
        xml = xml.replace(f'w:val="{old}"/>', f'w:val="{new}"/>')  # pStyle, rStyle, tblStyle
    return xml


def _set_defaults(root: etree._Element, profile: Profile) -> None:
    defaults = root.find(W + "docDefaults")
    if defaults is None:
        defaults = etree.Element(W + "docDefaults")
        root.insert(0, defaults)
    for old in list(defaults):
        defaults.remove(old)
    rpr_default = _el(defaults, "rPrDefault")
    rpr_default.append(run_properties(profile.styles["body"], profile.font, profile.body_size))
    ppr_default = _el(defaults, "pPrDefault")
    ppr = _el(ppr_default, "pPr")
    _el(ppr, "spacing", before="0", after="0", line="240", lineRule="auto")


def apply_page(document_xml: str, profile: Profile) -> str:
    """document.xml (still a template) with every section's paper and margins from the
    profile, and the header table's columns."""
    root = etree.fromstring(document_xml.encode("utf-8"))
    for sect in root.iter(W + "sectPr"):
        _set_page(sect, profile)
    for caption in root.iter(W + "tblCaption"):
        if caption.get(W + "val") == HEADER_TABLE:
            _size_header_table(caption.getparent().getparent(), profile)
    return etree.tostring(root, encoding="unicode")


def oriented_section(sect: etree._Element, profile: Profile, landscape: bool) -> etree._Element:
    """A copy of section properties ``sect`` turned portrait or landscape, with the profile's
    paper and margins."""
    import copy

    new = copy.deepcopy(sect)
    size = new.find(W + "pgSz")
    if size is None:
        size = _el(new, "pgSz")
    if landscape:
        size.set(W + "orient", "landscape")
    else:
        size.attrib.pop(W + "orient", None)
    _set_page(new, profile)
    return new


def _set_page(sect: etree._Element, profile: Profile) -> None:
    """Paper and margins of one section from the profile; a landscape section keeps its
    orientation, its margins turned as Word turns them (the binding margin to the top)."""
    page = profile.page
    size = sect.find(W + "pgSz")
    if size is None:
        size = _el(sect, "pgSz")
    landscape = size.get(W + "orient") == "landscape"
    width, height = twips_mm(page.width_mm), twips_mm(page.height_mm)
    size.set(W + "w", height if landscape else width)
    size.set(W + "h", width if landscape else height)
    margins = sect.find(W + "pgMar")
    if margins is None:
        margins = etree.Element(W + "pgMar")
        size.addnext(margins)
    top, bottom = twips_mm(page.margin_top_mm), twips_mm(page.margin_bottom_mm)
    left, right = twips_mm(page.margin_left_mm), twips_mm(page.margin_right_mm)
    if landscape:
        top, right, bottom, left = left, top, right, bottom
    for attr, value in (("top", top), ("bottom", bottom), ("left", left), ("right", right),
                        ("header", twips_mm(page.header_distance_mm)),
                        ("footer", twips_mm(page.header_distance_mm)), ("gutter", "0")):
        margins.set(W + attr, value)


def _size_header_table(table: etree._Element, profile: Profile) -> None:
    """The header table's two columns and indent from the profile."""
    page = profile.page
    widths = [twips_cm(page.header_left_cm), twips_cm(page.header_right_cm)]
    tbl_pr = table.find(W + "tblPr")
    width = tbl_pr.find(W + "tblW")
    if width is not None:
        width.set(W + "w", str(sum(int(w) for w in widths)))
        width.set(W + "type", "dxa")
    indent = tbl_pr.find(W + "tblInd")
    if indent is not None:
        indent.set(W + "w", twips_cm(page.header_indent_cm))
    for col, value in zip(table.find(W + "tblGrid").findall(W + "gridCol"), widths):
        col.set(W + "w", value)
    for row in table.findall(W + "tr"):
        for cell, value in zip(row.findall(W + "tc"), widths):
            tc_width = cell.find(f"{W}tcPr/{W}tcW")
            if tc_width is not None:
                tc_width.set(W + "w", value)

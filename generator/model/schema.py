"""The shape of the campaign data: one model per data file, every field described in Vietnamese.

These models are the single description of the data: validation uses them, the JSON Schema
(``vanban check --schema``) is made from them, and so is the reference page
``docs/du-lieu.md`` (``python -m generator.app.docs``).
"""

from __future__ import annotations

import re
import typing
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def parse_date(value: Any) -> date:
    """``23/02/2021`` or ``2021-02-23`` → a date; an impossible date is refused."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("vn_date_type", "phải là một ngày dạng ngày/tháng/năm, ví dụ 23/02/2021")
    m = _DATE.match(value)
    if m:
        d, mo, y = (int(x) for x in m.groups())
    else:
        m = _ISO.match(value)
        if not m:
            raise PydanticCustomError("vn_date_format", "«{value}» không phải ngày dạng "
                                      "ngày/tháng/năm, ví dụ 23/02/2021", {"value": value})
        y, mo, d = (int(x) for x in m.groups())
    try:
        return date(y, mo, d)
    except ValueError:
        raise PydanticCustomError("vn_date_invalid", "ngày «{value}» không có thật", {"value": value})


VnDate = Annotated[date, BeforeValidator(parse_date),
                   Field(json_schema_extra={"type": "string", "examples": ["23/02/2021"]})]

Id = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$",
                          description="Mã: chữ thường không dấu, số và dấu gạch nối")]

Prose = Annotated[str, Field(
    description="Đoạn văn; có thể dẫn giá trị của dữ liệu bằng {{ … }}, ví dụ "
                "{{ docs.nq01 }}, {{ levels.cb.review_deadline }}")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- chien-dich.yaml ----------------------------------------------------------------------

class Authority(_Model):
    mode: str = Field(description="Cách ký: tm (thay mặt), kt (ký thay), tl (thừa lệnh), "
                                  "tuq (thừa ủy quyền), q (quyền)", examples=["tm"])
    of: str = Field(description="Thay mặt / ký thay ai", examples=["Ban Thường vụ"])



class Issuer(_Model):
    superior: str | None = Field(None, description="Cơ quan cấp trên (dòng trên cùng bên trái)",
                                 examples=["Đảng bộ tỉnh Hà Tĩnh"])
    name: str = Field(description="Tên cơ quan ban hành", examples=["Đảng ủy Khối các cơ quan và "
                                                                    "doanh nghiệp tỉnh"])
    header_lines: list[str] | None = Field(
        None, description="Tên cơ quan ban hành ngắt thành các dòng ở tiêu đề (nếu cần)",
        examples=[["Ủy ban nhân dân", "tỉnh Hà Tĩnh"]])
    short_name: str = Field(description="Tên gọi tắt dùng trong câu", examples=["Đảng ủy Khối"])
    symbol: str = Field(description="Chữ viết tắt tên cơ quan trong số ký hiệu", examples=["ĐUK"])
    place: str = Field(description="Địa danh ghi ở dòng ngày tháng", examples=["Hà Tĩnh"])
    committee: bool = Field(False, description="Là cấp ủy đảng (ký tập thể, không ký «K/T BÍ THƯ»)")


class ReviewedDoc(_Model):
    id: Id = Field(description="Mã để dẫn trong câu: {{ docs.<mã> }}", examples=["nq01"])
    name: str = Field(description="Tên loại văn bản", examples=["Nghị quyết"])
    symbol: str = Field(description="Số và ký hiệu", examples=["01-NQ/ĐUK"])
    date: VnDate = Field(description="Ngày ban hành")
    issuer: str = Field(description="Cơ quan ban hành", examples=["Đảng ủy Khối các cơ quan tỉnh"])
    subject: str = Field(description="Trích yếu nội dung", examples=["xây dựng văn hóa công sở"])


class Period(_Model):
    start: VnDate = Field(description="Số liệu tính từ ngày")
    end: VnDate = Field(description="Số liệu tính đến ngày")


class Level(_Model):
    id: Id = Field(description="Mã cấp đơn vị: {{ levels.<mã> }}", examples=["cb"])
    name: str = Field(description="Tên cấp đơn vị", examples=["Chi bộ cơ sở"])
    review_deadline: VnDate = Field(description="Hạn hoàn thành hội nghị sơ kết của cấp này")
    report_deadline: VnDate = Field(description="Hạn gửi báo cáo và phụ lục về cơ quan ban hành")
    unit_prefix: str | None = Field(
        None, description="Tên đơn vị cấp này bắt đầu bằng (để suy ra tên cấp ủy)",
        examples=["Đảng bộ"])
    committee_prefix: str | None = Field(
        None, description="… và cấp ủy của nó ký bằng tên bắt đầu bằng", examples=["Đảng ủy"])
    report_type: str = Field("BC", description="Ký hiệu tên loại báo cáo của đơn vị", examples=["BC"])
    report_symbol: str | None = Field(
        None, description="Chữ viết tắt cơ quan ban hành báo cáo (ĐU, CB); đơn vị có thể ghi riêng",
        examples=["ĐU"])
    authority: list[Authority] = Field(default_factory=list,
                                       description="Thẩm quyền ký báo cáo của đơn vị cấp này")
    signer_title: str = Field(description="Chức vụ người ký", examples=["Bí thư"])
    recipients: list[str] = Field(min_length=1, description="Nơi nhận báo cáo của đơn vị")
    superior: str | None = Field(
        None, description="Dòng cơ quan cấp trên ở tiêu đề báo cáo của đơn vị cấp này, nếu khác "
                          "«units_superior»; «không» (hoặc «none»): không có dòng cấp trên — như "
                          "UBND cấp huyện: «ỦY BAN NHÂN DÂN / THÀNH PHỐ TAM KỲ»",
        examples=["UBND tỉnh Hà Tĩnh", "không"])
    branches: bool = Field(False, description="Đơn vị cấp này có chi bộ trực thuộc: vanban sinh cho mỗi "
                                              "đơn vị một bộ dữ liệu (out/bo-du-lieu/<mã>.zip) để đơn vị "
                                              "tự chạy sơ kết ở các chi bộ rồi gửi báo cáo lên")


    def header_superior(self, default: str | None) -> str | None:
        """The superior line above the names of this level's units: the level's own, none
        when it says «không», else ``default`` (the campaign's ``units_superior``)."""
        return superior_line(self.superior, default)


NO_SUPERIOR = ("không", "none", "-")   # a level's or a unit's «superior» saying: no superior line


def superior_line(own: str | None, default: str | None) -> str | None:
    """A superior line as a level or a unit gives it: its own text, none when it says
    «không» (or «none», «-»), ``default`` when it says nothing."""
    if own is None or not own.strip():
        return default
    return None if own.strip().lower() in NO_SUPERIOR else own


class UnitKind(_Model):
    id: Id = Field(description="Mã loại đơn vị", examples=["cq"])
    name: str = Field(description="Tên loại đơn vị", examples=["Cơ quan, đơn vị"])


class Parent(_Model):
    """The campaign above, for a campaign started from its kit (``vanban new --from``)."""

    campaign: Id = Field(description="Mã chiến dịch của cấp trên")
    unit: Id = Field(description="Mã của đơn vị mình trong danh sách đơn vị của cấp trên")
    form_version: str = Field(description="Phiên bản phụ lục của cấp trên (không sửa)")
    yesno: Literal["any"] = Field("any", description="Câu hỏi Có/Không gửi cấp trên: «any» — «Có» "
                                                     "khi có ít nhất một chi bộ trả lời «Có»")


class Campaign(_Model):
    """chien-dich.yaml — thông tin chung của đợt sơ kết, tổng kết."""

    id: Id = Field(description="Mã chiến dịch; được ghi vào báo cáo mẫu của đơn vị để nhận lại",
                   examples=["so-ket-nq01-ct01-2021"])
    format: str = Field(description="Thể thức văn bản: «dang» (thể thức của Đảng có hiệu lực vào "
                                    "ngày kế hoạch: HD 36, từ 27/5/2026 là HD 05), «nha-nuoc», hoặc "
                                    "một thể thức cụ thể: dang-hd36, dang-hd05-2026, nha-nuoc-nd30",
                        examples=["dang"])
    format_overrides: dict[str, Any] = Field(
        default_factory=dict,
        description="Đổi giá trị của thể thức (cỡ chữ, lề, …), cùng cấu trúc với tệp thể thức",
        examples=[{"body_size": 15}])
    issuer: Issuer = Field(description="Cơ quan ban hành kế hoạch")
    reviewed: list[ReviewedDoc] = Field(min_length=1, description="Các văn bản được sơ kết")
    period: Period = Field(description="Kỳ số liệu của báo cáo")
    levels: list[Level] = Field(min_length=1, description="Các cấp đơn vị và hạn của từng cấp")
    unit_kinds: list[UnitKind] = Field(default_factory=list,
                                       description="Các loại đơn vị (cơ quan, doanh nghiệp …)")
    units_superior: str | None = Field(
        None, description="Dòng cơ quan cấp trên ở tiêu đề báo cáo của đơn vị",
        examples=["Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh"])
    report_to: str | None = Field(None, description="Đơn vị gửi báo cáo về đâu (dùng trong câu)",
                                  examples=["Đảng ủy Khối (qua Văn phòng Đảng ủy Khối)"])
    unit_workbooks: bool = Field(False, description="Sinh thêm cho mỗi đơn vị một tệp Excel chỉ "
                                                    "gồm các phụ lục (đơn vị điền, gửi lại như báo cáo)")
    final_deadline: VnDate = Field(description="Hạn hoàn thành của cơ quan ban hành (hội nghị "
                                               "sơ kết của cấp mình)")
    parent: Parent | None = Field(None, description="Chiến dịch lập từ bộ dữ liệu của cấp trên: "
                                                    "cấp trên, mã đơn vị mình, phiên bản phụ lục")


# --- ke-hoach.yaml ------------------------------------------------------------------------

def _line_shorthand(value: Any) -> Any:
    return {"text": value} if isinstance(value, str) else value


class Line(_Model):
    text: Prose = Field(description="Dòng gạch đầu dòng «-»")
    sub: list[Prose] = Field(default_factory=list, description="Các dòng «+» dưới dòng này")


LineIn = Annotated[Line, BeforeValidator(_line_shorthand)]


class Node(_Model):
    title: Prose | None = Field(None, description="Tên đề mục (in đậm)")
    text: Prose | None = Field(None, description="Đoạn văn của mục (có số thứ tự nếu không có tên)")
    lines: list[LineIn] = Field(default_factory=list, description="Các dòng «-» (và «+»)")
    items: list[Node] = Field(default_factory=list, description="Các mục con, đánh số tự động")
    note: Prose | None = Field(None, description="Dòng ghi chú in nghiêng cuối mục")
    outline: bool = Field(False, description="Các mục con là các phần của đề cương "
                                             "(câu «plan_text» của từng phần trong de-cuong.yaml)")

    @model_validator(mode="after")
    def _has_content(self) -> Node:
        if not (self.title or self.text):
            raise PydanticCustomError("node_empty", "mục phải có «title» (tên mục) hoặc «text» (nội dung)")
        return self


class Signer(_Model):
    authority: list[Authority] = Field(default_factory=list, description="Các dòng thẩm quyền ký")
    title: str = Field(description="Chức vụ người ký", examples=["Phó Bí thư"])
    name: str = Field(description="Họ tên người ký", examples=["Nguyễn Trọng Vân"])
    signed: bool = Field(False, description="Bản phát hành: ghi «(Đã ký)»")


class Plan(_Model):
    """ke-hoach.yaml — kế hoạch: số, ngày, trích yếu, nội dung, người ký, nơi nhận."""

    number: int = Field(ge=1, description="Số văn bản", examples=[150])
    type: str = Field(description="Ký hiệu tên loại", examples=["KH"])
    date: VnDate = Field(description="Ngày ban hành")
    doc_name: str = Field("Kế hoạch", description="Tên loại văn bản")
    issued_by: str = Field(description="Ai ban hành, như được nhắc trong «(Kèm theo Kế hoạch số …)»",
                           examples=["Ban Thường vụ Đảng ủy Khối"])
    summary: Prose = Field(description="Trích yếu nội dung (chữ thường)")
    intro: list[Prose] = Field(default_factory=list, description="Các đoạn mở đầu")
    sections: list[Node] = Field(min_length=1, description="Các phần I, II, III … của kế hoạch")
    signer: Signer = Field(description="Người ký")
    recipients: list[str] = Field(min_length=1, description="Nơi nhận, mỗi dòng một nơi "
                                  "(dấu «-» và dấu cuối dòng tự thêm)")


# --- de-cuong.yaml -------------------------------------------------------------------------

class AppliesTo(_Model):
    kinds: list[str] = Field(default_factory=list, description="Chỉ cho các loại đơn vị này")
    levels: list[str] = Field(default_factory=list, description="Chỉ cho các cấp đơn vị này")


class OutlineNode(_Model):
    title: Prose = Field(description="Tên phần, mục")
    guidance: list[Prose] = Field(default_factory=list,
                                  description="Gợi ý nội dung (in nghiêng; đơn vị thay bằng nội dung)")
    plan_text: Prose | None = Field(
        None, description="Câu nêu phần này trong mục «Nội dung» của kế hoạch (chỉ phần cấp 1)")
    applies_to: AppliesTo | None = Field(None, description="Phần chỉ dành cho một số loại/cấp đơn vị")
    consolidated: list[Prose] = Field(
        default_factory=list,
        description="Câu có số liệu tổng hợp trong báo cáo tổng hợp; dẫn được {{ total('pl1', 'r3') }}, "
                    "{{ share(…) }}, {{ yes('pl3', 'quy-che') }} (số đơn vị trả lời «Có»), "
                    "{{ answered(…) }} (số đơn vị đã trả lời), {{ blank(…) }} (số đơn vị để trống), "
                    "{{ asked(…) }} (số đơn vị được hỏi), {{ yes_share(…) }} (tỷ lệ «Có» trong số đã trả lời)")
    items: list[OutlineNode] = Field(default_factory=list, description="Các mục con")


class Outline(_Model):
    """de-cuong.yaml — đề cương báo cáo: một cây các phần, dùng chung cho kế hoạch, đề cương,
    báo cáo mẫu của đơn vị và báo cáo tổng hợp."""

    report_summary: Prose = Field(description="Trích yếu báo cáo của đơn vị (chữ thường)")
    for_whom: str = Field(description="Đề cương dùng cho ai", examples=["(Dùng cho các chi bộ, đảng bộ cơ sở)"])
    numbering: list[str] | None = Field(
        None, description="Cách đánh số các cấp của đề cương (mặc định theo thể thức)",
        examples=[["{roman}.", "{n}.", "{letter})"]])
    opening: OutlineNode | None = Field(None, description="Phần mở đầu không đánh số")
    parts: list[OutlineNode] = Field(min_length=1, description="Các phần I, II, III …")
    closing_title: str = Field("Một số lưu ý", description="Tên phần lưu ý cuối đề cương")
    closing_notes: list[Prose] = Field(default_factory=list, description="Các lưu ý cuối đề cương")
    deadline_note: Prose = Field(
        description="Dòng nhắc hạn trên báo cáo mẫu của đơn vị (đơn vị xóa trước khi ký); "
                    "dẫn được {{ unit.committee }}, {{ unit.level.review_deadline }} …")


# --- phu-luc.yaml -------------------------------------------------------------------------

CELL_TYPES = ("count", "yesno", "percent", "text")


class Column(_Model):
    id: Id = Field(description="Mã cột")
    title: str = Field(description="Tiêu đề cột")
    total: bool = Field(False, description="Cột cộng các cột số liệu khác (tự tính)")


class Years(_Model):
    start: int = Field(description="Từ năm", examples=[2016])
    end: int = Field(description="Đến năm", examples=[2020])
    total: bool = Field(True, description="Thêm cột «Tổng cộng»")


class Row(_Model):
    id: Id = Field(description="Mã dòng (dùng trong công thức)")
    label: str = Field(description="Nội dung dòng")
    unit: str | None = Field(None, description="Đơn vị tính", examples=["người"])
    type: str = Field("count", description="Kiểu ô: count (số), yesno (Có/Không), "
                                           "percent (tỷ lệ, tự tính), text (chữ)")
    formula: str | None = Field(None, description="Tỷ lệ tự tính: «tử / mẫu» bằng mã dòng",
                                examples=["r5 / r1"])
    total: bool = Field(False, description="Dòng «Tổng cộng» của các dòng số liệu (tự tính)")
    applies_to: AppliesTo | None = Field(None, description="Dòng chỉ dành cho một số loại/cấp đơn vị")


class Table(_Model):
    id: Id = Field(description="Mã phụ lục", examples=["pl1"])
    title: str = Field(description="Tên phụ lục (viết hoa khi in)")
    label_title: str = Field("Nội dung", description="Tiêu đề cột nội dung")
    columns: list[Column] = Field(default_factory=list, description="Các cột số liệu")
    years: Years | None = Field(None, description="Một cột cho mỗi năm (thay cho «columns»)")
    rows: list[Row] = Field(min_length=1, description="Các dòng")
    landscape: bool | None = Field(None, description="In trang ngang (mặc định: tự chọn khi bảng rộng)")
    applies_to: AppliesTo | None = Field(None, description="Phụ lục chỉ dành cho một số loại/cấp đơn vị")


class KeyFigures(_Model):
    title: str = Field(description="Tên bảng số liệu chủ yếu theo từng đơn vị (báo cáo tổng hợp)")
    table: str = Field(description="Mã phụ lục lấy số liệu", examples=["pl1"])
    rows: list[str] = Field(min_length=1, description="Các dòng của phụ lục đó, mỗi dòng thành một cột")


class Appendix(_Model):
    """phu-luc.yaml — các phụ lục (bảng số liệu) đơn vị điền; định nghĩa một lần, dùng cho
    mẫu trắng, báo cáo mẫu của từng đơn vị và báo cáo tổng hợp."""

    tables: list[Table] = Field(min_length=1, description="Các phụ lục theo thứ tự")
    key_figures: KeyFigures | None = Field(
        None, description="Bảng một dòng cho mỗi đơn vị, cuối bảng là «Tổng cộng» (báo cáo tổng hợp)")


# --- bao-cao-tong-hop.yaml ----------------------------------------------------------------

class Consolidated(_Model):
    """bao-cao-tong-hop.yaml — báo cáo tổng hợp của cơ quan ban hành: số, ngày, phần văn
    Văn phòng tự viết cho từng phần của đề cương, người ký, nơi nhận."""

    number: int | None = Field(None, ge=1, description="Số báo cáo; bỏ trống để ghi tay")
    type: str = Field("BC", description="Ký hiệu tên loại")
    date: VnDate | None = Field(None, description="Ngày báo cáo; bỏ trống để ghi tay")
    issued_by: str = Field(description="Ai ban hành, như được nhắc trong «(Kèm theo Báo cáo số …)»",
                           examples=["Ban Thường vụ Đảng ủy Khối"])
    intro: list[Prose] = Field(
        default_factory=list,
        description="Các đoạn mở đầu; dẫn được {{ reported }}, {{ units }}, {{ late }}, {{ missing }}")
    narrative: dict[str, list[Prose]] = Field(
        default_factory=dict,
        description="Nội dung tự viết cho từng phần, theo số của phần trong đề cương: "
                    "«opening», «I», «I.1», «II.1.a» …; phần chưa viết hiện một dòng nhắc",
        examples=[{"I.1": ["Các cấp ủy đã tổ chức quán triệt …"]}])
    signer: Signer = Field(description="Người ký")
    recipients: list[str] = Field(min_length=1, description="Nơi nhận")
    approved_only: bool = Field(
        False, description="Chỉ tổng hợp báo cáo đã duyệt (vanban review --duyet); báo cáo nói rõ "
                           "tổng hợp từ bao nhiêu báo cáo đã duyệt trên bao nhiêu báo cáo đã nhận")


# --- don-vi.csv ---------------------------------------------------------------------------

class Unit(_Model):
    """don-vi.csv — danh sách đơn vị, mỗi dòng một đơn vị. Giữ trong Excel: lưu «CSV UTF-8»
    (dấu «,» hoặc «;» đều được), hoặc để nguyên tệp Excel với tên don-vi.xlsx (trang tính đầu).
    Dòng đầu là tên cột; tên tiếng Việt cũng được: Mã, Tên đơn vị, Cấp, Loại, Tên cấp ủy, Ký hiệu."""

    id: Id = Field(description="Mã đơn vị: chữ thường không dấu, số, gạch nối; là tên tệp báo cáo mẫu",
                   examples=["dang-bo-so-tai-chinh"])
    name: str = Field(description="Tên đơn vị", examples=["Đảng bộ Sở Tài chính"])
    level: str = Field(description="Mã cấp đơn vị (khai trong chien-dich.yaml)", examples=["db"])
    kind: str = Field(description="Mã loại đơn vị (khai trong chien-dich.yaml)", examples=["cq"])
    committee_name: str | None = Field(
        None, description="Tên cấp ủy ký báo cáo, nếu không suy ra được từ tên đơn vị",
        examples=["Đảng ủy Sở Tài chính"])
    symbol: str | None = Field(None, description="Chữ viết tắt riêng trong số ký hiệu (nếu có)")
    header_lines: str | None = Field(
        None, description="Tên cấp ủy ở tiêu đề báo cáo, ngắt dòng theo ý đơn vị: các dòng cách nhau "
                          "bằng «|» (để trống: vanban tự ngắt dòng)",
        examples=["Đảng ủy Sở Kế hoạch|và Đầu tư"])
    superior: str | None = Field(
        None, description="Dòng cơ quan cấp trên ở tiêu đề báo cáo của đơn vị, nếu khác dòng của "
                          "cấp (để trống: theo «superior» của cấp, hoặc «units_superior»); «không»: "
                          "không có dòng cấp trên", examples=["UBND tỉnh Hà Tĩnh", "không"])

    def header_superior(self, level: Level, default: str | None) -> str | None:
        """The superior line above this unit's name: its own, else its level's, else
        ``default``."""
        return superior_line(self.superior, level.header_superior(default))

    @property
    def own_header_lines(self) -> list[str] | None:
        return [line.strip() for line in self.header_lines.split("|") if line.strip()] \
            if self.header_lines else None


DATA_FILES: dict[str, type[_Model]] = {
    "chien-dich.yaml": Campaign,
    "ke-hoach.yaml": Plan,
    "de-cuong.yaml": Outline,
    "phu-luc.yaml": Appendix,
    "don-vi.csv": Unit,
    "bao-cao-tong-hop.yaml": Consolidated,
}


def models_in(annotation) -> list[type[BaseModel]]:
    """The pydantic models an annotation holds (``list[Level]``, ``Issuer | None``, ``LineIn``):
    what the data reference (``app.docs``) and the web forms (``app.form``) walk into."""
    found = []
    stack = [annotation]
    while stack:
        a = stack.pop()
        if isinstance(a, type) and issubclass(a, BaseModel):
            found.append(a)
            continue
        stack += list(typing.get_args(a))
        origin = getattr(a, "__origin__", None)
        if origin is not None and isinstance(origin, type) and issubclass(origin, BaseModel):
            found.append(origin)
    return found

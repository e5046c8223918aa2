"""The shape of the campaign data: one model per data file, every field described in Vietnamese.

These models are the single description of the data: validation uses them, the JSON Schema
(``vanban check --schema``) is made from them, and so is the reference page
``docs/du-lieu.md`` (``python -m generator.docs``).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

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


class Campaign(_Model):
    """chien-dich.yaml — thông tin chung của đợt sơ kết, tổng kết."""

    format: str = Field(description="Thể thức văn bản: dang-hd36, dang-hd05-2026, nha-nuoc-nd30",
                        examples=["dang-hd36"])
    format_overrides: dict[str, Any] = Field(
        default_factory=dict,
        description="Đổi giá trị của thể thức (cỡ chữ, lề, …), cùng cấu trúc với tệp thể thức",
        examples=[{"body_size": 15}])
    issuer: Issuer = Field(description="Cơ quan ban hành kế hoạch")
    reviewed: list[ReviewedDoc] = Field(min_length=1, description="Các văn bản được sơ kết")
    period: Period = Field(description="Kỳ số liệu của báo cáo")
    levels: list[Level] = Field(min_length=1, description="Các cấp đơn vị và hạn của từng cấp")
    final_deadline: VnDate = Field(description="Hạn hoàn thành của cơ quan ban hành (hội nghị "
                                               "sơ kết của cấp mình)")


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

    @model_validator(mode="after")
    def _has_content(self) -> Node:
        if not (self.title or self.text):
            raise PydanticCustomError("node_empty", "mục phải có «title» (tên mục) hoặc «text» (nội dung)")
        return self


class Authority(_Model):
    mode: str = Field(description="Cách ký: tm (thay mặt), kt (ký thay), tl (thừa lệnh), "
                                  "tuq (thừa ủy quyền), q (quyền)", examples=["tm"])
    of: str = Field(description="Thay mặt / ký thay ai", examples=["Ban Thường vụ"])


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


DATA_FILES: dict[str, type[_Model]] = {
    "chien-dich.yaml": Campaign,
    "ke-hoach.yaml": Plan,
}

"""Format profiles (thể thức): the values of ``spec/the-thuc.md`` as data.

A profile is a YAML file in ``generator/formats/profiles/``. It may ``extends:`` another profile and
change only what differs, so a new guideline (say Hướng dẫn 05-HD/VPTW of 2026) is a new file,
not new code. A campaign picks a profile by id and may override any of its values under
``format_overrides:``; the result is validated with the same models as the bundled profiles.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

PROFILE_DIR = Path(__file__).parent / "profiles"

Align = Literal["left", "center", "right", "justify"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PageSetup(_Strict):
    width_mm: float = Field(description="Khổ giấy: chiều rộng (mm), A4 là 210")
    height_mm: float = Field(description="Khổ giấy: chiều cao (mm), A4 là 297")
    margin_top_mm: float = Field(description="Lề trên (mm)")
    margin_bottom_mm: float = Field(description="Lề dưới (mm)")
    margin_left_mm: float = Field(description="Lề trái (mm)")
    margin_right_mm: float = Field(description="Lề phải (mm)")
    header_distance_mm: float = Field(10, description="Khoảng cách từ mép giấy đến số trang (mm)")
    header_left_cm: float = Field(description="Bảng tiêu đề: độ rộng cột trái (tên cơ quan), cm")
    header_right_cm: float = Field(description="Bảng tiêu đề: độ rộng cột phải (quốc hiệu), cm")
    header_indent_cm: float = Field(0, description="Bảng tiêu đề lùi vào (âm: lấn ra lề trái), cm")


class ElementStyle(_Strict):
    """How one element of a document looks (a named style of the template)."""

    size: float | None = Field(None, description="Cỡ chữ (pt); bỏ trống: cỡ chữ nội dung (body_size)")
    bold: bool = False
    italic: bool = False
    underline: bool = False
    align: Align = "left"
    space_before_pt: float = 0
    space_after_pt: float = 0
    first_line_indent_cm: float = 0
    line_spacing_min_pt: float | None = Field(None, description="Giãn dòng tối thiểu (pt, At least)")
    line_spacing_exact_pt: float | None = Field(None, description="Giãn dòng cố định (pt, Exactly)")
    keep_with_next: bool = False
    color: str | None = Field(None, description="Màu chữ (mã RRGGBB), ví dụ 595959 cho chữ gợi ý")
    border_bottom_cm: float | None = Field(
        None, description="Đường kẻ liền dưới đoạn, dài bấy nhiêu cm, căn giữa (null: không kẻ)")
    rule_under_text: bool = Field(
        False, description="Đường kẻ liền dưới chữ, dài bằng dòng chữ (tên Đảng, tiêu ngữ) — thay "
                           "cho gạch chân chữ, vốn cắt qua dấu nặng")
    rule_ratio: float | None = Field(
        None, description="Đường kẻ dưới tên cơ quan dài bằng bấy nhiêu lần tên (Nhà nước: 1/3–1/2)")


class Numbering(_Strict):
    label: str = Field(description="Chữ đứng trước số: «Số » (Đảng) hoặc «Số: » (Nhà nước)")
    symbol: str = Field(description="Số và ký hiệu: {number}, {type}, {issuer}")
    symbol_no_type: str = Field(description="Số và ký hiệu khi văn bản không có tên loại (công văn)")
    blank_number: str = Field(description="Chỗ trống để ghi số bằng tay trên văn bản mẫu")
    reference: str = Field(description="Cách dẫn một văn bản trong câu: {name}, {symbol}, {date}")
    headings: list[str] = Field(
        description="Cách đánh số từng cấp đề mục: {roman}, {n}, {path} (1.1), {letter}")
    appendix: Literal["arabic", "roman"] = Field(description="Phụ lục 1 (arabic) / Phụ lục I (roman)")
    types: dict[str, str] = Field(
        default_factory=dict,
        description="Ký hiệu tên loại văn bản: {Kế hoạch: KH, Quyết định: QĐ …}; vanban check cảnh "
                    "báo khi văn bản ghi ký hiệu khác")


class Texts(_Strict):
    national_title: str = Field(description="Tên Đảng hoặc Quốc hiệu")
    motto: str | None = Field(None, description="Tiêu ngữ (văn bản nhà nước)")
    separator: str | None = Field(None, description="Dấu dưới tên cơ quan (Đảng: «*»)")
    summary_rule: str | None = Field(
        None, description="Dòng dưới trích yếu (Đảng: «-----»); null: kẻ đường liền")
    summary_capitalize: bool = Field(
        False, description="Viết hoa chữ đầu của trích yếu (Nhà nước); Đảng để chữ thường")
    recipients_label: str = "Nơi nhận:"
    signed_mark: str = "(Đã ký)"
    spelling_uy: Literal["giữ nguyên", "uỷ", "ủy"] = Field(
        "giữ nguyên", description="Viết «uỷ» (dấu trên y) hay «ủy» (dấu trên u) trong mọi văn bản; "
                                  "«giữ nguyên»: như dữ liệu ghi")


class Recipients(_Strict):
    prefix: str = "- "
    separator: str = Field(description="Dấu cuối mỗi dòng nơi nhận (Đảng «,», Nhà nước «;»)")
    last: str = Field(".", description="Dấu cuối dòng nơi nhận cuối cùng")
    addressee_separator: str = Field(";", description="Dấu cuối mỗi dòng sau «Kính gửi:»")
    grounds_separator: str = Field(";", description="Dấu cuối mỗi căn cứ ban hành; căn cứ cuối dấu «.»")


class SignatureRules(_Strict):
    modes: dict[str, str] = Field(
        description="Các cách ký: tm (thay mặt), kt (ký thay), tl (thừa lệnh), tuq, q …")
    committee_signs_collectively: bool = Field(
        description="Cấp ủy ký tập thể: không bao giờ «K/T BÍ THƯ»")


STYLE_KEYS = (
    "superior", "issuer", "separator", "issuer_rule", "number", "national_title", "motto",
    "place_date", "doc_type", "summary", "summary_rule", "body", "heading1", "heading2",
    "heading3", "heading4", "note", "recipients_label", "recipients", "authority",
    "signer_title", "signed_mark", "signer_name", "page_number",
    "doc_title", "attachment_ref", "for_whom", "guidance", "deadline_note", "unit_line",
    "appendix_label", "appendix_title", "table_header", "table_cell", "table_number", "table_hint",
)


class Profile(_Strict):
    id: str
    name: str = Field(description="Tên thể thức, đọc được")
    kind: Literal["dang", "nha-nuoc"] = Field(description="Văn bản của Đảng hay của Nhà nước")
    in_force_from: str | None = Field(
        None, description="Ngày văn bản quy định thể thức có hiệu lực (dd/mm/yyyy); chiến dịch "
                          "ghi «format: dang» dùng thể thức của Đảng có hiệu lực vào ngày kế hoạch")
    font: str = Field(description="Phông chữ của mọi đoạn văn")
    body_size: float = Field(description="Cỡ chữ nội dung (pt); các đề mục, ghi chú, số trang "
                                         "dùng cỡ này trừ khi ghi cỡ riêng")
    page: PageSetup
    numbering: Numbering
    texts: Texts
    recipients: Recipients
    signature: SignatureRules
    styles: dict[str, ElementStyle] = Field(description="Kiểu chữ của từng thành phần")

    def size(self, key: str) -> float:
        """Font size of the element ``key``: its own, else the body size."""
        return self.styles[key].size or self.body_size

    def model_post_init(self, _context: Any) -> None:
        missing = [k for k in STYLE_KEYS if k not in self.styles]
        unknown = [k for k in self.styles if k not in STYLE_KEYS]
        if missing or unknown:
            parts = []
            if missing:
                parts.append("thiếu kiểu " + ", ".join(missing))
            if unknown:
                parts.append("kiểu không xác định " + ", ".join(unknown))
            raise ValueError("; ".join(parts))


def deep_merge(base: dict, change: dict) -> dict:
    """``change`` laid over ``base``: mappings merge key by key, anything else replaces."""
    out = dict(base)
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def available() -> list[str]:
    """Ids of the bundled profiles."""
    return sorted(p.stem for p in PROFILE_DIR.glob("*.yaml"))


def raw_profile(profile_id: str, _seen: tuple[str, ...] = ()) -> dict:
    """The profile's values as a plain mapping, with ``extends`` resolved."""
    from ..model.loader import read_yaml_plain  # the loader knows YAML; profiles only know values

    if profile_id in _seen:
        raise ValueError("thể thức kế thừa vòng tròn: " + " → ".join(_seen + (profile_id,)))
    path = PROFILE_DIR / f"{profile_id}.yaml"
    if not path.is_file():
        raise KeyError(profile_id)
    data = read_yaml_plain(path)
    parent = data.pop("extends", None)
    if parent:
        data = deep_merge(raw_profile(parent, _seen + (profile_id,)), data)
    data["id"] = profile_id
    return data


@lru_cache(maxsize=1)
def _dates_in_force() -> tuple[tuple[str, date, str], ...]:
    """(kind, in force from, id) of every bundled profile, read once."""
    from ..model.schema import parse_date  # the one reading of a Vietnamese date

    out = []
    for profile_id in available():
        raw = raw_profile(profile_id)
        since = raw.get("in_force_from")
        out.append((raw.get("kind"), parse_date(since) if since else date.min, profile_id))
    return tuple(out)


def in_force(kind: str, on: date) -> str:
    """The id of the profile of ``kind`` (``dang`` …) in force on ``on``: the newest whose
    ``in_force_from`` is not after it."""
    candidates = [(since, pid) for k, since, pid in _dates_in_force() if k == kind]
    valid = [c for c in candidates if c[0] <= on]
    return max(valid or candidates)[1]


def resolve(format_id: str, on: date) -> str:
    """A campaign's ``format``: a profile id, or a kind (``dang``, ``nha-nuoc``) meaning the
    profile of that kind in force on the plan's date."""
    return in_force(format_id, on) if format_id in ("dang", "nha-nuoc") else format_id


def build_profile(profile_id: str, overrides: dict | None = None) -> Profile:
    """The profile ``profile_id`` with a campaign's ``overrides`` laid over it.

    Raises ``KeyError`` for an unknown id and pydantic's ``ValidationError`` for bad values;
    the validation step turns both into Vietnamese problems with their place.
    """
    data = raw_profile(profile_id)
    if overrides:
        data = deep_merge(data, overrides)
    return Profile.model_validate(data)

"""The data reference, made from the models: JSON Schema and the page ``docs/du-lieu.md``.

    python -m generator.app.docs            # rewrites docs/du-lieu.md and docs/schema/*.json

A test checks that the committed files are what this produces, so they never drift from the
code.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..model.schema import DATA_FILES, models_in

DOCS = Path(__file__).resolve().parents[2] / "docs"

PROSE_VALUES = [
    ("{{ docs.<mã> }}", "văn bản được sơ kết, đủ số và ngày", "Nghị quyết số 01-NQ/ĐUK, ngày 10/10/2016"),
    ("{{ docs.<mã>.short }}", "chỉ tên loại, số và ký hiệu", "Nghị quyết số 01-NQ/ĐUK"),
    ("{{ docs.<mã>.date }}", "ngày ban hành", "10/10/2016"),
    ("{{ docs.<mã>.issuer }}, .subject, .symbol", "cơ quan ban hành, trích yếu, số ký hiệu", ""),
    ("{{ levels.<mã>.name }}", "tên cấp đơn vị", "Chi bộ cơ sở"),
    ("{{ levels.<mã>.review_deadline }}", "hạn hoàn thành sơ kết", "15/4/2021"),
    ("{{ levels.<mã>.report_deadline }}", "hạn gửi báo cáo", "05/5/2021"),
    ("{{ campaign.final_deadline }}", "hạn của cơ quan ban hành", "30/5/2021"),
    ("{{ campaign.period_start }}, {{ campaign.period_end }}", "kỳ số liệu", "10/3/2016"),
    ("{{ issuer.name }}, .short_name, .place", "cơ quan ban hành", "Đảng ủy Khối"),
    ("{{ plan.symbol }}, {{ plan.date }}, {{ plan.reference }}", "số, ngày của kế hoạch",
     "150-KH/ĐUK; 23/02/2021; Kế hoạch số 150-KH/ĐUK, ngày 23/02/2021"),
    ("{{ x.full }} (với một ngày)", "ngày viết đầy đủ", "ngày 05 tháng 5 năm 2021"),
]


def json_schemas() -> dict[str, Any]:
    """JSON Schema of each data file, by file name."""
    return {name: model.model_json_schema() for name, model in DATA_FILES.items()}


def _type_name(schema: dict, defs: dict) -> str:
    if "$ref" in schema:
        return "nhóm " + schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        kinds = [_type_name(s, defs) for s in schema["anyOf"] if s.get("type") != "null"]
        return " hoặc ".join(kinds) + " (có thể bỏ trống)"
    kind = schema.get("type")
    if kind == "array":
        return "danh sách " + _type_name(schema.get("items", {}), defs)
    if kind == "object":
        return "nhóm tự do"
    names = {"string": "chữ", "integer": "số nguyên", "number": "số", "boolean": "true/false"}
    if schema.get("format") == "date" or (kind == "string" and "23/02/2021" in
                                          json.dumps(schema.get("examples", []))):
        return "ngày (ngày/tháng/năm)"
    return names.get(kind, kind or "bất kỳ")


def _rows(model: type[BaseModel], prefix: str, seen: set) -> list[str]:
    rows = []
    schema = model.model_json_schema()
    defs = schema.get("$defs", {})
    if "$ref" in schema:  # a recursive model (Node) is described in its own $defs
        schema = defs[schema["$ref"].rsplit("/", 1)[-1]]
    required = set(schema.get("required", []))
    for name, field in model.model_fields.items():
        prop = schema["properties"][name]
        key = f"{prefix}{name}"
        example = field.examples[0] if field.examples else prop.get("examples", [""])[0] \
            if prop.get("examples") else ""
        rows.append(f"| `{key}` | {_type_name(prop, defs)} | "
                    f"{'có' if name in required else 'không'} | {field.description or ''} | "
                    f"{json.dumps(example, ensure_ascii=False) if example != '' else ''} |")
        for sub in models_in(field.annotation):
            if sub not in seen:
                seen.add(sub)
                inner = f"{key}[]." if "list" in str(field.annotation) else f"{key}."
                rows += _rows(sub, inner, seen)
    return rows


def reference_page() -> str:
    out = [
        "# Dữ liệu của một chiến dịch — tra cứu",
        "",
        "Trang này được sinh từ mã (`python -m generator.app.docs`); đừng sửa tay.",
        "Mỗi thư mục dữ liệu có các tệp dưới đây. Ngày ghi dạng ngày/tháng/năm (`23/02/2021`) "
        "hoặc năm-tháng-ngày (`2021-02-23`). Chữ ghi có dấu, bảng mã UTF-8.",
        "JSON Schema của các tệp nằm trong `docs/schema/` (hoặc `vanban check --schema`), để "
        "trình soạn thảo (VS Code …) gợi ý và kiểm tra khi gõ.",
        "",
    ]
    from ..config.store import Record

    for file_name, model in list(DATA_FILES.items()) + [("bao-cao/<mã đơn vị>.yaml", Record)]:
        out += [f"## `{file_name}`", "", (model.__doc__ or "").strip(), "",
                "| mục | kiểu | bắt buộc | ý nghĩa | ví dụ |", "|---|---|---|---|---|"]
        out += _rows(model, "", set())
        out.append("")
    out += ["## Dẫn giá trị trong đoạn văn", "",
            "Các mục kiểu *đoạn văn* (trích yếu, mở đầu, nội dung) có thể dẫn giá trị đã khai "
            "ở nơi khác bằng `{{ … }}`; đổi giá trị ở một chỗ thì mọi câu dẫn tới nó đổi theo. "
            "Dẫn tới giá trị không có là lỗi, báo kèm tên tệp và dòng.", "",
            "| cách ghi | là gì | ví dụ kết quả |", "|---|---|---|"]
    out += [f"| `{k}` | {v} | {e} |" for k, v, e in PROSE_VALUES]
    out += ["", "Mã có dấu gạch nối dẫn bằng ngoặc vuông: `{{ levels['so-nganh'].name }}`.", ""]
    return "\n".join(out)


def write() -> list[Path]:
    written = []
    (DOCS / "schema").mkdir(parents=True, exist_ok=True)
    for name, schema in json_schemas().items():
        path = DOCS / "schema" / (name.rsplit(".", 1)[0] + ".schema.json")
        path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    page = DOCS / "du-lieu.md"
    page.write_text(reference_page(), encoding="utf-8")
    written.append(page)
    return written


if __name__ == "__main__":
    for p in write():
        print(p, file=sys.stdout)

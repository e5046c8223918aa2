"""Load and validate a campaign folder, collecting every problem before anything is written.

``load_campaign`` is the only way the rest of vanban gets data: it reads each file, checks it
against its model (``schema.py``), builds the format profile, and runs the checks that span
fields and files (duplicate ids, deadlines in order, signature rules). It raises one
:class:`DataError` carrying all the problems found, or returns the validated campaign with
the warnings (repaired text) it met.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from . import profiles, vnrules
from .exceptions import DataError, Problem
from .loader import SourceFile, format_loc, load_yaml
from .schema import DATA_FILES, Campaign, Plan

_TYPE_NAMES = {
    "string_type": "phải là chữ (đặt trong dấu nháy nếu cần)",
    "int_type": "phải là một số nguyên",
    "int_parsing": "phải là một số nguyên",
    "int_from_float": "phải là một số nguyên",
    "float_type": "phải là một số",
    "float_parsing": "phải là một số",
    "bool_type": "phải là true hoặc false",
    "bool_parsing": "phải là true hoặc false",
    "list_type": "phải là một danh sách (các dòng bắt đầu bằng «- »)",
    "dict_type": "phải là một nhóm các mục «tên: giá trị»",
    "model_type": "phải là một nhóm các mục «tên: giá trị»",
    "model_attributes_type": "phải là một nhóm các mục «tên: giá trị»",
}


def _message(err: dict[str, Any]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    got = err.get("input")
    if kind == "missing":
        return "thiếu mục bắt buộc"
    if kind == "extra_forbidden":
        return "mục không xác định (sai tên hay thừa?)"
    if kind in _TYPE_NAMES:
        shown = "trống" if got is None else f"«{got}»"
        return f"{_TYPE_NAMES[kind]}, đang là {shown}"
    if kind == "string_pattern_mismatch":
        return f"«{got}» không hợp lệ: mã chỉ gồm chữ thường không dấu, số và dấu gạch nối"
    if kind == "too_short":
        return "danh sách không được để trống"
    if kind in ("greater_than_equal", "greater_than"):
        return f"phải từ {ctx.get('ge', ctx.get('gt'))} trở lên, đang là «{got}»"
    if kind == "literal_error":
        return f"phải là một trong: {ctx.get('expected')}; đang là «{got}»"
    if kind.startswith(("vn_", "node_")):
        return err["msg"]
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return err["msg"]


def pydantic_problems(exc: ValidationError, source: SourceFile, prefix: tuple = ()) -> list[Problem]:
    """Vietnamese problems, with their line, from a pydantic validation error."""
    out = []
    for err in exc.errors(include_url=False):
        loc = prefix + tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
        out.append(source.problem(loc, _message(err)))
    return out


@dataclass
class CampaignData:
    """A validated campaign: the models, the profile and where each value came from."""

    folder: Path
    campaign: Campaign
    plan: Plan
    profile: profiles.Profile
    sources: dict[str, SourceFile]
    problems: list[Problem] = field(default_factory=list)  # found so far, errors included


def _validate_model(model: type[BaseModel], source: SourceFile, problems: list[Problem]):
    if source.data is None:
        return None
    try:
        return model.model_validate(source.data)
    except ValidationError as exc:
        problems.extend(pydantic_problems(exc, source))
        return None


def _duplicates(source: SourceFile, where: str, problems: list[Problem], key: str = "id") -> None:
    """Ids that appear twice in the list ``where`` of the raw data (checked even when other
    fields of the file are wrong, so that every problem is reported in one run)."""
    items = source.data.get(where) if isinstance(source.data, dict) else None
    if not isinstance(items, list):
        return
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        value = item.get(key) if isinstance(item, dict) else None
        if not isinstance(value, str):
            continue
        if value in seen:
            problems.append(source.problem(
                (where, i, key), f"mã «{value}» trùng với mục thứ {seen[value] + 1} của «{where}»"))
        else:
            seen[value] = i


def _profile(campaign: Campaign, source: SourceFile, problems: list[Problem]):
    try:
        return profiles.build_profile(campaign.format, campaign.format_overrides)
    except KeyError:
        problems.append(source.problem(("format",), f"không có thể thức «{campaign.format}»; "
                                       f"có: {', '.join(profiles.available())}"))
    except ValidationError as exc:
        problems.extend(pydantic_problems(exc, source, ("format_overrides",)))
    except ValueError as exc:
        problems.append(source.problem(("format_overrides",), str(exc)))
    return None


def _check_campaign(c: Campaign, src: SourceFile, problems: list[Problem]) -> None:
    if c.period.end < c.period.start:
        problems.append(src.problem(("period", "end"), "ngày kết thúc kỳ số liệu "
                                    f"({vnrules.short_date(c.period.end)}) trước ngày bắt đầu "
                                    f"({vnrules.short_date(c.period.start)})"))
    for i, level in enumerate(c.levels):
        if level.report_deadline < level.review_deadline:
            problems.append(src.problem(
                ("levels", i, "report_deadline"),
                f"hạn gửi báo cáo ({vnrules.short_date(level.report_deadline)}) trước hạn "
                f"hoàn thành sơ kết ({vnrules.short_date(level.review_deadline)}) của "
                f"«{level.name}»"))
        if c.final_deadline < level.report_deadline:
            problems.append(src.problem(
                ("final_deadline",),
                f"hạn của cơ quan ban hành ({vnrules.short_date(c.final_deadline)}) trước hạn "
                f"nhận báo cáo của «{level.name}» ({vnrules.short_date(level.report_deadline)})"))


def _check_plan(plan: Plan, c: Campaign, profile: profiles.Profile | None, src: SourceFile,
                problems: list[Problem]) -> None:
    for i, level in enumerate(c.levels):
        if level.review_deadline <= plan.date:
            problems.append(src.problem(
                ("date",), f"ngày kế hoạch ({vnrules.short_date(plan.date)}) không trước hạn "
                f"sơ kết của «{level.name}» ({vnrules.short_date(level.review_deadline)}) "
                f"ghi trong chien-dich.yaml, mục levels[{i + 1}]"))
    if profile is None:
        return
    for i, a in enumerate(plan.signer.authority):
        why = vnrules.signature_problem([vnrules.Authority(a.mode, a.of)], plan.signer.title,
                                        c.issuer.committee, profile)
        if why:
            problems.append(src.problem(("signer", "authority", i), why))
    depth = _depth(plan.sections)
    if depth > len(profile.numbering.headings):
        problems.append(src.problem(("sections",), f"nội dung có {depth} cấp mục lồng nhau; thể "
                                    f"thức {profile.id} chỉ đánh số được "
                                    f"{len(profile.numbering.headings)} cấp"))


def _depth(nodes) -> int:
    return max((1 + _depth(n.items) for n in nodes), default=0)


def load_campaign(folder: Path) -> CampaignData:
    """Read and validate every data file of ``folder``.

    Raises one :class:`DataError` with all the problems when the data cannot even be modelled
    (a file missing or unreadable, a field of the wrong shape); otherwise returns the campaign
    with the problems found so far in ``problems``, so that the next steps (prose, templates)
    can add theirs before the caller reports them all."""
    problems: list[Problem] = []
    if not folder.is_dir():
        raise DataError([Problem(str(folder), None, "", "không có thư mục dữ liệu này")])
    sources = {name: load_yaml(folder / name, name, problems) for name in DATA_FILES}
    for where in ("reviewed", "levels"):
        _duplicates(sources["chien-dich.yaml"], where, problems)
    campaign = _validate_model(Campaign, sources["chien-dich.yaml"], problems)
    plan = _validate_model(Plan, sources["ke-hoach.yaml"], problems)
    profile = None
    if campaign:
        profile = _profile(campaign, sources["chien-dich.yaml"], problems)
        _check_campaign(campaign, sources["chien-dich.yaml"], problems)
        if plan:
            _check_plan(plan, campaign, profile, sources["ke-hoach.yaml"], problems)
    if not (campaign and plan and profile):
        raise DataError(problems)
    return CampaignData(folder, campaign, plan, profile, sources, problems)


__all__ = ["CampaignData", "load_campaign", "format_loc"]

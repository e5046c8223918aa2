"""Load and validate a campaign folder, collecting every problem before anything is written.

``load_campaign`` is the only way the rest of vanban gets data: it reads each file, checks it
against its model (``schema.py``), builds the format profile, and runs the checks that span
fields and files (duplicate ids, deadlines in order, signature rules). It raises one
:class:`DataError` carrying all the problems found, or returns the validated campaign with
the warnings (repaired text) it met.
"""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path
from typing import Any

import re
import unicodedata

from pydantic import BaseModel, TypeAdapter, ValidationError

from ..formats import profiles, vnrules
from .campaign import CampaignData, committee
from ..base.exceptions import DataError, Problem
from ..base.exceptions import WARNING
from ..model.loader import SourceFile, load_csv, load_xlsx_table, load_yaml, read_bytes
from .structure import OPENING, node_keys, opening_named
from ..model.schema import (CELL_TYPES, DATA_FILES, AppliesTo, Appendix, Campaign, Consolidated,
                            Outline, OutlineNode, Plan, Unit)

REQUIRED_FILES = ("chien-dich.yaml", "ke-hoach.yaml")
MISSING_OPTIONAL = {
    "bao-cao-tong-hop.yaml": "không có tệp này: báo cáo tổng hợp dùng người ký, nơi nhận của kế "
                             "hoạch và để trống số, ngày, phần tự viết",
}
FORMULA = re.compile(r"^\s*([a-z0-9-]+)\s*/\s*([a-z0-9-]+)\s*$")

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
        expected = str(ctx.get("expected", "")).replace("' or '", "', '")   # pydantic's English «or»
        return f"phải là một trong: {expected}; đang là «{got}»"
    if kind.startswith(("vn_", "node_")):
        return err["msg"]
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return f"giá trị «{got}» không hợp lệ ở đây"


def pydantic_problems(exc: ValidationError, source: SourceFile, prefix: tuple = ()) -> list[Problem]:
    """Vietnamese problems, with their line, from a pydantic validation error."""
    out = []
    for err in exc.errors(include_url=False):
        loc = prefix + tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
        out.append(source.problem(loc, _message(err)))
    return out


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


def _profile(campaign: Campaign, on: date, source: SourceFile, problems: list[Problem]):
    """The campaign's profile: the one it names, or — when it names a kind (``dang``) — the
    one of that kind in force on the plan's date ``on``; a named profile that is not the one
    in force then is a warning."""
    try:
        profile_id = profiles.resolve(campaign.format, on)
        profile = profiles.build_profile(profile_id, campaign.format_overrides)
    except KeyError:
        problems.append(source.problem(("format",), f"không có thể thức «{campaign.format}»; "
                                       f"có: dang, nha-nuoc, {', '.join(profiles.available())}"))
        return None
    except ValidationError as exc:
        problems.extend(pydantic_problems(exc, source, ("format_overrides",)))
        return None
    except ValueError as exc:
        problems.append(source.problem(("format_overrides",), str(exc)))
        return None
    current = profiles.in_force(profile.kind, on)
    if current != profile.id:
        newer = profiles.build_profile(current)
        problems.append(source.problem(("format",), (
            f"kế hoạch ngày {vnrules.short_date(on)} nhưng chọn thể thức «{profile.name}»; thể thức "
            f"có hiệu lực vào ngày đó là «{newer.name}» ({current}) — ghi «format: {profile.kind}» "
            "để dùng thể thức có hiệu lực, hoặc giữ lựa chọn này nếu có chủ ý"), WARNING))
    return profile


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
    _check_signer(plan.signer, c.issuer.committee, profile, src, problems)
    expected = profile.numbering.types.get(plan.doc_name)
    if expected and plan.type != expected:
        problems.append(src.problem(("type",), f"ký hiệu tên loại «{plan.type}» khác ký hiệu của "
                                    f"«{plan.doc_name}» theo {profile.name}: «{expected}»", WARNING))
    depth = _depth(plan.sections)
    if depth > len(profile.numbering.headings):
        problems.append(src.problem(("sections",), f"nội dung có {depth} cấp mục lồng nhau; thể "
                                    f"thức {profile.id} chỉ đánh số được "
                                    f"{len(profile.numbering.headings)} cấp"))


def _check_applies(applies: AppliesTo | None, c: Campaign, src: SourceFile, loc: tuple,
                   problems: list[Problem]) -> None:
    if applies is None:
        return
    kinds = {k.id for k in c.unit_kinds}
    levels = {lv.id for lv in c.levels}
    for i, kind in enumerate(applies.kinds):
        if kind not in kinds:
            problems.append(src.problem(loc + ("applies_to", "kinds", i),
                                        f"loại đơn vị «{kind}» không có trong «unit_kinds» của "
                                        f"chien-dich.yaml (có: {', '.join(sorted(kinds)) or 'không có'})"))
    for i, level in enumerate(applies.levels):
        if level not in levels:
            problems.append(src.problem(loc + ("applies_to", "levels", i),
                                        f"cấp đơn vị «{level}» không có trong «levels» của "
                                        f"chien-dich.yaml (có: {', '.join(sorted(levels))})"))


def _check_outline(o: Outline, c: Campaign, profile, src: SourceFile, problems: list[Problem]) -> None:
    formats = o.numbering or (profile.numbering.headings if profile else [])
    for i, fmt in enumerate(o.numbering or []):
        try:
            fmt.format(roman="I", n=1, path="1.1", letter="a")
        except (KeyError, IndexError, ValueError):
            problems.append(src.problem(("numbering", i), f"cách đánh số «{fmt}» không hợp lệ; "
                                        "dùng {roman}, {n}, {path}, {letter}"))

    def walk(nodes: list[OutlineNode], loc: tuple, depth: int) -> None:
        for i, node in enumerate(nodes):
            here = loc + (i,)
            _check_applies(node.applies_to, c, src, here, problems)
            if node.plan_text and depth > 0:
                problems.append(src.problem(here + ("plan_text",), "«plan_text» chỉ dùng cho "
                                            "phần cấp 1 của đề cương"))
            if formats and depth >= len(formats):
                problems.append(src.problem(here, f"đề cương có {depth + 1} cấp lồng nhau; cách "
                                            f"đánh số chỉ có {len(formats)} cấp"))
            walk(node.items, here + ("items",), depth + 1)

    walk(o.parts, ("parts",), 0)
    if o.opening:
        _check_applies(o.opening.applies_to, c, src, ("opening",), problems)


def _check_appendix(a: Appendix, c: Campaign, src: SourceFile, problems: list[Problem]) -> None:
    _duplicates(src, "tables", problems)
    if a.key_figures:
        table = next((t for t in a.tables if t.id == a.key_figures.table), None)
        if table is None:
            problems.append(src.problem(("key_figures", "table"), f"không có phụ lục «{a.key_figures.table}»"))
        else:
            ids = {r.id: r for r in table.rows}
            for i, row in enumerate(a.key_figures.rows):
                if row not in ids or ids[row].type not in ("count", "percent"):
                    problems.append(src.problem(("key_figures", "rows", i), f"phụ lục «{table.id}» "
                                                f"không có dòng số liệu «{row}»"))
    for t, table in enumerate(a.tables):
        loc = ("tables", t)
        _check_applies(table.applies_to, c, src, loc, problems)
        if bool(table.columns) == bool(table.years):
            problems.append(src.problem(loc, "phụ lục phải có «columns» (các cột) hoặc «years» "
                                        "(một cột mỗi năm), không cả hai"))
        if table.years and table.years.end < table.years.start:
            problems.append(src.problem(loc + ("years", "end"), "năm kết thúc trước năm bắt đầu"))
        for where, items in (("rows", table.rows), ("columns", table.columns)):
            seen: dict[str, int] = {}
            for i, item in enumerate(items):
                if item.id in seen:
                    problems.append(src.problem(loc + (where, i, "id"), f"mã «{item.id}» trùng "
                                                f"với mục thứ {seen[item.id] + 1} trong phụ lục"))
                seen.setdefault(item.id, i)
        rows = {r.id: r for r in table.rows}
        for i, row in enumerate(table.rows):
            rloc = loc + ("rows", i)
            _check_applies(row.applies_to, c, src, rloc, problems)
            if row.type not in CELL_TYPES:
                problems.append(src.problem(rloc + ("type",), f"kiểu ô «{row.type}» không có; "
                                            f"dùng: {', '.join(CELL_TYPES)}"))
            if row.type == "percent" and not row.formula:
                problems.append(src.problem(rloc, "dòng tỷ lệ cần «formula: tử / mẫu» để tự tính"))
            if row.formula:
                if row.type != "percent":
                    problems.append(src.problem(rloc + ("formula",), "chỉ dòng kiểu «percent» có "
                                                "công thức"))
                m = FORMULA.match(row.formula)
                if not m:
                    problems.append(src.problem(rloc + ("formula",), f"công thức «{row.formula}» "
                                                "không hợp lệ; ghi dạng «mã dòng / mã dòng», ví dụ "
                                                "«r5 / r1»"))
                    continue
                for name in m.groups():
                    target = rows.get(name)
                    if target is None:
                        problems.append(src.problem(rloc + ("formula",), f"công thức «{row.formula}» "
                                                    f"dẫn tới dòng «{name}» không có trong phụ lục "
                                                    f"«{table.id}»"))
                    elif target.type != "count":
                        problems.append(src.problem(rloc + ("formula",), f"công thức dẫn tới dòng "
                                                    f"«{name}» không phải dòng số liệu"))


def outline_keys(outline: Outline | None, profile) -> list[str]:
    """The keys of the outline's parts as the consolidated report's narrative names them:
    ``opening``, ``I``, ``I.1``, ``II.1.a`` …"""
    if outline is None or profile is None:
        return []
    return node_keys(outline, profile)


def _check_consolidated(rep: Consolidated, c: Campaign, outline: Outline | None, profile,
                        src: SourceFile, problems: list[Problem]) -> None:
    keys = outline_keys(outline, profile)
    for key in rep.narrative:
        if key not in keys and opening_named(key) and OPENING in keys:
            problems.append(src.problem(("narrative", key), f"phần mở đầu có khóa «{OPENING}», không "
                                        f"phải «{key}»: sửa «{key}:» thành «{OPENING}:»"))
        elif key not in keys:
            problems.append(src.problem(("narrative", key), f"không có phần «{key}» trong đề cương; "
                                        f"có: {', '.join(keys)}"))
    if profile is not None:
        _check_signer(rep.signer, c.issuer.committee, profile, src, problems)


UNIT_COLUMNS = {name: field.is_required() for name, field in Unit.model_fields.items()}
# the same columns under the Vietnamese names an office may give them in Excel
UNIT_COLUMN_NAMES = {"mã": "id", "mã đơn vị": "id", "tên": "name", "tên đơn vị": "name",
                     "cấp": "level", "loại": "kind", "loại đơn vị": "kind",
                     "tên cấp ủy": "committee_name", "ký hiệu": "symbol",
                     "dòng tiêu đề": "header_lines", "cấp trên": "superior",
                     "dòng cấp trên": "superior"}


def _units(source: SourceFile, c: Campaign | None, problems: list[Problem]) -> list[Unit]:
    if source.data is None:
        return []
    units = []
    adapter = TypeAdapter(Unit)
    seen: dict[str, int] = {}
    for i, row in enumerate(source.data):
        try:
            unit = adapter.validate_python(row)
        except ValidationError as exc:
            problems.extend(pydantic_problems(exc, source, (i,)))
            continue
        line = source.line_of((i,))
        if unit.id in seen:
            problems.append(source.problem((i, "id"), f"mã đơn vị «{unit.id}» trùng với dòng {seen[unit.id]}"))
            continue
        seen[unit.id] = line
        if c is None:
            continue
        found = len(problems)
        levels = {lv.id: lv for lv in c.levels}
        level = levels.get(unit.level)
        if level is None:
            problems.append(source.problem((i, "level"), f"cấp «{unit.level}» không có trong «levels» "
                                           f"của chien-dich.yaml (có: {', '.join(levels)})"))
        kinds = {k.id for k in c.unit_kinds}
        if unit.kind not in kinds:
            problems.append(source.problem((i, "kind"), f"loại «{unit.kind}» không có trong «unit_kinds» "
                                           f"của chien-dich.yaml (có: {', '.join(sorted(kinds)) or 'không có'})"))
        if level is not None and committee(unit, level) is None:
            problems.append(source.problem((i, "name"), f"không suy ra được tên cấp ủy của «{unit.name}» "
                                           f"(tên không bắt đầu bằng «{level.unit_prefix}»); ghi vào "
                                           "cột «committee_name»"))
        if len(problems) == found:  # only units that can be drawn go on
            units.append(unit)
            _check_not_the_issuer(unit, level, i, c, source, problems)
    return units


@functools.lru_cache(maxsize=1024)    # the issuer's names, compared with every unit's
def _body_key(name: str) -> str:
    """A body's name as compared: lower case, one space, «uỷ» as «ủy», no «(…)» after it."""
    name = unicodedata.normalize("NFC", name.split(" (")[0]).replace("uỷ", "ủy").replace("Uỷ", "Ủy")
    return " ".join(name.lower().split())


def _check_not_the_issuer(unit: Unit, level, i: int, c: Campaign, source: SourceFile,
                          problems: list[Problem]) -> None:
    """A warning when a unit of the list is the issuer itself, or the body the units send
    their reports to: the issuer never writes to itself («Sở Nội vụ gửi báo cáo … về Sở Nội
    vụ»)."""
    own = {_body_key(unit.name), _body_key(committee(unit, level) or unit.name)}
    bodies = [("issuer.name", c.issuer.name), ("issuer.short_name", c.issuer.short_name)]
    if c.report_to:
        bodies.append(("report_to", c.report_to))
    for key, body in bodies:
        if _body_key(body) in own:
            problems.append(source.problem(
                (i, "name"), f"đơn vị «{unit.name}» chính là «{body}» (mục «{key}» của "
                f"chien-dich.yaml): cơ quan ban hành, nơi nhận báo cáo, không là một đơn vị nó gửi "
                "kế hoạch tới — bỏ dòng này khỏi don-vi.csv, hoặc sửa «" + key + "»", WARNING))
            return


def _check_signer(signer, committee: bool, profile, src: SourceFile, problems: list[Problem]) -> None:
    """Each authority line of ``signer`` must be one the profile allows for this issuer; a
    name not given yet is said (the document prints a place to write it)."""
    if not signer.name.strip():
        problems.append(src.problem(("signer", "name"), "chưa ghi tên người ký (signer.name): văn bản "
                                    "in «(Họ và tên)» để ghi tay; ghi tên trước khi trình ký", WARNING))
    for i, a in enumerate(signer.authority):
        why = vnrules.signature_problem([a], signer.title, committee, profile)
        if why:
            problems.append(src.problem(("signer", "authority", i), why))


def _depth(nodes) -> int:
    return max((1 + _depth(n.items) for n in nodes), default=0)


def load_campaign(folder: Path, *, repair: bool = True) -> CampaignData:
    """Read and validate every data file of ``folder``.

    Raises one :class:`DataError` with all the problems when the data cannot even be modelled
    (a file missing or unreadable, a field of the wrong shape); otherwise returns the campaign
    with the problems found so far in ``problems``, so that the next steps (prose, templates)
    can add theirs before the caller reports them all."""
    problems: list[Problem] = []
    if not folder.is_dir():
        raise DataError([Problem(str(folder), None, "", "không có thư mục dữ liệu này")])
    sources: dict[str, SourceFile] = {}
    for name in DATA_FILES:
        if name == "don-vi.csv" and (folder / "don-vi.xlsx").exists():
            if (folder / name).exists():
                problems.append(Problem("don-vi.xlsx", None, "", "có cả don-vi.csv và don-vi.xlsx: "
                                        "dùng don-vi.csv, bỏ qua don-vi.xlsx", WARNING))
            else:  # the unit list kept in Excel
                sources[name] = load_xlsx_table(folder / "don-vi.xlsx", "don-vi.xlsx", problems,
                                                UNIT_COLUMNS, UNIT_COLUMN_NAMES)
                continue
        if name not in REQUIRED_FILES and not (folder / name).exists():
            problems.append(Problem(name, None, "", MISSING_OPTIONAL.get(
                name, "không có tệp này: các văn bản dùng nó không được sinh"), WARNING))
            continue
        if name.endswith(".csv"):
            sources[name] = load_csv(folder / name, name, problems, UNIT_COLUMNS, UNIT_COLUMN_NAMES)
        else:
            sources[name] = load_yaml(folder / name, name, problems)
    for where in ("reviewed", "levels", "unit_kinds"):
        _duplicates(sources["chien-dich.yaml"], where, problems)
    campaign = _validate_model(Campaign, sources["chien-dich.yaml"], problems)
    plan = _validate_model(Plan, sources["ke-hoach.yaml"], problems)
    outline = appendix = None
    if "de-cuong.yaml" in sources:
        outline = _validate_model(Outline, sources["de-cuong.yaml"], problems)
    if "phu-luc.yaml" in sources:
        appendix = _validate_model(Appendix, sources["phu-luc.yaml"], problems)
    units = _units(sources["don-vi.csv"], campaign, problems) if "don-vi.csv" in sources else []
    consolidated = None
    if "bao-cao-tong-hop.yaml" in sources:
        consolidated = _validate_model(Consolidated, sources["bao-cao-tong-hop.yaml"], problems)
    profile = None
    if campaign:
        profile = _profile(campaign, plan.date if plan else campaign.final_deadline,
                           sources["chien-dich.yaml"], problems)
        _check_campaign(campaign, sources["chien-dich.yaml"], problems)
        if plan:
            _check_plan(plan, campaign, profile, sources["ke-hoach.yaml"], problems)
            if _uses_outline(plan.sections) and "de-cuong.yaml" not in sources:
                problems.append(sources["ke-hoach.yaml"].problem(
                    ("sections",), "một mục lấy nội dung từ đề cương («outline: true») nhưng "
                    "không có tệp de-cuong.yaml"))
        if outline:
            _check_outline(outline, campaign, profile, sources["de-cuong.yaml"], problems)
        if appendix:
            _check_appendix(appendix, campaign, sources["phu-luc.yaml"], problems)
        if consolidated:
            _check_consolidated(consolidated, campaign, outline, profile,
                                sources["bao-cao-tong-hop.yaml"], problems)
    returns = _returns(folder, campaign, units, problems, repair, appendix)
    broken = [n for n, model in (("de-cuong.yaml", outline), ("phu-luc.yaml", appendix),
                                 ("bao-cao-tong-hop.yaml", consolidated))
              if n in sources and model is None]
    if not (campaign and plan and profile) or broken:
        raise DataError(problems)
    return CampaignData(folder, campaign, plan, profile, sources, outline, appendix, units,
                        problems, returns, consolidated)


def _returns(folder: Path, campaign: Campaign | None, units: list[Unit],
             problems: list[Problem], repair: bool, appendix: Appendix | None) -> dict:
    """The figures units sent back (``bao-cao/*.yaml``), by unit id. A collection killed
    midway is finished first (``repair``), or reported. A record whose very bytes a load read
    without a word to say is taken from that load's memo (``record_memo``), checked again all
    the same; anything to say, and the bytes are parsed the whole way. The memo is kept up to
    date by a load that may write (``repair``)."""
    from . import store
    from .record_memo import RecordMemo

    for note in (store.recover(folder) if repair else store.pending(folder)):
        problems.append(Problem(f"{store.FOLDER}/", None, "", note, WARNING))
    out = {}
    known = {u.id for u in units}
    forms = _forms(appendix) if appendix is not None else None
    memo = RecordMemo(store.folder(folder))
    for path in sorted(store.folder(folder).glob("*.yaml")):
        name = f"{store.FOLDER}/{path.name}"
        raw = read_bytes(path, name, problems)
        if raw is None:
            continue
        digest = memo.digest(raw)
        data = memo.get(path, digest)
        if data is not None:
            quiet: list[Problem] = []
            record = _record(SourceFile(path=path, name=name, data=data), campaign, known,
                             forms, quiet)
            if record is not None and not quiet:
                out[record.unit] = record
                memo.taken(path, digest, data, read=False)
                continue
        said = len(problems)
        source = load_yaml(path, name, problems, raw=raw)
        record = _record(source, campaign, known, forms, problems)
        if record is not None:
            out[record.unit] = record
            if len(problems) == said:
                memo.taken(path, digest, source.data, read=True)
    if repair:   # a load that may write (not a check, which writes nothing)
        memo.save()
    return out


def _record(source: SourceFile, campaign: Campaign | None, known: set[str],
            forms: dict | None, problems: list[Problem]):
    """The record ``source`` holds, to be taken (or None, what is wrong said)."""
    from . import store

    record = _validate_model(store.Record, source, problems)
    if record is None:
        return None
    found = len(problems)
    if record.unit != source.path.stem:
        problems.append(source.problem(("unit",), f"tệp {source.path.name} ghi số liệu của đơn vị "
                                       f"«{record.unit}»: tên tệp và mục «unit» phải là một mã"))
    if forms is not None:
        _check_figures(record.figures, forms, source, problems)
    if len(problems) > found:
        return None
    if campaign and record.campaign != campaign.id:
        problems.append(source.problem(("campaign",), f"số liệu của chiến dịch khác "
                                       f"(«{record.campaign}»)"))
    elif record.unit not in known:
        problems.append(source.problem(("unit",), f"đơn vị «{record.unit}» không còn trong "
                                       "don-vi.csv: số liệu này không được tổng hợp", WARNING))
    else:
        return record
    return None


_KINDS = {"count": ("một số", lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)),
          "percent": ("một số", lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)),
          "yesno": ("true (Có) hoặc false (Không)", lambda v: isinstance(v, bool)),
          "text": ("chữ", lambda v: isinstance(v, str))}


def _check_figures(figures: dict, tables: dict, src: SourceFile, problems: list[Problem]) -> None:
    """A record's figures (written by collect, perhaps edited by hand) against the appendix
    tables (``_forms``): every table, row and column must exist, and every value be of its
    row's kind."""
    from .figures import FigureError, bounded, shown_value

    for table_id, rows in figures.items():
        form = tables.get(table_id)
        if form is None:
            problems.append(src.problem(("figures", table_id), f"không có phụ lục «{table_id}» trong "
                                        f"phu-luc.yaml (có: {', '.join(tables)})"))
            continue
        known_rows, known_cols = form
        for row_id, values in rows.items():
            row = known_rows.get(row_id)
            if row is None:
                problems.append(src.problem(("figures", table_id, row_id), f"phụ lục «{table_id}» "
                                            f"không có dòng «{row_id}»"))
                continue
            wanted, fits = _KINDS.get(row.type, ("", lambda v: True))
            number = row.type in ("count", "percent")
            for col_id, value in values.items():
                loc = ("figures", table_id, row_id, col_id)
                if col_id not in known_cols:
                    problems.append(src.problem(loc, f"phụ lục «{table_id}» không có cột «{col_id}» "
                                                f"(có: {', '.join(known_cols)})"))
                    continue
                if value is not None and not fits(value):
                    problems.append(src.problem(loc, f"dòng «{row.label}» cần {wanted}, đang là "
                                                f"«{shown_value(value)}»; để trống thì ghi null"))
                elif number and value is not None:
                    try:
                        bounded(value)
                    except FigureError as exc:
                        problems.append(src.problem(loc, f"dòng «{row.label}»: {exc}; sửa lại số "
                                                    "đúng hoặc ghi null"))


def _forms(appendix: Appendix) -> dict[str, tuple[dict, list[str]]]:
    """Each table of ``appendix`` by id: its rows by id and its columns' ids (worked out once
    for all the records of a load)."""
    from .layout import columns

    return {t.id: ({r.id: r for r in t.rows}, [c.id for c in columns(t)]) for t in appendix.tables}


def _uses_outline(nodes) -> bool:
    return any(n.outline or _uses_outline(n.items) for n in nodes)


"""Campaigns in tiers: the kit a unit with branches receives, the campaign it starts from it,
and the report that campaign sends up.

- The campaign above writes, for every unit of a level with ``branches: true``,
  ``out/bo-du-lieu/<unit>.zip``: its own data files (the campaign, plan, outline, appendix
  forms) and the unit's own row, with a small ``bo-du-lieu.yaml`` saying whose kit it is.
- ``vanban new DIR --from KIT`` makes the unit's campaign: the unit is the issuer, the
  campaign above its superior; the reviewed documents, period, outline and forms are those
  above (kept in ``data/cap-tren/`` as they came, and copied for the branches' skeletons);
  one level, the branches, with deadlines before the unit's own.
- Its build writes, once branches have sent returns, ``out/gui-cap-tren/<unit>.docx``: the
  skeleton the campaign above made for the unit — drawn by the same code, from the kit — with
  every figure the sum over the branches, the unit's own text under the parts it wrote, a
  table of its branches, and the marks the campaign above reads it by.
- Whatever does not match — another campaign, forms changed on either side — is refused,
  with what differs, never guessed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import yaml

from ..formats import vnrules
from ..config.campaign import CampaignData, Member
from ..base.exceptions import WARNING, DataError, Problem, UsageError
from ..base.writer import pack, zip_bytes

KITS = "bo-du-lieu"              # out/bo-du-lieu/<unit>.zip
UP = "gui-cap-tren"              # out/gui-cap-tren/<unit>.docx
PARENT = "cap-tren"              # data/cap-tren/: the kit's files, as they came
MANIFEST = "bo-du-lieu.yaml"
PARENT_FILES = ("chien-dich.yaml", "ke-hoach.yaml", "de-cuong.yaml", "phu-luc.yaml")
MAX_KIT = 20 * 1024 * 1024
BRANCH_LEVEL = "cb"              # the branches' level id (the outline's rules know it as a chi bộ)
DAYS_BEFORE = 7                  # the branches report this many days before the unit's own deadline


# --- the kit, written by the campaign above -----------------------------------------------

def _unit_row(member: Member) -> bytes:
    unit = member.unit
    columns = [c for c in ("id", "name", "level", "kind", "committee_name", "symbol", "header_lines")
               if c in ("id", "name", "level", "kind") or getattr(unit, c)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerow([getattr(unit, c) or "" for c in columns])
    return out.getvalue().encode("utf-8")


def kit_manifest(data: CampaignData, member: Member) -> dict:
    level = member.level
    return {
        "campaign": data.campaign.id,
        "unit": member.id,
        "unit_name": member.name,
        "committee": member.committee,
        "kind": member.unit.kind,
        "form_version": data.form_version,
        "report_deadline": vnrules.short_date(level.report_deadline),
        "review_deadline": vnrules.short_date(level.review_deadline),
        "report_symbol": member.unit.symbol or level.report_symbol or "",
        # the line above the unit's name in its own documents: the Party organisation it belongs to
        "superior": member.unit.header_superior(level, data.campaign.units_superior or data.campaign.issuer.name),
        "superior_short": data.campaign.issuer.short_name,
        "superior_symbol": data.campaign.issuer.symbol,
        "place": data.campaign.issuer.place,
        "plan": {"number": data.plan.number, "type": data.plan.type,
                 "date": vnrules.short_date(data.plan.date), "issued_by": data.plan.issued_by},
    }


_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)   # libyaml when PyYAML has it
_PACKED: dict[tuple[str, str], object] = {}   # the campaign's files, packed once for every kit


def _packed(name: str, path: Path):
    """The campaign's file ``path`` packed as ``name``: read and packed once for every kit
    while the file stays as it is (its size and time, asked of the system for each kit; its
    content's hash when they change)."""
    stat = path.stat()
    seen = _SEEN.get(str(path))
    if seen is None or seen[0] != (stat.st_size, stat.st_mtime_ns):
        raw = path.read_bytes()
        seen = _SEEN[str(path)] = ((stat.st_size, stat.st_mtime_ns), hashlib.sha256(raw).hexdigest(), raw)
    key = (name, seen[1])
    if key not in _PACKED:
        if len(_PACKED) > 64:
            _PACKED.clear()
        _PACKED[key] = pack(name, seen[2])
    return _PACKED[key]


_SEEN: dict[str, tuple] = {}   # a file's path → (its size and time, its hash, its bytes)


# the keys of a kit's manifest that name the unit itself; the others are the same for many kits
_OWN = ("unit", "unit_name", "committee")
_DUMPED: dict[tuple, str] = {}


def _dump(manifest: dict) -> str:
    """``yaml.dump`` of the manifest, the same text: a block mapping is its entries one after
    another, so runs of entries that many kits share (the campaign's, a level's) are dumped
    once and kept; the unit's own entries are dumped each time."""
    out, run, own = [], {}, None

    def flush():
        if not run:
            return
        items = tuple((k, tuple(v.items()) if isinstance(v, dict) else v) for k, v in run.items())
        if own:
            out.append(yaml.dump(dict(run), Dumper=_DUMPER, allow_unicode=True, sort_keys=False))
            return
        text = _DUMPED.get(items)
        if text is None:
            text = yaml.dump(dict(run), Dumper=_DUMPER, allow_unicode=True, sort_keys=False)
            if len(_DUMPED) > 4096:
                _DUMPED.clear()
            _DUMPED[items] = text
        out.append(text)

    for key, value in manifest.items():
        if own is not (key in _OWN):
            flush()
            run, own = {}, key in _OWN
        run[key] = value
    flush()
    return "".join(out)


def kit_bytes(data: CampaignData, member: Member) -> bytes:
    """The kit of ``member``: deterministic, the same data give the same bytes."""
    head = ("# Bộ dữ liệu để đơn vị tự chạy sơ kết ở các chi bộ trực thuộc (vanban new THƯ_MỤC "
            "--from TỆP.zip). Không sửa tệp này.\n")
    manifest = head + _dump(kit_manifest(data, member))
    entries = [pack(MANIFEST, manifest.encode("utf-8"))]
    for name in PARENT_FILES:
        entries.append(_packed(f"{PARENT}/{name}", data.sources[name].path))
    entries.append(pack(f"{PARENT}/don-vi.csv", _unit_row(member)))
    return zip_bytes(entries)


# --- reading a kit ---------------------------------------------------------------------------

@dataclass
class Kit:
    manifest: dict
    files: dict[str, bytes]       # name under cap-tren/ → bytes


def read_kit(path: Path) -> Kit:
    """A kit file checked before it is used: a plain zip of the expected names and sizes,
    its manifest whole, its forms the version the manifest says."""
    where = f"bộ dữ liệu {path.name}"
    try:
        if path.stat().st_size > MAX_KIT:
            raise UsageError(f"{where}: tệp quá lớn để là một bộ dữ liệu")
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile):
        raise UsageError(f"{where}: không mở được (không phải tệp .zip do vanban sinh ra)") from None
    allowed = {MANIFEST, f"{PARENT}/don-vi.csv", *[f"{PARENT}/{n}" for n in PARENT_FILES]}
    with archive:
        infos = archive.infolist()
        odd = [i.filename for i in infos if i.filename not in allowed]
        if odd or sum(i.file_size for i in infos) > 5 * MAX_KIT:
            raise UsageError(f"{where}: có tệp lạ ({', '.join(odd[:3]) or 'quá lớn'}); không phải bộ dữ "
                             "liệu do vanban sinh ra")
        missing = sorted(allowed - {i.filename for i in infos})
        if missing:
            raise UsageError(f"{where}: thiếu {', '.join(missing)}")
        raw = {i.filename: archive.read(i) for i in infos}
    try:
        manifest = yaml.safe_load(raw.pop(MANIFEST).decode("utf-8"))
        assert isinstance(manifest, dict) and {"campaign", "unit", "form_version"} <= set(manifest)
    except Exception:
        raise UsageError(f"{where}: {MANIFEST} hỏng") from None
    files = {name.split("/", 1)[1]: data for name, data in raw.items()}
    return Kit(manifest, files)


def _load_parent(folder: Path) -> CampaignData:
    from ..config.validate import load_campaign

    return load_campaign(folder)


def check_kit(kit: Kit, where: str) -> CampaignData:
    """The kit's campaign loaded in a scratch folder and checked against its manifest."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="vanban-bo-du-lieu-") as tmp:
        folder = Path(tmp)
        for name, data in kit.files.items():
            (folder / name).write_bytes(data)
        try:
            parent = _load_parent(folder)
        except DataError as exc:
            raise UsageError(f"{where}: dữ liệu của cấp trên trong bộ không đọc được: "
                             + "; ".join(str(p) for p in exc.problems[:3])) from None
        _agree(kit.manifest, parent, where)
        # what is needed later is read now, while the folder exists
        _ = parent.members, parent.form_version
        return parent


def _agree(manifest: dict, parent: CampaignData, where: str) -> None:
    if parent.campaign.id != manifest["campaign"]:
        raise UsageError(f"{where}: của chiến dịch «{manifest['campaign']}» nhưng dữ liệu bên trong là "
                         f"của chiến dịch «{parent.campaign.id}»")
    if parent.form_version != manifest["form_version"]:
        raise UsageError(f"{where}: phụ lục bên trong (phiên bản {parent.form_version}) khác phụ lục "
                         f"cấp trên đã giao (phiên bản {manifest['form_version']})")
    if manifest["unit"] not in parent.members:
        raise UsageError(f"{where}: không có đơn vị «{manifest['unit']}» trong dữ liệu của cấp trên")


# --- a campaign started from a kit ---------------------------------------------------------------

def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _before(text: str, days: int) -> date:
    from ..model.schema import parse_date

    return parse_date(text) - timedelta(days=days)


def campaign_yaml(m: dict, parent_yaml: dict) -> str:
    unit, committee = m["unit_name"], m["committee"]
    report = _before(m["report_deadline"], DAYS_BEFORE)
    review = min(_before(m["review_deadline"], DAYS_BEFORE), report)
    branch_report, branch_review = vnrules.short_date(report), vnrules.short_date(review)
    reviewed = yaml.safe_dump({"reviewed": parent_yaml["reviewed"]}, allow_unicode=True, sort_keys=False,
                              default_flow_style=False, width=4096)
    kinds = yaml.safe_dump({"unit_kinds": parent_yaml.get("unit_kinds", [])}, allow_unicode=True,
                           sort_keys=False, default_flow_style=False, width=4096)
    period = parent_yaml["period"]
    return f"""# =====================================================================================
#  CHIẾN DỊCH CỦA {vnrules.upper(unit)} — lập từ bộ dữ liệu của {m['superior_short']}
#  ({'vanban new --from'}). Các văn bản được sơ kết, kỳ số liệu, đề cương và phụ lục là của
#  cấp trên: không sửa (báo cáo gửi cấp trên sẽ bị từ chối). Sửa hạn của các chi bộ, người ký,
#  nơi nhận; liệt kê các chi bộ trực thuộc trong don-vi.csv rồi chạy «vanban build».
# =====================================================================================

id: {m['campaign']}-{m['unit']}
format: {parent_yaml.get('format', 'dang')}
format_overrides: {json.dumps(parent_yaml.get('format_overrides') or {}, ensure_ascii=False)}

issuer:
  superior: {_q(m['superior']) if m['superior'] else 'null'}   # cấp trên
  name: {_q(committee)}
  short_name: {_q(committee)}
  symbol: {_q(m['report_symbol'] or 'ĐU')}
  place: {_q(m['place'])}
  committee: true

{reviewed}
period:
  start: {_q(str(period['start']))}
  end: {_q(str(period['end']))}

# Các chi bộ trực thuộc: hạn sơ kết và hạn gửi báo cáo về {committee}
# (mặc định {DAYS_BEFORE} ngày trước hạn {committee} gửi báo cáo về {m['superior_short']}: {m['report_deadline']})
levels:
  - id: {BRANCH_LEVEL}
    name: Chi bộ trực thuộc
    review_deadline: {branch_review}
    report_deadline: {branch_report}
    unit_prefix: Chi bộ
    committee_prefix: Chi bộ
    report_type: BC
    report_symbol: CB
    authority: [{{mode: tm, of: Chi bộ}}]
    signer_title: Bí thư
    recipients:
      - {_q(committee + ' (b/c)')}
      - Lưu Chi bộ

{kinds}
units_superior: {_q(unit)}
report_to: {_q(committee)}
unit_workbooks: {'true' if parent_yaml.get('unit_workbooks') else 'false'}
final_deadline: {m['report_deadline']}        # hạn gửi báo cáo về {m['superior_short']}

# Cấp trên: báo cáo gửi lên (out/gui-cap-tren/{m['unit']}.docx) mang dấu của chiến dịch này
parent:
  campaign: {m['campaign']}
  unit: {m['unit']}
  form_version: {_q(m['form_version'])}
  yesno: any                    # câu hỏi Có/Không: «Có» khi có ít nhất một chi bộ trả lời «Có»
"""


# the unit's plan and report are signed by its committee, «T/M ĐẢNG ỦY»; the name is left to fill
_SIGNER = """signer:
  authority: [{mode: tm, of: Đảng ủy}]
  title: Bí thư
  name: ""          # họ và tên người ký: ghi vào đây trước khi trình ký
  signed: false
"""


def plan_yaml(m: dict) -> str:
    p = m["plan"]
    reference = f"Kế hoạch số {p['number']}-{p['type']}/{m['superior_symbol']}"
    return f"""# =====================================================================================
#  KẾ HOẠCH của {m['committee']} — sơ kết ở các chi bộ trực thuộc. Sửa số, ngày, nội dung.
# =====================================================================================

number: 1
type: KH
date: {p['date']}                  # ngày ban hành (sửa)
doc_name: Kế hoạch
issued_by: {_q(m['committee'])}

summary: >-
  sơ kết ở các chi bộ trực thuộc theo {reference}, ngày {p['date']} của {p['issued_by']}

intro:
  - >-
    Thực hiện {reference}, ngày {p['date']} của {p['issued_by']}, {m['committee']} xây dựng
    kế hoạch tổ chức sơ kết ở các chi bộ trực thuộc như sau:

sections:
  - title: Mục đích, yêu cầu
    items:
      - text: >-
          Các chi bộ đánh giá đúng kết quả, hạn chế, nguyên nhân và bài học kinh nghiệm; báo cáo
          đầy đủ số liệu theo các phụ lục để {m['committee']} tổng hợp báo cáo cấp trên.
  - title: Nội dung sơ kết
    outline: true
    note: (Có đề cương chi tiết gửi kèm)
  - title: Thời gian
    items:
      - text: >-
          Các chi bộ hoàn thành sơ kết trước ngày {{{{ levels.{BRANCH_LEVEL}.review_deadline }}}}, gửi
          báo cáo và phụ lục về {m['committee']} trước ngày {{{{ levels.{BRANCH_LEVEL}.report_deadline }}}}.

{_SIGNER}
recipients:
  - Các chi bộ trực thuộc
  - Lưu Văn phòng Đảng ủy
"""


def report_yaml(m: dict) -> str:
    return f"""# =====================================================================================
#  BÁO CÁO TỔNG HỢP của {m['committee']} từ báo cáo các chi bộ trực thuộc.
#  «narrative»: phần đơn vị tự viết theo số của phần trong đề cương («I.1», «II.1.a» …):
#  cũng là nội dung các phần trong báo cáo gửi {m['superior_short']} (out/gui-cap-tren/).
# =====================================================================================

number: null
type: BC
date: null
issued_by: {_q(m['committee'])}

intro: []

narrative: {{}}

{_SIGNER}
recipients:
  - {_q(m['superior_short'] + ' (b/c)')}
  - Lưu Văn phòng Đảng ủy
"""


def new_from_kit(target: Path, kit_path: Path, templates: Path) -> list[Path]:
    """Start the unit's campaign in ``target`` from ``kit_path``."""
    if target.exists() and any(target.iterdir()):
        raise UsageError(f"Thư mục «{target}» đã có nội dung; hãy chọn một thư mục mới hoặc trống.")
    if not kit_path.is_file():
        raise UsageError(f"Không có tệp bộ dữ liệu «{kit_path}».")
    kit = read_kit(kit_path)
    check_kit(kit, f"bộ dữ liệu {kit_path.name}")
    m = kit.manifest
    parent_yaml = yaml.safe_load(kit.files["chien-dich.yaml"].decode("utf-8"))
    data = target / "data"
    (data / PARENT).mkdir(parents=True)
    for name, raw in kit.files.items():
        (data / PARENT / name).write_bytes(raw)
    (data / PARENT / MANIFEST).write_text(yaml.safe_dump(m, allow_unicode=True, sort_keys=False),
                                          encoding="utf-8")
    (data / "de-cuong.yaml").write_bytes(kit.files["de-cuong.yaml"])
    (data / "phu-luc.yaml").write_bytes(kit.files["phu-luc.yaml"])
    (data / "chien-dich.yaml").write_text(campaign_yaml(m, parent_yaml), encoding="utf-8")
    (data / "ke-hoach.yaml").write_text(plan_yaml(m), encoding="utf-8")
    (data / "bao-cao-tong-hop.yaml").write_text(report_yaml(m), encoding="utf-8")
    (data / "don-vi.csv").write_text(f"id,name,level,kind,committee_name\n", encoding="utf-8")
    shutil.copytree(templates, target / "templates", ignore=shutil.ignore_patterns(".*"))
    return [data, target / "templates"]


# --- in the unit's campaign: the campaign above, and the report sent up --------------------------

def parent_of(data: CampaignData) -> tuple[CampaignData | None, list[Problem]]:
    """The campaign above as the kit brought it (``data/cap-tren/``), checked against this
    campaign: its forms and outline must be the same, or the report sent up would be refused."""
    link = data.campaign.parent
    if link is None:
        return None, []
    where = "chien-dich.yaml"
    folder = data.folder / PARENT
    try:
        parent = _load_parent(folder)
    except DataError as exc:
        return None, [Problem(f"{PARENT}/", None, "", "dữ liệu cấp trên (bộ dữ liệu) không đọc được: "
                              + "; ".join(p.message for p in exc.problems[:3]))]
    problems = []
    if not data.units:
        problems.append(Problem("don-vi.csv", None, "", "chưa có chi bộ nào: liệt kê các chi bộ trực thuộc "
                                f"(mã, tên, cấp «{BRANCH_LEVEL}», loại) rồi sinh văn bản để có báo cáo mẫu gửi "
                                "các chi bộ", WARNING))
    if parent.campaign.id != link.campaign:
        problems.append(Problem(where, None, "parent.campaign", f"chiến dịch cấp trên là «{link.campaign}» "
                                f"nhưng bộ dữ liệu trong {PARENT}/ là của «{parent.campaign.id}»"))
    if link.unit not in parent.members:
        problems.append(Problem(where, None, "parent.unit", f"không có đơn vị «{link.unit}» trong danh "
                                f"sách của cấp trên ({PARENT}/don-vi.csv)"))
    if parent.form_version != link.form_version:
        problems.append(Problem(where, None, "parent.form_version", "phụ lục trong bộ dữ liệu (phiên bản "
                                f"{parent.form_version}) khác phiên bản ghi ở đây ({link.form_version})"))
    if data.form_version != parent.form_version:
        problems.append(Problem("phu-luc.yaml", None, "", "phụ lục đã khác phụ lục của cấp trên (phiên bản "
                                f"{data.form_version}, cấp trên {parent.form_version}): báo cáo gửi cấp "
                                "trên sẽ bị từ chối; hãy để phu-luc.yaml như bản trong bộ dữ liệu "
                                f"({PARENT}/phu-luc.yaml)"))
    if data.outline is not None and parent.outline is not None and \
            data.outline.model_dump() != parent.outline.model_dump():
        problems.append(Problem("de-cuong.yaml", None, "", "đề cương đã khác đề cương của cấp trên: các "
                                "phần gửi cấp trên sẽ không khớp; hãy để de-cuong.yaml như bản trong bộ "
                                f"dữ liệu ({PARENT}/de-cuong.yaml)"))
    return parent, problems


def parent_hash(data_dir: Path) -> str:
    folder = data_dir / PARENT
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*")) if folder.is_dir() else []:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _text(row_type: str, value) -> str:
    if value is None:
        return ""
    if row_type == "yesno":
        return "Có" if value else "Không"
    return vnrules.figure(value)


def sent_up(data: CampaignData, parent: CampaignData, prose) -> tuple[dict, object]:
    """The context of the report sent up: the parent's skeleton for this unit, filled."""
    from ..config import figures as fig
    from .contexts.common import outline_prose
    from ..config.layout import PERCENT, TOTAL
    from .contexts.consolidated import Totals
    from .contexts.unit import Filled, UnitContexts

    link = data.campaign.parent
    member = parent.member(link.unit)
    returns = [(data.members[uid].unit, rec.figures) for uid, rec in data.returns.items()
               if uid in data.members]
    values: dict = {}
    for form in member.forms:
        table = form.table
        summed = fig.consolidate(table, returns)
        cells: dict = {}
        numbers: dict = {}      # the figures printed, from which the computed cells are worked out
        for _, row in form.rows:
            for col in form.columns:
                if row.type == "yesno":
                    if summed["answered"].get(row.id):
                        cells.setdefault(row.id, {})[col.id] = _text("yesno", summed["yes"][row.id] > 0)
                elif row.type == "count" and not row.total:
                    value = summed["values"].get(row.id, {}).get(col.id)
                    if value is not None:
                        cells.setdefault(row.id, {})[col.id] = _text("count", value)
                        numbers.setdefault(row.id, {})[col.id] = value
        # totals and rates as the campaign above works them out from the figures printed: a
        # report to sign has its sums in the shaded cells, never words to the unit
        full = fig.computed(table, numbers, member.unit)
        for cell in form.cells:
            if cell.kind in (TOTAL, PERCENT):
                value = full.get(cell.row.id, {}).get(cell.column.id)
                if value is not None:
                    cells.setdefault(cell.row.id, {})[cell.column.id] = (
                        vnrules.figure(value, 1, fixed=True) if cell.kind == PERCENT else _text("count", value))
        values[table.id] = cells
    report = data.consolidated
    narrative = {}
    if report is not None:
        for key, texts in report.narrative.items():
            narrative[key] = [prose(t, ("narrative", key, k)) for k, t in enumerate(texts)]
    extra = []
    branches = Totals(data).key_figures_item(data.profile)
    if branches is not None:
        extra.append(type(branches)("Số liệu chủ yếu của các chi bộ trực thuộc", branches.xml,
                                    branches.landscape))
    from ..review import states

    saved = states.load(data.folder)
    received = [uid for uid in data.returns if uid in data.members]
    approved = [uid for uid in received if states.state_of(saved, uid, data.returns[uid].source.sha256)
                == states.APPROVED]
    from .contexts.digest import Digest

    digest = Digest(data)     # the branches' words on each part, in this campaign's digest
    wrote = {key: digest.count(key) for key in narrative_keys(parent)}
    builder = UnitContexts(parent, outline_prose(parent))
    return builder.context(member.unit, Filled(values, narrative, extra, data.campaign.id,
                                               (len(approved), len(received), len(data.members)),
                                               wrote, report.signer.name if report is not None else ""))


def narrative_keys(data: CampaignData) -> list[str]:
    from ..config.structure import node_keys

    return node_keys(data.outline, data.profile) if data.outline is not None else []

"""The units' own words gathered part by part (``tong-hop-y-kien.docx``): a working document
for whoever writes the consolidated report, so that one document is read instead of a
hundred returned reports.

For every part of the outline, in the outline's order and numbering: what each unit wrote
there, whole, under the unit's name, the units grouped by level and kind; then the units that
sent their report but wrote nothing there. The consolidated report only points here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...config.campaign import CampaignData, Member
from ...config.layout import applies
from ..renderer import DocProperties
from ...formats import vnrules
from .common import Prose, document_head
from .outline import outline_blocks, report_title

OUTPUT = "tong-hop-y-kien.docx"
TITLE = "Tổng hợp ý kiến"


@dataclass
class PartWords:
    """What the units that reported wrote under one part."""

    key: str
    written: list[tuple[Member, list[str]]]   # in the order of levels, kinds, then the list
    silent: list[Member]                      # reported, the part is theirs, nothing written


class Digest:
    """The units' words by part, from the collected records."""

    def __init__(self, data: CampaignData):
        self.data = data
        levels = {lv.id: i for i, lv in enumerate(data.campaign.levels)}
        kinds = {k.id: i for i, k in enumerate(data.campaign.unit_kinds)}
        order = {u.id: i for i, u in enumerate(data.units)}
        self.reported = sorted(
            (data.members[uid] for uid in data.returns if uid in data.members),
            key=lambda m: (levels.get(m.unit.level, 99), kinds.get(m.unit.kind, 99), order[m.id]))

    def part(self, key: str, node, rules: list | None = None) -> PartWords:
        """``rules``: the ``applies_to`` of the part and of the parts above it (a part under
        «Đối với doanh nghiệp» is for doanh nghiệp only); the part's own alone if not given."""
        rules = [node.applies_to] if rules is None else rules
        written, silent = [], []
        for member in self.reported:
            if not all(applies(r, member.unit) for r in rules):
                continue
            words = self.data.returns[member.id].texts.get(key)
            if words:
                written.append((member, words))
            else:
                silent.append(member)
        return PartWords(key, written, silent)

    def count(self, key: str) -> int:
        """How many units wrote under the part ``key``."""
        return sum(1 for m in self.reported if self.data.returns[m.id].texts.get(key))


def group_name(data: CampaignData, member: Member) -> str:
    kinds = {k.id: k.name for k in data.campaign.unit_kinds}
    kind = kinds.get(member.unit.kind)
    return member.level.name + (f" — {kind}" if kind else "")


NOBODY = "Chưa đơn vị nào viết phần này."
NOT_ASKED = "Không có đơn vị nào trong danh sách thuộc diện viết phần này."


def silent_note(silent: list[Member], group: bool = False) -> dict:
    """The units that sent their report and wrote nothing here (``group``: nothing in any
    part of the heading above), named once."""
    names = "; ".join(m.name for m in silent)
    where = "phần nào của mục này" if group else "phần này"
    return {"style": "note", "text": f"Đơn vị đã gửi báo cáo nhưng chưa viết {where} "
                                     f"({vnrules.figure(len(silent))}): {names}."}


def digest_context(data: CampaignData, outline_prose: Prose) -> tuple[dict, DocProperties]:
    c, profile = data.campaign, data.profile
    digest = Digest(data)
    words_of: dict[str, PartWords] = {}
    leaves: dict[str, list[str]] = {}         # a top-level part → its leaves' keys

    rule_of: dict[str, object] = {}           # a part → its own applies_to

    def chain(key: str) -> list:
        """The rules of the part and of the parts above it (their keys are its prefixes)."""
        bits = key.split(".")
        return [rule_of.get(".".join(bits[:n])) for n in range(1, len(bits) + 1)]

    def asked(key: str) -> bool:
        """Whether any unit of the list is to write the part ``key``."""
        return any(all(applies(r, u) for r in chain(key)) for u in data.units)

    def survey(key: str, node, loc: tuple) -> list[dict]:
        rule_of[key] = node.applies_to
        words_of[key] = digest.part(key, node, chain(key))
        if not node.items:
            leaves.setdefault(key.split(".")[0], []).append(key)
        return []

    outline_blocks(data.outline, outline_prose, profile, after=survey)

    def silent_in_group(top: str) -> list[Member]:
        """The units silent in every leaf of a top-level part that has parts under it: named
        once under its heading instead of under each of its parts."""
        keys = leaves.get(top, [])
        if keys == [top]:
            return []
        wrote_any = {m.id for k in keys for m, _ in words_of[k].written}
        return [m for m in digest.reported if m.id not in wrote_any
                and any(m.id in {s.id for s in words_of[k].silent} for k in keys)]

    grouped = {top: silent_in_group(top) for top in leaves}

    def after(key: str, node, loc: tuple) -> list[dict]:
        words = words_of[key]
        blocks: list[dict] = []
        if not asked(key):   # said once, under the highest part no unit is to write
            parent = key.rsplit(".", 1)[0] if "." in key else None
            return [] if parent is not None and not asked(parent) else [{"style": "note", "text": NOT_ASKED}]
        if key in grouped and grouped[key]:
            blocks.append(silent_note(grouped[key], group=True))
        group = None
        for member, paragraphs in words.written:
            here = group_name(data, member)
            if here != group:   # the group in capitals, the unit's name with a colon: told apart
                blocks.append({"style": "heading4", "text": vnrules.upper(here)})
                group = here
            blocks.append({"style": "heading4", "text": f"{member.name}:"})
            blocks += [{"style": "body", "text": text} for text in paragraphs]
        if node.items:
            return blocks
        if not words.written:
            blocks.append({"style": "note", "text": NOBODY})
        else:
            named = {m.id for m in grouped.get(key.split(".")[0], [])}
            rest = [m for m in words.silent if m.id not in named]
            if rest:
                blocks.append(silent_note(rest))
        return blocks

    year = c.final_deadline.year
    header = vnrules.header(superior=c.issuer.superior, issuer_lines=c.issuer.header_lines or [c.issuer.name],
                            number="", place_date=vnrules.blank_date(year, c.issuer.place), profile=profile)
    summary = f"nội dung báo cáo {report_title(data, outline_prose)} của các đơn vị"
    sent = len(digest.reported)
    intro = [{"style": "note", "text": "(Tài liệu làm việc phục vụ xây dựng báo cáo tổng hợp, không "
                                       "phải văn bản ban hành. Mỗi phần của đề cương ghi nguyên văn "
                                       "nội dung các đơn vị viết, theo cấp và loại đơn vị.)"},
             {"style": "body", "text": (
                 f"Tổng hợp từ báo cáo của {vnrules.figure(sent)}/{vnrules.figure(len(data.units))} "
                 "đơn vị đã gửi về." if sent else
                 f"Chưa có đơn vị nào trong số {vnrules.figure(len(data.units))} đơn vị gửi báo cáo về.")}]
    body = intro + outline_blocks(data.outline, outline_prose, profile, after=after)
    context = document_head(header, TITLE, summary, profile, body)
    props = DocProperties(title=f"{TITLE} {summary}", subject="Tổng hợp ý kiến của các đơn vị",
                          creator=c.issuer.name, created=data.plan.date, keywords=c.id)
    return context, props


@dataclass
class DigestPart:
    key: str
    heading: str            # as the outline prints it: «a) Nhận thức, …»
    depth: int
    words: PartWords


def digest_parts(data: CampaignData, outline_prose: Prose) -> list[DigestPart]:
    """Every part of the outline in order, with what the units wrote there (for a page that
    shows the digest part by part)."""
    from ..renderer import LOOSE

    digest = Digest(data)
    found: dict[str, PartWords] = {}

    def after(key: str, node, loc: tuple) -> list[dict]:
        found[key] = digest.part(key, node)
        return []

    blocks = outline_blocks(data.outline, outline_prose, data.profile, after=after)
    return [DigestPart(b["part"], b["text"].replace(LOOSE, ""), int(b["style"][-1]), found[b["part"]])
            for b in blocks if "part" in b]

"""The outline (đề cương): its blocks for the outline document and for each unit's skeleton,
and the outline document's context."""

from __future__ import annotations

from ..renderer import LOOSE, DocProperties
from ...model.schema import Outline, OutlineNode
from ...config.campaign import CampaignData
from ...config.layout import applies
from ...config.structure import GUIDANCE_LABEL, MARK_CLOSE, MARK_OPEN, OPENING, part_key
from ...formats import vnrules
from .common import Prose, heading_style, plan_symbol



def outline_blocks(outline: Outline, prose: Prose, profile, *, unit=None,
                   guidance_style: str = "note", after=None, to_fill: bool = False,
                   marked: bool = False) -> list[dict]:
    """The outline as blocks in reading order: the unnumbered opening, then the parts that
    apply to ``unit`` (all of them when ``None``), numbered in order as they stand for it.
    ``after(key, node, loc)``, when given, returns blocks to put under each part's heading
    (the consolidated report's figures and text) instead of its guidance. ``to_fill`` (a
    unit's skeleton): the guidance is labelled as guidance to replace, and under every part
    that expects text there is an empty paragraph to write in, and each heading carries the
    mark of its part (see ``structure.part_mark``); ``marked`` gives the headings their marks
    alone (the consolidated report, read back part by part when a person writes it in Word).

    Every heading block names its part by the outline's own key (``"part"``), the same for
    every unit: a unit's skeleton numbers only the parts it has, the key numbers them all."""
    formats = outline.numbering or profile.numbering.headings
    blocks: list[dict] = []
    label = GUIDANCE_LABEL if to_fill else ""

    def guidance(node: OutlineNode, loc: tuple, key: str, leaf: bool = True) -> None:
        if after is not None:
            blocks.extend(after(key, node, loc))
            return
        for k, text in enumerate(node.guidance):
            blocks.append({"style": guidance_style, "text": label + prose(text, loc + ("guidance", k))})
        if to_fill and leaf:
            blocks.append({"style": "body", "text": ""})

    def mark(key: str) -> str:
        return f"{MARK_OPEN}{key}{MARK_CLOSE}" if to_fill or marked else ""

    if outline.opening and applies(outline.opening.applies_to, unit):
        blocks.append({"style": "heading1", "part": OPENING, "text": mark(OPENING)
                       + vnrules.upper(prose(outline.opening.title, ("opening", "title")))})
        guidance(outline.opening, ("opening",), OPENING)

    def walk(nodes: list[OutlineNode], loc: tuple, path: tuple[int, ...], canon: tuple[int, ...],
             parent: str) -> None:
        shown = [(i, n) for i, n in enumerate(nodes) if applies(n.applies_to, unit)]
        for number, (i, node) in enumerate(shown, 1):
            here = path + (number,)
            nloc = loc + (i,)
            title = prose(node.title, nloc + ("title",))
            if len(here) == 1:
                title = vnrules.upper(title)
            number_label = vnrules.heading_label(here, profile, formats)
            key = part_key(vnrules.heading_label(canon + (i + 1,), profile, formats), parent)
            blocks.append({"style": heading_style(len(here)), "part": key,
                           "text": f"{mark(key)}{number_label} {title}"})
            guidance(node, nloc, key, leaf=not any(applies(n.applies_to, unit) for n in node.items))
            walk(node.items, nloc + ("items",), here, canon + (i + 1,), key)

    walk(outline.parts, ("parts",), (), (), "")
    _loosen_runs_of_headings(blocks)
    return blocks


def _level(block: dict) -> int | None:
    style = block["style"]
    return int(style[-1]) if style.startswith("heading") else None


def _loosen_runs_of_headings(blocks: list[dict]) -> None:
    """A heading keeps with the line under it — unless nothing is under it but the next
    heading of its own level or higher: then it stands like a line of a list, so that a run
    of such headings is never carried to the next page all together."""
    for here, after in zip(blocks, blocks[1:] + [None]):
        level = _level(here)
        if level is None:
            continue
        nxt = _level(after) if after is not None else 1
        if nxt is not None and nxt <= level:
            here["text"] = LOOSE + here["text"]


def report_title(data: CampaignData, prose: Prose) -> str:
    """``sơ kết 05 năm thực hiện …`` — the summary line of every unit's report."""
    return prose(data.outline.report_summary, ("report_summary",))


def plan_reference(data: CampaignData) -> str:
    """``(Kèm theo Kế hoạch số 150-KH/ĐUK, ngày 23/02/2021 của Ban Thường vụ Đảng ủy Khối)``."""
    plan = data.plan
    return vnrules.attached_to(plan.doc_name, plan_symbol(data), vnrules.short_date(plan.date),
                               plan.issued_by, data.profile)


def outline_context(data: CampaignData, prose: Prose) -> tuple[dict, DocProperties]:
    outline, profile = data.outline, data.profile
    summary = report_title(data, prose)
    body = outline_blocks(outline, prose, profile)
    if outline.closing_notes:
        body.append({"style": "heading1", "text": vnrules.upper(outline.closing_title)})
        body += [{"style": "body", "text": "- " + prose(t, ("closing_notes", i))}
                 for i, t in enumerate(outline.closing_notes)]
    context = {
        "doc_type": "ĐỀ CƯƠNG",
        "title": vnrules.wrap(vnrules.upper("Báo cáo " + summary), profile, "doc_title"),
        "reference": vnrules.wrap(plan_reference(data), profile, "attachment_ref"),
        "summary_rule": profile.texts.summary_rule or "",
        "for_whom": outline.for_whom,
        "body": body,
    }
    props = DocProperties(title=f"Đề cương báo cáo {summary}", subject=summary,
                          creator=data.campaign.issuer.name, created=data.plan.date)
    return context, props

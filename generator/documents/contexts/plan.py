"""Context of the plan (kế hoạch): header, title, the numbered body, signature, recipients."""

from __future__ import annotations

from ..renderer import DocProperties
from ...model.schema import Node
from ...config.campaign import CampaignData
from ...formats import vnrules
from .common import Prose, heading_style, signature


def body_blocks(nodes: list[Node], prose: Prose, profile, loc: tuple,
                path: tuple[int, ...] = (), outline_texts: list[str] = ()) -> list[dict]:
    """The numbered tree as a flat list of blocks ``{"style", "text"}`` in reading order.

    A node with a title is a heading of its depth (the top level in capitals); a node with
    only text is a numbered paragraph; ``lines`` are ``-`` lines, their ``sub`` ``+`` lines.
    A node marked ``outline`` gets one numbered paragraph per part of the outline
    (``outline_texts``, its ``plan_text`` sentences).
    """
    blocks = []
    for i, node in enumerate(nodes):
        here = path + (i + 1,)
        nloc = loc + (i,)
        label = vnrules.heading_label(here, profile)
        if node.title:
            title = prose(node.title, nloc + ("title",))
            if len(here) == 1:
                title = vnrules.upper(title)
            blocks.append({"style": heading_style(len(here)), "text": f"{label} {title}"})
            if node.text:
                blocks.append({"style": "body", "text": prose(node.text, nloc + ("text",))})
        else:
            blocks.append({"style": "body", "text": f"{label} {prose(node.text, nloc + ('text',))}"})
        for j, line in enumerate(node.lines):
            lloc = nloc + ("lines", j)
            blocks.append({"style": "body", "text": "- " + prose(line.text, lloc + ("text",))})
            for k, sub in enumerate(line.sub):
                blocks.append({"style": "body", "text": "+ " + prose(sub, lloc + ("sub", k))})
        blocks += body_blocks(node.items, prose, profile, nloc + ("items",), here, outline_texts)
        if node.outline:
            start = len(node.items)
            blocks += [{"style": "body",
                        "text": f"{vnrules.heading_label(here + (start + k,), profile)} {text}"}
                       for k, text in enumerate(outline_texts, 1)]
        if node.note:
            blocks.append({"style": "note", "text": prose(node.note, nloc + ("note",))})
    return blocks


def outline_plan_texts(data: CampaignData, outline_prose: Prose | None) -> list[str]:
    """The plan's sentences for the outline's parts (``plan_text``), in order."""
    if data.outline is None or outline_prose is None:
        return []
    return [outline_prose(part.plan_text, ("parts", i, "plan_text"))
            for i, part in enumerate(data.outline.parts) if part.plan_text]


def plan_context(data: CampaignData, prose: Prose,
                 outline_prose: Prose | None = None) -> tuple[dict, DocProperties]:
    c, plan, profile = data.campaign, data.plan, data.profile
    issuer = c.issuer
    summary = prose(plan.summary, ("summary",))
    if profile.texts.summary_capitalize:
        summary = vnrules.capitalize_first(summary)
    header = vnrules.header(
        superior=issuer.superior,
        issuer_lines=issuer.header_lines or [issuer.name],
        number=vnrules.number_line(plan.number, plan.type, issuer.symbol, profile),
        place_date=vnrules.full_date(plan.date, issuer.place),
        profile=profile)
    body = [{"style": "body", "text": prose(t, ("intro", i))} for i, t in enumerate(plan.intro)]
    body += body_blocks(plan.sections, prose, profile, ("sections",),
                        outline_texts=outline_plan_texts(data, outline_prose))
    context = {
        "header": header,
        "doc_type": vnrules.upper(plan.doc_name),
        "summary": vnrules.wrap(summary, data.profile, "summary"),
        "summary_rule": profile.texts.summary_rule or "",
        "body": body,
        "recipients_label": profile.texts.recipients_label,
        "recipients": vnrules.recipients(plan.recipients, profile),
        "signature": signature(data, plan.signer),
    }
    props = DocProperties(title=f"{plan.doc_name} {summary}", subject=summary,
                          creator=issuer.name, created=plan.date,
                          keywords=vnrules.symbol(plan.number, plan.type, issuer.symbol, profile))
    return context, props

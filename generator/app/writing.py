"""The consolidated report's parts as a writer sees them in a page: for every part of the
outline, its heading, the sentences vanban prints there from the figures received, the words
written for it (``narrative`` of ``bao-cao-tong-hop.yaml``), its guidance, and how many units
wrote about it (their words are in the digest, ``contexts.digest``).

The words are saved by ``editing.save_narrative``; words written in Word in the report
itself are read back into the same place at build time (``harvest.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..config.campaign import CampaignData
from ..documents.contexts.common import outline_prose
from ..documents.contexts.digest import Digest, PartWords
from ..documents.contexts.outline import outline_blocks
from ..base.exceptions import Problem
from ..documents.renderer import LOOSE


@dataclass
class ReportPart:
    key: str
    heading: str              # as the report prints it: «1. Công tác quán triệt …»
    depth: int
    figures: list[str]        # the sentences vanban writes from the figures
    written: list[str]        # the words written for it (the report's data)
    guidance: list[str]
    units: PartWords          # what the units that reported wrote there
    leaf: bool = True
    problems: list[Problem] = field(default_factory=list)


def report_parts(data: CampaignData) -> list[ReportPart]:
    """Every part of the outline, in the report's order, with what it holds now."""
    if not data.outline:
        return []
    problems: list[Problem] = []
    prose = outline_prose(data, problems)
    try:
        from ..documents.contexts.consolidated import Totals

        values = Totals(data).functions()
    except Exception:   # the returns cannot be added up now: the sentences left out
        values = None
    narrative = (data.consolidated.narrative if data.consolidated else {}) or {}
    digest = Digest(data)
    found: dict[str, tuple] = {}

    def after(key: str, node, loc: tuple) -> list[dict]:
        figures = []
        if values is not None:
            for k, text in enumerate(node.consolidated):
                figures.append(prose(text, loc + ("consolidated", k), values))
        guidance = [prose(g, loc + ("guidance", k)) for k, g in enumerate(node.guidance)]
        found[key] = (figures, guidance, digest.part(key, node), not node.items)
        return []

    blocks = outline_blocks(data.outline, prose, data.profile, after=after)
    out = []
    for b in blocks:
        if "part" not in b:
            continue
        key = b["part"]
        figures, guidance, words, leaf = found[key]
        out.append(ReportPart(key, b["text"].replace(LOOSE, ""), int(b["style"][-1]), figures,
                              [str(t) for t in narrative.get(key, [])], guidance, words, leaf))
    return out

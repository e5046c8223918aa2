"""A unit's report skeleton: its header, the outline parts that apply to it with guidance to
replace, its deadlines, its signature block and recipients, its appendix tables — and the
marks (document properties, cell bookmarks and content controls) that let a returned copy be
read back with certainty."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from ...config.layout import applies
from .. import frames
from ..renderer import DocProperties
from ...config import shapes
from ..tables import Deferred, Item, appendices
from ...config.campaign import CampaignData
from ...formats import vnrules
from .common import SIGNER_PLACEHOLDER, Prose, unit_values
from .outline import outline_blocks, report_title

REPORT_NAME = "Báo cáo"


@dataclass
class Filled:
    """A unit's skeleton filled by the unit's own campaign for its branches (its report to
    the campaign above): the figures summed over the branches, the parts it wrote, the table
    of its branches; and the campaign that built it, marked in the document."""

    values: dict                                    # table → row → column → text
    narrative: dict[str, list[str]]                 # part key → paragraphs
    extra: list[Item] = field(default_factory=list)
    built_by: str = ""
    approved: tuple[int, int, int] | None = None    # its branches: approved, received, listed
    wrote: dict[str, int] = field(default_factory=dict)   # part key → branches that wrote there
    signer_name: str = ""                           # the name in the unit's own report, if given


class UnitContexts:
    """Builds every unit's context; what units share (the summary, the outline blocks of each
    kind and level, the form version) is built once."""

    def __init__(self, data: CampaignData, outline_prose: Prose):
        self.data = data
        self.prose = outline_prose
        self.summary = report_title(data, outline_prose)
        self.version = data.form_version
        self.period = vnrules.figures_period(data.campaign.period.start, data.campaign.period.end)
        self._blocks: dict[tuple[str, str], list[dict]] = {}

    def blocks(self, unit) -> list[dict]:
        key = (unit.kind, unit.level)
        if key not in self._blocks:
            self._blocks[key] = outline_blocks(self.data.outline, self.prose, self.data.profile,
                                               unit=unit, guidance_style="guidance", to_fill=True)
        return self._blocks[key]

    def filled_blocks(self, unit, filled: Filled) -> tuple[list[dict], list[str]]:
        """The skeleton's blocks with the unit's own text under the parts it wrote; under
        each other part the draft mark of the consolidated report (never the guidance to the
        branches); and the keys of the parts not written."""
        from .consolidated import draft_part

        unwritten: list[str] = []

        def after(key: str, node, loc: tuple) -> list[dict]:
            if filled.narrative.get(key):
                return [{"style": "body", "text": text} for text in filled.narrative[key]]
            if any(applies(n.applies_to, unit) for n in node.items):
                return []
            unwritten.append(key)
            hint = " ".join(self.prose(g, loc + ("guidance", k)) for k, g in enumerate(node.guidance))
            return [draft_part(key, filled.wrote.get(key, 0), hint, "chi bộ")]

        blocks = outline_blocks(self.data.outline, self.prose, self.data.profile, unit=unit,
                                guidance_style="guidance", to_fill=True, after=after)
        return blocks, unwritten

    def workbook(self, unit) -> bytes:
        """The unit's appendix tables as an Excel workbook, with the same marks."""
        from ..xlsx import workbook

        member = self.data.member(unit.id)
        return workbook(self.data.appendix.tables, unit, self._reference(member),
                        self._props(member), self.data.profile, self.period)

    def _reference(self, member) -> str:
        """``(Kèm theo Báo cáo số    -BC/ĐU, ngày    tháng    năm 2021 của Đảng ủy Sở Tài chính)``"""
        profile, unit, level = self.data.profile, member.unit, member.level
        blank_symbol = vnrules.symbol(None, level.report_type, unit.symbol or level.report_symbol or "",
                                      profile)
        return vnrules.attached_to(REPORT_NAME, blank_symbol, vnrules.blank_day(level.report_deadline.year),
                                   member.committee, profile)

    def _summary(self) -> str:
        if self.data.profile.texts.summary_capitalize:
            return vnrules.capitalize_first(self.summary)
        return self.summary

    def _props(self, member) -> DocProperties:
        """The skeleton's properties, with the marks a returned copy is recognised by."""
        c, unit = self.data.campaign, member.unit
        return DocProperties(
            title=f"{REPORT_NAME} {self._summary()}", subject=unit.name, creator=member.committee,
            created=self.data.plan.date, keywords=c.id,
            custom={"vanban_campaign": c.id, "vanban_unit": unit.id,
                    "vanban_form_version": self.version, "vanban_unit_name": unit.name})

    def _framed(self, unit, context: dict, reference: str) -> frames.Framed | None:
        """The skeleton as a frame's slots (``generator.documents.frames``): the committee's
        name in the header, the deadline note that names the unit, the «(Kèm theo …)» line of
        each appendix — everything else is the same for every unit of its shape."""
        data, profile = self.data, self.data.profile
        header, note = context["header"], context["deadline_note"]
        slots = ("body", "appendices", "deadline_note", "header")
        try:
            key = ("don-vi", frames.freeze({k: v for k, v in context.items() if k not in slots}),
                   frames.freeze(dataclasses.replace(header, issuer="")), bool(note),
                   id(context["body"]), id(data.appendix.tables),
                   shapes.shape(data.appendix.tables, unit), self.period)
        except TypeError:   # a value that cannot be a key: the skeleton is drawn the whole way
            return None

        def value(name: str) -> tuple[str, str]:
            if name == "issuer":
                return header.issuer, frames.PRINTED
            if name == "note":
                return note, frames.PRINTED
            width = float(name.removeprefix("ref@"))
            return vnrules.wrap(reference, profile, "attachment_ref", width), frames.IN_MARKUP

        def marked() -> dict:
            return {**context,
                    "header": dataclasses.replace(header, issuer=frames.mark("issuer")),
                    "deadline_note": frames.mark("note") if note else note,
                    "appendices": Deferred(lambda: appendices(
                        data.appendix.tables, unit, lambda width: frames.mark(f"ref@{width!r}"),
                        profile, marked=True, period_line=self.period))}

        return frames.Framed(key, (context["body"], data.appendix.tables), value, marked,
                             printed=frozenset({("header", "issuer"), ("deadline_note",),
                                                ("appendices",)}),
                             tested=frozenset({("deadline_note",)}))

    def context(self, unit, filled: Filled | None = None) -> tuple[dict, DocProperties]:
        data, profile, c = self.data, self.data.profile, self.data.campaign
        member = data.member(unit.id)
        level, name = member.level, member.committee
        issuer_symbol = unit.symbol or level.report_symbol or ""
        header = vnrules.header(
            superior=unit.header_superior(level, c.units_superior), issuer_lines=unit.own_header_lines or [name],
            number=vnrules.number_line(None, level.report_type, issuer_symbol, profile),
            place_date=vnrules.blank_date(level.report_deadline.year, c.issuer.place),
            profile=profile)
        reference = self._reference(member)
        signature = vnrules.signature(
            authority=level.authority,
            title=level.signer_title,
            name=(filled.signer_name.strip() if filled else "") or SIGNER_PLACEHOLDER,
            signed=False, profile=profile)
        context = {
            "header": header,
            "doc_type": vnrules.upper(REPORT_NAME),
            "summary": vnrules.wrap(self._summary(), profile, "summary"),
            "summary_rule": profile.texts.summary_rule or "",
            "deadline_note": self.prose(data.outline.deadline_note, ("deadline_note",),
                                        unit_values(data, unit, name)),
            "body": self.blocks(unit),
            "recipients_label": profile.texts.recipients_label,
            "recipients": vnrules.recipients(level.recipients, profile),
            "signature": signature,
            "appendices": Deferred(lambda: appendices(
                data.appendix.tables, unit, reference, profile, marked=True, period_line=self.period,
                values=filled.values if filled else None, extra=filled.extra if filled else None)),
        }
        props = self._props(member)
        framed = self._framed(unit, context, reference) if filled is None else None
        if framed is not None:
            context[frames.FRAMED] = framed
        if filled is not None:   # a report to sign: no note to delete, a draft mark while unwritten
            from .consolidated import unwritten_mark

            context["body"], unwritten = self.filled_blocks(unit, filled)
            context["deadline_note"] = ""
            if unwritten:
                context["body"] = [{"style": "deadline_note", "text": unwritten_mark(unwritten)}] \
                    + context["body"]
            props.custom["vanban_rollup"] = filled.built_by
            if filled.approved is not None:
                a, r, n = filled.approved
                props.custom["vanban_branches_approved"] = f"{a}/{r}/{n}"
                # bookkeeping for the draft only, right under its DỰ THẢO line (never read by
                # the campaign above as words of a part); the report to sign, every part
                # written, does not carry it: the count stays in its properties
                if unwritten:
                    approved = (f"trong đó {a} báo cáo đã được duyệt" if a
                                else "chưa báo cáo nào được duyệt")    # never «trong đó 0»
                    context["body"] = context["body"][:1] + [{"style": "note", "text": (
                        f"Báo cáo lập từ báo cáo của {r}/{n} chi bộ trực thuộc, {approved}.")}] \
                        + context["body"][1:]
        return context, props

"""What several document kinds share: the values prose may refer to, and the prose itself."""

from __future__ import annotations

from ..environment import DateValue, DocValue, Namespace, ProseError, ProseRenderer
from ...base.exceptions import Problem
from ...model.loader import SourceFile
from ...config.campaign import CampaignData
from ...formats import vnrules


def prose_values(data: CampaignData) -> dict:
    """The values prose in the data may refer to with ``{{ … }}`` (documented in
    ``docs/du-lieu.md``)."""
    c, plan, profile = data.campaign, data.plan, data.profile
    docs = {d.id: DocValue(name=d.name, symbol=d.symbol, d=d.date, issuer=d.issuer,
                           subject=d.subject, profile=profile) for d in c.reviewed}
    levels = {lv.id: Namespace({"name": lv.name, "review_deadline": DateValue(lv.review_deadline),
                                "report_deadline": DateValue(lv.report_deadline)})
              for lv in c.levels}
    symbol = plan_symbol(data)
    return {
        "docs": Namespace(docs),
        "levels": Namespace(levels),
        "campaign": Namespace({"final_deadline": DateValue(c.final_deadline),
                               "period_start": DateValue(c.period.start),
                               "period_end": DateValue(c.period.end),
                               "report_to": c.report_to or c.issuer.short_name}),
        "issuer": Namespace({"name": c.issuer.name, "short_name": c.issuer.short_name,
                             "place": c.issuer.place}),
        "plan": Namespace({"symbol": symbol, "date": DateValue(plan.date),
                           "reference": vnrules.reference(plan.doc_name, symbol, plan.date,
                                                          profile)}),
    }


def outline_prose(data: CampaignData, problems: list[Problem] | None = None) -> Prose:
    """The prose of de-cuong.yaml rendered against the campaign's values, for a caller that
    needs the outline drawn as its documents draw it (reading returns, the digest, the report
    sent up); its problems go to ``problems`` (a build reports them; others need not)."""
    return Prose(ProseRenderer(prose_values(data)), data.sources["de-cuong.yaml"],
                 [] if problems is None else problems)


def plan_symbol(data: CampaignData) -> str:
    """``150-KH/ĐUK``."""
    plan = data.plan
    return vnrules.symbol(plan.number, plan.type, data.campaign.issuer.symbol, data.profile)


def unit_values(data: CampaignData, unit, committee: str) -> dict:
    """What the prose about one unit may refer to: ``{{ unit.committee }}``,
    ``{{ unit.level.report_deadline }}`` …"""
    level = data.member(unit.id).level
    return {"unit": Namespace({
        "name": unit.name, "committee": committee, "id": unit.id,
        "level": Namespace({"name": level.name, "review_deadline": DateValue(level.review_deadline),
                            "report_deadline": DateValue(level.report_deadline)}),
    })}


class Prose:
    """Renders the prose of one data file, collecting problems with their line."""

    def __init__(self, renderer: ProseRenderer, source: SourceFile, problems: list[Problem]):
        self.renderer = renderer
        self.source = source
        self.problems = problems

    def __call__(self, text: str, loc: tuple, extra: dict | None = None) -> str:
        try:
            return self.renderer.render(text, extra)
        except ProseError as exc:
            self.problems.append(self.source.problem(loc, str(exc)))
            return text


def document_head(header, doc_type: str, summary: str, profile, body: list[dict]) -> dict:
    """What every issued document's context starts with: its header block, its type and
    summary lines (the summary broken into lines by measure), the rule under them, its body."""
    return {"header": header, "doc_type": vnrules.upper(doc_type),
            "summary": vnrules.wrap(summary, profile, "summary"),
            "summary_rule": profile.texts.summary_rule or "", "body": body}


HEADING_STYLES = ("heading1", "heading2", "heading3", "heading4")


def heading_style(depth: int) -> str:
    """The style of a numbered heading at ``depth`` (1 = I.); deeper levels share the last."""
    return HEADING_STYLES[min(depth, len(HEADING_STYLES)) - 1]


SIGNER_PLACEHOLDER = "(Họ và tên)"   # where the signer's name is written by hand


def signature(data: CampaignData, signer) -> vnrules.Signature:
    """The signature block of ``signer``; a name not given yet is a place to write it, never
    an empty space under the title (``vanban check`` says so)."""
    return vnrules.signature(
        authority=signer.authority, title=signer.title, name=signer.name.strip() or SIGNER_PLACEHOLDER,
        signed=signer.signed, profile=data.profile)

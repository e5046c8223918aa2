"""The letter (công văn) that sends a unit's return back: what was found, what to send again.

Written in the campaign's own format (the profile: HD 36, HD 05 or NĐ 30): the header with the
letter's number line (``Số    -CV/ĐUK`` for the Party, ``Số:    /UBND-…`` for the state, the
number left blank to be written by hand) and its subject under it, «Kính gửi» the unit's
committee, the reason it was sent back, each open finding of its return with its table, row,
column and what was typed, the date to answer by, the signature of the consolidated report's
signer.
"""

from __future__ import annotations

from datetime import date, timedelta

from ...base import measure
from ...formats import profiles, vnrules
from ...config.campaign import CampaignData
from ..renderer import DocProperties
from ...review import queue
from ...review.states import State
from .common import SIGNER_PLACEHOLDER
from .consolidated import default_report
from .outline import report_title

OUTPUT_DIR = "tra-lai"
OWN_PROFILE = "_profile"   # a context's own format, taken out before it is drawn (main._documents)
ANSWER_WITHIN = timedelta(days=7)
SUBJECT = "V/v trả lại báo cáo để bổ sung, đính chính"


def letter_profile(data: CampaignData, on: date):
    """The format of a letter dated ``on``: the profile of the campaign's kind in force on
    that day (a letter written after 27/5/2026 in a campaign planned under HD 36 follows HD 05),
    with the campaign's own overrides; the campaign's profile when it is the same."""
    wanted = profiles.in_force(data.profile.kind, on)
    if wanted == data.profile.id:
        return data.profile
    try:
        return profiles.build_profile(wanted, data.campaign.format_overrides)
    except (KeyError, ValueError):   # overrides that only fit the campaign's profile
        return profiles.build_profile(wanted)


def letter_context(data: CampaignData, unit_id: str, state: State, items: list[queue.Item],
                   outline_prose) -> tuple[dict, DocProperties]:
    issuer = data.campaign.issuer
    member = data.members[unit_id]
    record = data.returns[unit_id]
    report = data.consolidated or default_report(data)
    sent_back = date.fromisoformat(state.at[:10]) if state.at else record.received
    profile = letter_profile(data, sent_back)
    number = vnrules.number_line(None, vnrules.letter_type(profile), issuer.symbol, profile)
    header = vnrules.header(superior=issuer.superior, issuer_lines=issuer.header_lines or [issuer.name],
                            number=number, place_date=vnrules.full_date(sent_back, issuer.place),
                            profile=profile)
    title = report_title(data, outline_prose)
    body = [{"style": "body", "text": f"Kính gửi: {member.committee}."},
            {"style": "body", "text": f"Ngày {vnrules.short_date(record.received)}, {issuer.name} nhận được "
                                      f"báo cáo {title} của {member.committee}. "
                                      f"Qua xem xét, báo cáo được trả lại để bổ sung, đính chính. "
                                      f"Lý do: {state.reason.rstrip('.')}."}]
    mine = [i for i in items if i.finding.unit == unit_id and i.open]
    if mine:
        body.append({"style": "body", "text": "Những chỗ cần xem lại:"})
        for i in mine:
            place = queue.where(i, data.appendix)
            said = i.finding.message.rstrip(".")
            line = f"{place}: {vnrules.after_colon(said)}" if place else said
            body.append({"style": "body", "text": f"- {vnrules.capitalize_first(line)}."})
    due = sent_back + ANSWER_WITHIN
    body.append({"style": "body", "text": f"Đề nghị {member.committee} kiểm tra, gửi lại báo cáo đã sửa (hoặc "
                                          f"văn bản giải trình) về {issuer.name} trước ngày "
                                          f"{vnrules.short_date(due)}./."})
    context = {
        "header": header,
        # the subject stands in the header's left column, under the number
        "subject": vnrules.wrap(SUBJECT, profile, "attachment_ref",
                                profile.page.header_left_cm - measure.CELL_MARGINS_CM),
        "body": body,
        "recipients_label": profile.texts.recipients_label,
        "recipients": vnrules.recipients(["Như trên", f"Lưu {issuer.short_name or issuer.name}"], profile),
        "signature": vnrules.signature(
            authority=report.signer.authority, title=report.signer.title,
            name=report.signer.name.strip() or SIGNER_PLACEHOLDER, signed=report.signer.signed,
            profile=profile),
        OWN_PROFILE: profile if profile is not data.profile else None,
    }
    props = DocProperties(title=f"Trả lại báo cáo: {member.name}", subject="Công văn trả lại báo cáo",
                          creator=issuer.name, created=sent_back, keywords=data.campaign.id)
    return context, props

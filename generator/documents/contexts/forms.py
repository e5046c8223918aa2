"""The blank appendix forms (phụ lục) sent with the plan."""

from __future__ import annotations

from ..renderer import DocProperties
from ..tables import appendices
from ...config.campaign import CampaignData
from .outline import plan_reference


def forms_context(data: CampaignData) -> tuple[dict, DocProperties]:
    context = {"appendices": appendices(data.appendix.tables, None, plan_reference(data),
                                        data.profile, marked=False, unit_line=True,
                                        new_page_first=False)}
    props = DocProperties(title="Phụ lục kèm theo kế hoạch", subject="Phụ lục",
                          creator=data.campaign.issuer.name, created=data.plan.date)
    return context, props

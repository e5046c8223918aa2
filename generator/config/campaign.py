"""A loaded campaign: the validated models, and the facts every step derives from them.

The loader (``validate.load_campaign``) makes a :class:`CampaignData`; the builders, the
reader of returned files, ``status`` and the consolidated report all ask it, so each fact is
decided once: a unit's level, the name its committee signs with, the forms it fills (their
layout), and whether a return came in late.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from ..formats import profiles, vnrules
from .layout import FormLayout, layouts
from ..model.schema import Appendix, Campaign, Consolidated, Level, Outline, Plan, Unit


def is_late(received: date, deadline: date) -> bool:
    """A return is late when it is received after the level's report deadline (the deadline
    day itself is on time)."""
    return received > deadline


def committee(unit: Unit, level: Level) -> str:
    """The name the unit's committee signs with (``Đảng ủy Sở Tài chính``)."""
    return unit.committee_name or vnrules.committee_name(unit.name, level.unit_prefix,
                                                         level.committee_prefix)


@dataclass(frozen=True)
class Member:
    """A unit of the campaign with what follows from its row: its level, its committee's
    name, and the forms it fills."""

    unit: Unit
    level: Level
    committee: str
    forms: tuple[FormLayout, ...]

    @property
    def id(self) -> str:
        return self.unit.id

    @property
    def name(self) -> str:
        return self.unit.name

    @property
    def deadline(self) -> date:
        return self.level.report_deadline


@dataclass
class CampaignData:
    """A validated campaign: the models, the profile and where each value came from."""

    folder: Path
    campaign: Campaign
    plan: Plan
    profile: profiles.Profile
    sources: dict
    outline: Outline | None = None
    appendix: Appendix | None = None
    units: list[Unit] = field(default_factory=list)
    problems: list = field(default_factory=list)  # found so far, errors included
    returns: dict = field(default_factory=dict)  # unit id → store.Record (figures sent back)
    consolidated: Consolidated | None = None

    @cached_property
    def levels(self) -> dict[str, Level]:
        return {lv.id: lv for lv in self.campaign.levels}

    def level(self, level_id: str) -> Level:
        return self.levels[level_id]

    @cached_property
    def members(self) -> dict[str, Member]:
        """Every unit by id, resolved once."""
        tables = self.appendix.tables if self.appendix else []
        out, forms = {}, {}
        for unit in self.units:
            level = self.levels[unit.level]
            key = (unit.kind, unit.level)  # all that decides which forms and rows a unit fills
            if key not in forms:
                forms[key] = tuple(layouts(tables, unit))
            out[unit.id] = Member(unit, level, committee(unit, level), forms[key])
        return out

    @cached_property
    def form_version(self) -> str | None:
        """A short fingerprint of the appendix definition: a returned copy made from other
        forms is told apart."""
        if not self.appendix:
            return None
        tables = [t.model_dump(mode="json") for t in self.appendix.tables]
        canonical = json.dumps(tables, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]

    def member(self, unit_id: str) -> Member:
        return self.members[unit_id]

    def late(self, unit_id: str) -> bool:
        """Whether the unit's collected return came in after its deadline."""
        record = self.returns.get(unit_id)
        return record is not None and is_late(record.received, self.members[unit_id].deadline)

"""Input and output shapes of skills and employees."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Self

from pydantic import Field, model_validator

from plantops.resources.fields import Code, Id, Money, Name, Record, Schema


class SkillIn(Schema):
    site_id: Id
    code: Code
    name: Name


class EmployeeSkillIn(Schema):
    skill_id: Id
    level: int = Field(ge=1, le=4, description="1 learning, 2 supervised, 3 independent, 4 trainer")
    certified_until: date | None = None


class EmployeeIn(Schema):
    site_id: Id
    code: Code
    name: Name
    shift_calendar_id: Id
    hourly_cost: Money = Field(default=Decimal(0))
    skills: list[EmployeeSkillIn] = Field(default_factory=list, max_length=200)

    @model_validator(mode="after")
    def _one_entry_per_skill(self) -> Self:
        ids = [s.skill_id for s in self.skills]
        if len(ids) != len(set(ids)):
            raise ValueError("a skill is listed twice")
        return self


class SkillOut(SkillIn, Record):
    pass


class EmployeeOut(EmployeeIn, Record):
    pass

"""Skills and employees as generic records."""

from __future__ import annotations

from plantops.access.roles import Domain
from plantops.resources.spec import ChildSpec, ResourceSpec
from plantops.workforce import models as m
from plantops.workforce import schemas as s

SKILLS = ResourceSpec("skills", "skill", m.Skill, s.SkillIn, s.SkillOut, domain=Domain.workforce)
EMPLOYEES = ResourceSpec(
    "employees",
    "employee",
    m.Employee,
    s.EmployeeIn,
    s.EmployeeOut,
    children=(ChildSpec("skills", m.EmployeeSkill, s.EmployeeSkillIn),),
    filters=("shift_calendar_id",),
    domain=Domain.workforce,
)

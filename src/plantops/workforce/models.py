"""Skills and employees. An employee's shift is a calendar (the same weekly pattern model)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plantops.storage.base import MONEY, Child, Entity, code_column, site_fk


class Skill(Entity):
    __tablename__ = "skill"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    site_id: Mapped[int] = site_fk()
    code: Mapped[str] = code_column()
    name: Mapped[str] = mapped_column(String(200))


class Employee(Entity):
    __tablename__ = "employee"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    site_id: Mapped[int] = site_fk()  # home site
    code: Mapped[str] = code_column()  # personnel number
    name: Mapped[str] = mapped_column(String(200))
    shift_calendar_id: Mapped[int] = mapped_column(ForeignKey("calendar.id"), index=True)
    hourly_cost: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    skills: Mapped[list[EmployeeSkill]] = relationship(
        cascade="all, delete-orphan", order_by="EmployeeSkill.id"
    )


class EmployeeSkill(Child):
    """A skill an employee holds: level 1 (learning) to 4 (can train others)."""

    __tablename__ = "employee_skill"
    __table_args__ = (UniqueConstraint("employee_id", "skill_id"),)

    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skill.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    certified_until: Mapped[date | None] = mapped_column(Date)

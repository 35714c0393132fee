"""Customers and their sales orders: the demand the plan must meet."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plantops.storage.base import QUANTITY, Child, Entity, code_column, site_fk


class Customer(Entity):
    __tablename__ = "customer"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    site_id: Mapped[int] = site_fk()
    code: Mapped[str] = code_column()
    name: Mapped[str] = mapped_column(String(200))


class SalesOrder(Entity):
    __tablename__ = "sales_order"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    site_id: Mapped[int] = site_fk()
    code: Mapped[str] = code_column()
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    lines: Mapped[list[SalesOrderLine]] = relationship(
        cascade="all, delete-orphan", order_by="SalesOrderLine.line_no"
    )


class SalesOrderLine(Child):
    __tablename__ = "sales_order_line"
    __table_args__ = (UniqueConstraint("sales_order_id", "line_no"),)

    sales_order_id: Mapped[int] = mapped_column(ForeignKey("sales_order.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(QUANTITY)
    due_date: Mapped[date] = mapped_column(Date)
    priority: Mapped[int] = mapped_column(Integer, default=3)  # 1 = most urgent

"""Input and output shapes of customers and sales orders."""

from __future__ import annotations

from datetime import date
from typing import Self

from pydantic import Field, model_validator

from plantops.resources.fields import Code, Id, Name, PositiveQuantity, Record, Schema


class CustomerIn(Schema):
    site_id: Id
    code: Code
    name: Name


class SalesOrderLineIn(Schema):
    line_no: int = Field(ge=1, le=100_000)
    item_id: Id
    quantity: PositiveQuantity
    due_date: date
    priority: int = Field(default=3, ge=1, le=9, description="1 most urgent")


class SalesOrderIn(Schema):
    site_id: Id
    code: Code
    customer_id: Id
    lines: list[SalesOrderLineIn] = Field(min_length=1, max_length=1000)

    @model_validator(mode="after")
    def _distinct_lines(self) -> Self:
        numbers = [line.line_no for line in self.lines]
        if len(numbers) != len(set(numbers)):
            raise ValueError("a line_no appears twice")
        return self


class CustomerOut(CustomerIn, Record):
    pass


class SalesOrderOut(SalesOrderIn, Record):
    pass

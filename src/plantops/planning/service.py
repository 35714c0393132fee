"""Customers and sales orders (demand) as generic records."""

from __future__ import annotations

from plantops.access.roles import Domain
from plantops.planning import models as m
from plantops.planning import schemas as s
from plantops.resources.spec import ChildSpec, ResourceSpec

CUSTOMERS = ResourceSpec(
    "customers", "customer", m.Customer, s.CustomerIn, s.CustomerOut, domain=Domain.planning
)
SALES_ORDERS = ResourceSpec(
    "sales_orders",
    "sales order",
    m.SalesOrder,
    s.SalesOrderIn,
    s.SalesOrderOut,
    children=(ChildSpec("lines", m.SalesOrderLine, s.SalesOrderLineIn),),
    filters=("customer_id",),
    domain=Domain.planning,
)

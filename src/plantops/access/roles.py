"""What each role may do, per domain and action: the one table every check reads.

Scope (which sites) is separate: a role says what kind of change a user may make, the user's
grants say where."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    operator = "operator"
    supervisor = "supervisor"
    production_manager = "production_manager"
    regional_manager = "regional_manager"
    director = "director"
    admin = "admin"
    auditor = "auditor"  # reads everything in scope, changes nothing


class Action(StrEnum):
    read = "read"
    create = "create"
    update = "update"
    delete = "delete"


class Domain(StrEnum):
    org = "org"  # regions and sites
    masterdata = "masterdata"  # areas, calendars, work centers, items, BOMs, routings, reasons
    workforce = "workforce"  # skills, employees
    planning = "planning"  # customers, sales orders, plan runs, their orders, scenarios
    # the floor: create = record shop-floor events; update = hold, close, cancel orders
    execution = "execution"
    # stock: create = post stock moves; update = the site's inventory policy
    inventory = "inventory"
    plant_file = "plant_file"  # read: export; create: import
    users = "users"
    audit = "audit"  # the whole trail and its export (a record's history needs only read)


READ = frozenset({Action.read})
ALL = frozenset(Action)
IMPORT_EXPORT = frozenset({Action.read, Action.create})
_PLANT = {
    Domain.org: READ,
    Domain.masterdata: ALL,
    Domain.workforce: ALL,
    Domain.planning: ALL,
    Domain.execution: ALL,
    Domain.inventory: ALL,
}
RECORD = frozenset({Action.read, Action.create})

PERMISSIONS: dict[Role, dict[Domain, frozenset[Action]]] = {
    Role.operator: {d: READ for d in (Domain.org, Domain.masterdata, Domain.workforce)}
    | {Domain.planning: READ, Domain.execution: RECORD, Domain.inventory: RECORD},
    Role.supervisor: {
        Domain.org: READ,
        Domain.masterdata: READ,
        Domain.workforce: ALL,  # crews, skills and certifications of their people
        Domain.planning: READ,
        Domain.execution: ALL,  # what their floor reports, and holds on its orders
        Domain.inventory: ALL,
    },
    Role.production_manager: _PLANT | {Domain.plant_file: IMPORT_EXPORT},
    Role.regional_manager: _PLANT | {Domain.plant_file: IMPORT_EXPORT},
    Role.director: _PLANT | {Domain.org: ALL, Domain.plant_file: IMPORT_EXPORT, Domain.audit: READ},
    Role.admin: {d: ALL for d in Domain},
    Role.auditor: {d: READ for d in Domain},
}


def allowed(role: Role, domain: Domain, action: Action) -> bool:
    return action in PERMISSIONS[role].get(domain, frozenset())

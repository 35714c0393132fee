"""The authorization matrix (reference/reliability.md T8-T10): every role x own site / other
site in the region / other region x every endpoint of the OpenAPI document, on both databases.

Records at the other sites are canaries: their codes carry CANB (site B, same region as A) or
CANC (site C, other region), and no answer to a user not granted that site may contain them.
Endpoints are read from the document the server serves: one without a rule here fails the test,
so a new endpoint cannot go unchecked."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy.orm import Session, sessionmaker

from plantops.access.roles import Action, Domain, Role, allowed
from plantops.catalog import BY_NAME, RESOURCES
from tests.accounts import add_user
from tests.api.builder import Plant
from tests.api.floor_matrix import OnTheFloor, approved_order, floor_cases, floor_site, is_floor
from tests.api.http import if_match
from tests.api.planning_matrix import Planned, is_planning, plan_site, planning_cases

Bound = tuple[sessionmaker[Session], str]
PUBLIC = {("get", "/api/v1/health")}
SITES = ("A", "B", "C")  # A and B in region NORTH, C in SOUTH
CANARY = {"A": "OWNA", "B": "CANB", "C": "CANC"}
GRANTS: dict[Role, dict[str, Any]] = {
    Role.regional_manager: {"region": "NORTH"},
    Role.director: {"everywhere": True},
    Role.admin: {"everywhere": True},
}  # every other role: site A
NUMBERS = itertools.count(1)


@dataclass
class Prefixed(Plant):
    """A Plant whose every code starts with the site's canary prefix."""

    prefix: str = "T"
    numbers: Iterator[int] = field(default=NUMBERS)

    def code(self, prefix: str = "T") -> str:
        return f"{self.prefix}-{next(self.numbers)}"


@dataclass
class World:
    admin: httpx.Client
    site: dict[str, dict[str, Any]]  # A, B, C -> site record
    region: dict[str, dict[str, Any]]  # NORTH, SOUTH
    record: dict[tuple[str, str], dict[str, Any]]  # (resource, site letter) -> record
    plants: dict[str, Prefixed]
    planned: dict[str, Planned] = field(default_factory=dict)  # site letter -> plan run etc.
    floor: dict[str, OnTheFloor] = field(default_factory=dict)  # site letter -> its floor
    sessions: sessionmaker[Session] | None = None

    def fresh_order(self, letter: str) -> int:
        """An approved production order at that site, to release."""
        assert self.sessions is not None
        code = f"{CANARY[letter]}-MO-{next(NUMBERS)}"
        return approved_order(self.sessions, self.site[letter]["id"], self.floor[letter].item, code)

    def fresh_scenario(self, letter: str) -> int:
        body = {"site_id": self.site[letter]["id"], "code": f"{CANARY[letter]}-{next(NUMBERS)}"}
        return int(self.admin.post("/scenarios", json=body | {"name": "to delete"}).json()["id"])

    def fresh(self, resource: str, letter: str) -> dict[str, Any]:
        """A new record at that site that nothing uses (for deletes)."""
        if resource == "sites":
            region = self.region["NORTH" if letter in "AB" else "SOUTH"]
            return self.plants[letter].create("sites", region_id=region["id"])
        if resource == "regions":
            return self.plants[letter].create("regions")
        return self.plants[letter].create(resource)


def _build(admin: httpx.Client) -> World:
    north = admin.post("/regions", json={"code": "NORTH", "name": "North"}).json()
    south = admin.post("/regions", json={"code": "CANC-SOUTH", "name": "South"}).json()
    regions = {"NORTH": north, "SOUTH": south}
    sites, plants, records = {}, {}, {}
    for letter in SITES:
        region = north if letter in "AB" else south
        body = {"code": f"{CANARY[letter]}-SITE", "name": f"site {letter}"}
        body |= {"region_id": region["id"], "time_zone": "Europe/Berlin", "currency": "EUR"}
        sites[letter] = admin.post("/sites", json=body).json()
        plants[letter] = Prefixed(admin, site_id=sites[letter]["id"], prefix=CANARY[letter])
        for spec in RESOURCES:
            if spec.site_owned:
                records[spec.name, letter] = plants[letter].create(spec.name, full=True)
        records["sites", letter] = sites[letter]
        records["regions", letter] = region
    return World(admin, sites, regions, records, plants)


def _user(bound: Bound, world: World, role: Role) -> httpx.Client:
    grant = GRANTS.get(role, {})
    token = add_user(
        bound[0],
        f"user-{role.value.replace('_', '-')}",
        role.value,
        site_ids=() if grant else (world.site["A"]["id"],),
        region_ids=(world.region["NORTH"]["id"],) if "region" in grant else (),
        everywhere=grant.get("everywhere", False),
    )
    return httpx.Client(
        base_url=str(world.admin.base_url), timeout=30, headers={"Authorization": f"Bearer {token}"}
    )


def _sees(role: Role, letter: str) -> bool:
    grant = GRANTS.get(role, {})
    return bool(grant.get("everywhere")) or letter == "A" or ("region" in grant and letter == "B")


def _sees_record(role: Role, resource: str, letter: str, fresh: bool = False) -> bool:
    """Regions are seen through the sites granted; a new region or site is granted to no one
    (but a new site of region NORTH belongs to the regional manager's region)."""
    everywhere = bool(GRANTS.get(role, {}).get("everywhere"))
    if resource == "regions":
        return everywhere or (not fresh and letter in "AB")
    if resource == "sites" and fresh:
        return everywhere or (role is Role.regional_manager and letter in "AB")
    return _sees(role, letter)


def _hidden(role: Role) -> list[str]:
    return [CANARY[x] for x in SITES if not _sees(role, x)]


@dataclass
class Case:
    """One request and the statuses it may get."""

    method: str
    path: str
    expected: set[int]
    json: Any = None
    params: dict[str, Any] | None = None
    headers: dict[str, str] | None = None
    current: tuple[str, int] | None = None  # If-Match: that record's version when sent
    given: tuple[str, ...] = ()  # codes the request names itself: echoing them is no leak


def _domain(resource: str) -> Domain:
    return BY_NAME[resource].domain


def _cases(world: World, role: Role, method: str, path: str) -> list[Case]:
    """The requests of one endpoint for one role, over the three sites; a new endpoint that
    matches no rule fails the test."""
    if is_floor(path):
        floors = {x: (world.site[x]["id"], _sees(role, x), world.floor[x]) for x in SITES}
        found_floor = floor_cases(role, method, path, floors, world.fresh_order)
        return [Case(a, url, ok, json=body, params=q) for a, url, ok, body, q in found_floor]
    if is_planning(path):
        sites = {x: (world.site[x]["id"], _sees(role, x), world.planned[x]) for x in SITES}
        found = planning_cases(role, method, path, sites, world.fresh_scenario)
        return [Case(a, url, ok, json=body, current=now) for a, url, ok, body, now in found]
    match = re.fullmatch(r"/api/v1/([a-z_]+)(?:/\{ident\}(/[a-z_]+)?)?", path)
    resource, tail = (match.group(1), match.group(2)) if match else ("", None)
    has_ident = "{ident}" in path
    cases: list[Case] = []
    if resource in BY_NAME:
        domain = _domain(resource)
        for letter in SITES:
            record = world.record[resource, letter]
            url = f"/{resource}/{record['id']}" if has_ident else f"/{resource}"
            may = lambda action: allowed(role, domain, action)  # noqa: E731
            visible = _sees_record(role, resource, letter)
            if method == "get" and not has_ident:
                return [Case("GET", url, {200})]
            if method == "get" and tail in (None, "/history"):
                cases.append(Case("GET", url + (tail or ""), {200} if visible else {404}))
            elif method == "get" and tail == "/availability":
                params = {"start": "2030-01-07T00:00:00Z", "end": "2030-01-08T00:00:00Z"}
                cases.append(Case("GET", url + tail, {200} if visible else {404}, params=params))
            elif method == "patch":
                ok = {200} if may(Action.update) else {403}
                name = "name" if "name" in BY_NAME[resource].create.model_fields else "code"
                body = {name: f"{record.get(name) or 'x'}-{role.value[:3]}"}
                expected = ok if visible else {404}
                current = (resource, record["id"])
                cases.append(Case("PATCH", url, expected, json=body, current=current))
            elif method == "delete":
                fresh = world.fresh(resource, letter)
                visible = _sees_record(role, resource, letter, fresh=True)
                expected = ({204} if may(Action.delete) else {403}) if visible else {404}
                cases.append(
                    Case("DELETE", f"/{resource}/{fresh['id']}", expected, headers=if_match(1))
                )
            elif method == "post" and not has_ident:
                body = world.plants[letter].payload(resource)
                if resource == "sites":
                    body["region_id"] = world.region["NORTH" if letter in "AB" else "SOUTH"]["id"]
                scoped = not GRANTS.get(role, {}).get("everywhere")
                if not may(Action.create) or (resource in ("regions", "sites") and scoped):
                    expected = {403}
                else:
                    expected = {201} if visible else {422}
                cases.append(Case("POST", url, expected, json=body))
            else:
                return []
        return cases
    return _other_cases(world, role, method, path)


def _other_cases(world: World, role: Role, method: str, path: str) -> list[Case]:
    reads_trail = allowed(role, Domain.audit, Action.read)
    rules: dict[tuple[str, str], list[Case]] = {
        ("get", "/api/v1/audit"): [Case("GET", "/audit", {200} if reads_trail else {403})],
        ("get", "/api/v1/audit/export"): [
            Case("GET", "/audit/export", {200} if reads_trail else {403})
        ],
        ("get", "/api/v1/me"): [Case("GET", "/me", {200})],
        ("get", "/api/v1/me/tokens"): [Case("GET", "/me/tokens", {200})],
        ("post", "/api/v1/me/tokens"): [Case("POST", "/me/tokens", {201}, json={"name": "m"})],
        ("delete", "/api/v1/me/tokens/{ident}"): [Case("DELETE", "/me/tokens/1", {404})],
        ("get", "/api/v1/users"): [
            Case("GET", "/users", {200} if allowed(role, Domain.users, Action.read) else {403})
        ],
    }
    exports = allowed(role, Domain.plant_file, Action.read)
    imports = allowed(role, Domain.plant_file, Action.create)
    for letter in SITES:
        code = world.site[letter]["code"]
        visible = _sees(role, letter)
        rules.setdefault(("get", "/api/v1/plant/export"), []).append(
            Case(
                "GET", "/plant/export", ({200} if visible else {422}) if exports else {403},
                params={"site": code, "format": "json"}, given=(code,),
            )
        )  # fmt: skip
        area = {"site": code, "code": f"{CANARY[letter]}-IMP-{next(NUMBERS)}", "name": "in"}
        rules.setdefault(("post", "/api/v1/plant/import"), []).append(
            Case(
                "POST", "/plant/import", ({201} if visible else {422}) if imports else {403},
                json={"areas": [area]}, given=(code, area["code"]),
            )
        )  # fmt: skip
    if path.startswith(("/api/v1/kpi", "/api/v1/reports")):
        rules |= _kpi_cases(world, role)
    return rules.get((method, path), [])


def _kpi_cases(world: World, role: Role) -> dict[tuple[str, str], list[Case]]:
    """KPIs and reports of a site: 404 where not granted; targets need masterdata update."""
    sets = allowed(role, Domain.masterdata, Action.update)
    found: dict[tuple[str, str], list[Case]] = {
        ("get", "/api/v1/kpis/catalog"): [Case("GET", "/kpis/catalog", {200})],
        ("get", "/api/v1/kpis"): [Case("GET", "/kpis", {200}, params={"group_by": "site"})],
        ("get", "/api/v1/kpi_targets"): [Case("GET", "/kpi_targets", {200})],
    }
    for letter in SITES:
        site = world.site[letter]["id"]
        seen = {200} if _sees(role, letter) else {404}
        for read in ("/kpis", "/kpis/dashboard", "/kpis/pareto", "/kpi_targets"):
            found.setdefault(("get", f"/api/v1{read}"), []).append(
                Case("GET", read, seen, params={"site_id": site})
            )
        found.setdefault(("get", "/api/v1/reports/{kind}"), []).append(
            Case("GET", "/reports/daily", seen, params={"site_id": site})
        )
        target = f"/kpi_targets/{site}/oee"
        world.admin.put(target, json={"target": 0.6})  # one to change, and one to remove
        changed = ({200} if _sees(role, letter) else {404}) if sets else {403}
        removed = ({204} if _sees(role, letter) else {404}) if sets else {403}
        found.setdefault(("put", "/api/v1/kpi_targets/{site_id}/{kpi}"), []).append(
            Case("PUT", target, changed, json={"target": 0.7})
        )
        found.setdefault(("delete", "/api/v1/kpi_targets/{site_id}/{kpi}"), []).append(
            Case("DELETE", f"/kpi_targets/{site}/availability", removed)
        )
        world.admin.put(f"/kpi_targets/{site}/availability", json={"target": 0.8})
    return found


def _endpoints(document: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for path, operations in document["paths"].items():
        for method in operations:
            if method in ("get", "post", "patch", "put", "delete") and (method, path) not in PUBLIC:
                yield method, path


def test_every_role_at_every_site_on_every_endpoint(api: httpx.Client, bound: Bound) -> None:
    document = httpx.get(f"{bound[1]}/api/openapi.json", timeout=30).json()
    world = _build(api)
    world.sessions = bound[0]
    for n, letter in enumerate(SITES):
        world.planned[letter] = plan_site(bound[0], world.site[letter]["id"], CANARY[letter], n)
        records = {r: world.record[r, letter] for r in ("routings", "employees", "locations")}
        site = world.site[letter]["id"]
        world.floor[letter] = floor_site(bound[0], api, site, CANARY[letter], records)
    problems: list[str] = []
    checked = 0
    for role in Role:
        with _user(bound, world, role) as client:
            hidden = _hidden(role)
            for method, path in _endpoints(document):
                cases = _cases(world, role, method, path)
                if not cases:
                    problems.append(f"{method.upper()} {path}: no rule in the matrix")
                    continue
                for case in cases:
                    headers = case.headers
                    if case.current is not None:
                        resource, ident = case.current
                        now = world.admin.get(f"/{resource}/{ident}").json()["version"]
                        headers = if_match(now)
                    answer = client.request(
                        case.method, case.path, json=case.json, params=case.params,
                        headers=headers,
                    )  # fmt: skip
                    checked += 1
                    where = f"{role.value} {case.method} {case.path} {case.params or ''}"
                    if answer.status_code not in case.expected:
                        problems.append(
                            f"{where}: {answer.status_code}, expected {sorted(case.expected)}: "
                            f"{answer.text[:200]}"
                        )
                    shown = answer.text
                    for given in case.given:
                        shown = shown.replace(given, "")
                    leaked = [c for c in hidden if c in shown]
                    if leaked:
                        problems.append(f"{where}: canary {leaked} in the answer")
    assert not problems, f"{len(problems)} of {checked} checks failed:\n" + "\n".join(problems)
    assert checked > 500

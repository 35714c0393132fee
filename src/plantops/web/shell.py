"""What every page of the web application shares: who is visiting, the navigation their role
calls for, the site switcher, and one way to run a change and show what went wrong.

Signing in stays the server-rendered form (web/signin.py): its cookie is the session. A page
reads it when it is built; every change re-reads it, so signing out elsewhere or a revoked
user stops the next click, not only the next page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import escape
from typing import TypeVar
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui
from sqlalchemy import select
from sqlalchemy.orm import Session

from plantops.access import logins
from plantops.access.caller import Caller
from plantops.access.roles import Role
from plantops.access.users import caller_of
from plantops.errors import DomainError, FieldError, Unauthenticated, ValidationFailed
from plantops.org.models import Site
from plantops.storage.engine import unit_of_work
from plantops.web.nice import sessions

T = TypeVar("T")
EVERYONE = frozenset(Role)
MANAGERS = frozenset(
    {Role.production_manager, Role.regional_manager, Role.director, Role.admin, Role.auditor}
)
OFFICE = EVERYONE - {Role.operator}  # who reads plans, orders and KPIs at a desk
FLOOR = frozenset({Role.operator, Role.supervisor, Role.production_manager, Role.admin})
ALL_SITES = "all"


@dataclass(frozen=True)
class Destination:
    label: str
    path: str
    icon: str  # a Material icon, shipped with NiceGUI
    roles: frozenset[Role]


NAVIGATION = (
    Destination("Cockpit", "/cockpit", "dashboard", OFFICE),
    Destination("Board", "/board", "view_timeline", OFFICE),
    Destination("Orders", "/orders", "assignment", OFFICE),
    Destination("Terminal", "/terminal", "touch_app", FLOOR),
    Destination("KPIs", "/kpis", "insights", OFFICE),
    Destination("Reports", "/reports", "description", OFFICE),
    Destination("Plan runs", "/plan", "event_note", OFFICE),
    Destination("Master data", "/data", "table_view", OFFICE),
    Destination("Plant", "/plant", "factory", EVERYONE),
)


@dataclass(frozen=True)
class SiteChoice:
    id: int
    code: str
    name: str
    time_zone: str


@dataclass(frozen=True)
class Visitor:
    """Who is looking at a page, and at which of their sites."""

    caller: Caller
    secret: str  # the session cookie: re-checked by every change
    csrf: str  # the session's CSRF token: the terminal's script sends it to the API
    sites: tuple[SiteChoice, ...]  # every site the caller may see, by code
    site: SiteChoice | None  # the one chosen; None: all of them (a roll-up)

    @property
    def site_ids(self) -> list[int]:
        return [self.site.id] if self.site else [s.id for s in self.sites]

    def may_visit(self, path: str) -> bool:
        return any(d.path == path and self.caller.role in d.roles for d in NAVIGATION)


def landing(role: Role) -> str:
    """Where signing in leads: an operator to the terminal, everyone else to the cockpit."""
    return "/terminal" if role is Role.operator else "/cockpit"


def visitor(request: Request, site: str | None = None) -> Visitor | None:
    """The signed-in visitor of a page request (None: not signed in). `site` is a site code
    from the switcher, or "all"; by default one site when the caller sees one, else all."""
    secret = request.cookies.get(logins.COOKIE)
    if not secret:
        return None
    with unit_of_work(sessions()) as session:
        found = logins.resume(session, secret)
        if found is None:
            return None
        user, web = found
        caller = caller_of(session, user)
        rows = session.scalars(
            select(Site).where(*caller.scope.conditions(Site.id)).order_by(Site.code)
        )
        sites = tuple(SiteChoice(s.id, s.code, s.name, s.time_zone) for s in rows)
    chosen = next((s for s in sites if s.code == site), None)
    if chosen is None and site != ALL_SITES and len(sites) == 1:
        chosen = sites[0]
    return Visitor(caller, secret, web.csrf_token, sites, chosen)


def admit(request: Request, path: str, site: str | None = None) -> Visitor | RedirectResponse:
    """The visitor of a page, or where to send them: the sign-in form when signed out, their
    own landing page when their role has no business here."""
    found = visitor(request, site)
    if found is None:
        return RedirectResponse("/login", status_code=303)
    if not found.may_visit(path):
        return RedirectResponse(landing(found.caller.role), status_code=303)
    return found


def link(path: str, who: Visitor, **query: object) -> str:
    """A path on the same site as the page (the switcher's choice travels along)."""
    chosen = {"site": who.site.code if who.site else ALL_SITES} | query
    return f"{path}?{urlencode({k: v for k, v in chosen.items() if v is not None})}"


@contextmanager
def frame(
    who: Visitor, path: str, title: str, *, sites: bool = True, navigation_open: bool = True
) -> Iterator[None]:
    """The page's header (navigation for the role, site switcher, account) and its body. The
    navigation shows beside the page on a wide screen unless `navigation_open` is False (a
    page that needs the width: the terminal); the menu button opens and closes it."""
    ui.page_title(f"{title} · PlantOps")
    ui.colors(primary="#1f3a5f", secondary="#3d6a99", positive="#2e7d32", negative="#b3261e")
    drawer = ui.left_drawer(value=None if navigation_open else False, bordered=True)
    drawer.props("width=200 breakpoint=1100")
    with drawer, ui.column().classes("gap-1 w-full").props('role="navigation"'):
        for place in NAVIGATION:
            if who.caller.role in place.roles:
                # a real link (href): it opens in a new tab too, and needs no round trip
                ui.button(place.label, icon=place.icon).props(
                    f'href="{link(place.path, who)}" flat no-caps align=left'
                    + (" unelevated color=primary" if place.path == path else " color=grey-9")
                ).classes("w-full").mark(f"nav-{place.path.strip('/')}")
    with ui.header().classes("items-center gap-3 px-3 py-2"):
        ui.button(icon="menu", on_click=lambda: drawer.toggle()).props(
            'flat round color=white aria-label="Menu"'
        )
        ui.link("PlantOps", landing(who.caller.role)).classes(
            "text-xl font-bold text-white no-underline"
        )
        ui.space()
        if sites and who.sites:
            _site_switcher(who, path)
        _account(who)
    with ui.column().classes("w-full p-4 gap-4 max-w-screen-2xl mx-auto"):
        ui.label(title).classes("text-2xl font-semibold text-primary")
        yield


def _site_switcher(who: Visitor, path: str) -> None:
    options = {s.code: f"{s.code} · {s.name}" for s in who.sites}
    if len(who.sites) > 1:
        options = {ALL_SITES: "All my sites"} | options
    chosen = who.site.code if who.site else ALL_SITES
    ui.select(
        options,
        value=chosen,
        on_change=lambda e: ui.navigate.to(f"{path}?{urlencode({'site': e.value})}"),
    ).props('dense outlined dark options-dense aria-label="Site"').classes("min-w-48").mark(
        "site-switcher"
    )


def _account(who: Visitor) -> None:
    role = who.caller.role.value.replace("_", " ")
    ui.label(f"{who.caller.username} ({role})").classes("text-sm text-white")
    ui.html(
        '<form method="post" action="/logout" style="margin:0">'
        f'<input type="hidden" name="csrf" value="{escape(who.csrf)}">'
        '<button type="submit" style="background:transparent;color:#fff;border:1px solid #cfe2ff;'
        'border-radius:4px;padding:3px 10px;cursor:pointer">Sign out</button></form>',
        sanitize=False,  # our own markup; the only value is escaped
    )


def perform(who: Visitor, work: Callable[[Session, Caller], T]) -> T | None:
    """Run a change as the visitor in one transaction; on a domain error nothing is written
    and the error is shown (the field's name and the problem), and None is returned."""
    try:
        with unit_of_work(sessions()) as session:
            return work(session, current(session, who))
    except ValidationFailed as error:
        ui.notify(error.detail, type="negative", multi_line=True, timeout=8000)
    except Unauthenticated as error:
        ui.notify(error.detail, type="warning")
        ui.navigate.to("/login")
    except DomainError as error:
        ui.notify(error.detail, type="negative", multi_line=True, timeout=8000)
    return None


def read(who: Visitor, work: Callable[[Session, Caller], T]) -> T:
    """Read as the visitor (errors propagate: the page shows them)."""
    with unit_of_work(sessions()) as session:
        return work(session, current(session, who))


def current(session: Session, who: Visitor) -> Caller:
    found = logins.resume(session, who.secret)
    if found is None:
        raise Unauthenticated("the session has ended; sign in again")
    return caller_of(session, found[0])


def field_messages(errors: list[FieldError]) -> dict[str, str]:
    """Field name (the last part of its location) -> message, for showing at the field."""
    found: dict[str, str] = {}
    for error in errors:
        name = str(error.location[-1]) if error.location else ""
        found.setdefault(name, error.message)
    return found

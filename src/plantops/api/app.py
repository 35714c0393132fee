"""The ASGI application: API, OpenAPI docs and the web pages on one FastAPI app."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi_offline import FastAPIOffline
from sqlalchemy import Engine

import plantops
from plantops.api import (
    audit,
    execution,
    inventory,
    kpi,
    me,
    planning,
    problems,
    reschedules,
    scenarios,
    users,
)
from plantops.api.auth import authenticate
from plantops.api.availability import router as availability_router
from plantops.api.records import record_router
from plantops.api.transfer import router as transfer_router
from plantops.catalog import RESOURCES
from plantops.config import settings
from plantops.planning.jobs import WorkerProcesses
from plantops.storage.engine import make_engine, make_session_factory
from plantops.web import home, nice, plan, reports, signin


def create_app(engine: Engine | None = None, *, web_ui: bool = True) -> FastAPI:
    """The whole application; `web_ui=False` leaves out the NiceGUI pages (one app per
    process may have them: a second app, such as one built only for its OpenAPI schema)."""
    engine = engine or make_engine()
    # Swagger UI from the package's own copy, not a CDN: plant networks are often offline.
    app = FastAPIOffline(
        static_url="/api/docs-assets",
        title="PlantOps",
        version=plantops.__version__,
        description="Production management for discrete manufacturing.",
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    app.state.engine = engine
    app.state.sessions = make_session_factory(engine)
    app.state.jobs = WorkerProcesses()
    problems.install(app)
    execution.document(app)

    app.add_middleware(problems.BodyLimit, limit=settings().max_body_bytes)

    public = APIRouter(prefix="/api/v1")

    @public.get("/health", tags=["system"], summary="Liveness and database check (no sign-in)")
    def health(request: Request) -> dict[str, str]:
        with request.app.state.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        return {"status": "ok", "version": plantops.__version__}

    app.include_router(public)
    # Each router straight onto the app, signed in, under /api/v1: FastAPI (>= 0.137) matches
    # a request against the routers in order, and each level of nesting matches it again.
    # The floor's events first: terminals send them many times a second (no path here
    # overlaps another router's, so the order changes nothing else); single events sign
    # in where they are recorded (api.execution.single_events).
    signed_in: list[APIRouter] = [
        execution.router,
        *(record_router(spec) for spec in RESOURCES),
        availability_router,
        planning.router,
        scenarios.router,
        reschedules.router,
        inventory.router,
        kpi.router,
        transfer_router,
        audit.router,
        me.router,
        users.router,
    ]
    app.include_router(
        execution.floor, prefix="/api/v1", responses=problems.problem_responses(401, 403)
    )
    for router in signed_in:
        app.include_router(
            router,
            prefix="/api/v1",
            dependencies=[Depends(authenticate)],
            responses=problems.problem_responses(401, 403),
        )
    app.include_router(home.router)
    app.include_router(plan.router)
    app.include_router(reports.router)
    app.include_router(signin.router)
    if web_ui:
        nice.mount(app)  # last: it answers every path the routes above do not
    return app

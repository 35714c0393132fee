"""KPI queries, targets and reports over two days of the demo's simulated history, on both
databases: every grouping adds up to the whole, the Pareto accounts for the reasons' time,
the caller's scope holds, bad asks name their field, and the reports say what the rows say."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from plantops.access.caller import SYSTEM, Caller
from plantops.access.models import AuditRecord
from plantops.access.roles import Role
from plantops.access.scope import Scope
from plantops.demo.history import create_history
from plantops.demo.loader import load_demo
from plantops.errors import Forbidden, NotFound, ValidationFailed
from plantops.kpi import catalog, query, reports, targets
from plantops.kpi.models import KpiPeriod, KpiReason
from plantops.kpi.pareto import pareto
from plantops.kpi.totals import Totals, loss_tree
from plantops.masterdata.models import ReasonCode
from plantops.org.models import Region, Site
from plantops.storage.engine import make_session_factory, unit_of_work

NOW = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
FIRST, LAST = date(2026, 11, 30), date(2026, 12, 3)
SUMMED = ("pot", "pdot", "apt", "asut", "breakdown", "minor_stop", "idle", "good", "scrap",
          "rework", "planned_good", "failures", "repair")  # fmt: skip


def _history(engine: Engine) -> None:
    load_demo(engine)
    create_history(engine, days=2, seed=3, now=NOW)  # refreshes every site's KPI rows


def close(a: Totals, b: Totals) -> bool:
    return all(abs(getattr(a, n) - getattr(b, n)) <= 1e-6 * max(1.0, abs(getattr(a, n)))
               for n in SUMMED)  # fmt: skip


def _site(session: Session, code: str) -> Site:
    return session.scalars(select(Site).where(Site.code == code)).one()


def test_every_grouping_adds_up_and_the_pareto_accounts_for_the_reasons(engine: Engine) -> None:
    _history(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        selection = query.select_scope(session, SYSTEM, FIRST, LAST)
        (whole,) = query.totals(session, selection, "all")
        rows = session.scalars(select(KpiPeriod)).all()
        for name in SUMMED:  # the whole is the rows' sum
            assert getattr(whole.totals, name) == pytest.approx(
                float(sum(getattr(r, name) for r in rows))
            )
        assert 0 < (catalog.oee(whole.totals) or 0) < 1
        for by in query.GROUPINGS[1:-1]:  # each grouping partitions the whole
            groups = query.totals(session, selection, by)
            assert groups and close(sum((g.totals for g in groups), Totals()), whole.totals), by
        assert [g.key for g in query.totals(session, selection, "site")] == [
            "CN-SUZ", "DE-STR", "US-MKE"]  # fmt: skip
        weeks = [g.key for g in query.totals(session, selection, "week")]
        assert weeks == ["2026-W49"]  # 30 Nov to 3 Dec 2026 is ISO week 49
        products = query.totals(session, selection, "product")
        assert sum(g.totals.good for g in products) == pytest.approx(whole.totals.good)
        tree = loss_tree(whole.totals)
        assert sum(x.seconds for x in tree.losses) == pytest.approx(tree.gap)

        site = _site(session, "DE-STR")
        one = query.select_scope(session, SYSTEM, FIRST, LAST, site_id=site.id)
        (early,) = query.totals(
            session, query.select_scope(session, SYSTEM, FIRST, LAST, site_id=site.id,
                                        shift="Early"), "all")  # fmt: skip
        shifts = {g.key: g.totals for g in query.totals(session, one, "shift")}
        assert close(early.totals, shifts["Early"])

        lines = pareto(session, one, "downtime")
        seconds = session.scalar(
            select(func.sum(KpiReason.seconds))
            .join(ReasonCode, ReasonCode.id == KpiReason.reason_code_id)
            .where(KpiReason.site_id == site.id, ReasonCode.kind == "downtime",
                   ReasonCode.loss_category != "planned_downtime")
        )  # fmt: skip
        assert lines and sum(x.amount for x in lines) == pytest.approx((seconds or 0) / 3600)
        assert [x.amount for x in lines] == sorted((x.amount for x in lines), reverse=True)
        assert lines[-1].cumulative == pytest.approx(1.0)
        scrap = pareto(session, one, "scrap")
        assert sum(x.amount for x in scrap) == pytest.approx(query.totals(session, one)[0]
                                                             .totals.scrap)  # fmt: skip


def test_scope_and_bad_asks(engine: Engine) -> None:
    _history(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        de, us = _site(session, "DE-STR"), _site(session, "US-MKE")
        local = Caller(7, "sam", Role.supervisor, Scope(frozenset({de.id}), frozenset()))
        mine = query.select_scope(session, local, FIRST, LAST)
        assert mine.site_ids == {de.id}  # nothing asked: only the granted site
        assert [g.key for g in query.totals(session, mine, "site")] == ["DE-STR"]
        with pytest.raises(NotFound):  # another site answers as if it did not exist
            query.select_scope(session, local, FIRST, LAST, site_id=us.id)
        with pytest.raises(ValidationFailed) as bad:
            query.select_scope(session, SYSTEM, LAST, FIRST)
        assert bad.value.errors[0].location == ("last",)
        with pytest.raises(ValidationFailed) as bad:
            query.totals(session, mine, "fortnight")
        assert bad.value.errors[0].location == ("group_by",)
        with pytest.raises(ValidationFailed) as bad:
            pareto(session, mine, "smiles")
        assert bad.value.errors[0].location == ("kind",)


def test_targets_are_checked_audited_and_rolled_up(engine: Engine) -> None:
    load_demo(engine)  # the demo sets its sites' targets
    with unit_of_work(make_session_factory(engine)) as session:
        de, us = _site(session, "DE-STR"), _site(session, "US-MKE")
        assert targets.of_group(session, [de.id, us.id])["oee"] == pytest.approx(0.65)
        before = session.scalar(select(func.count()).select_from(AuditRecord))
        made = targets.set_target(session, SYSTEM, de.id, "oee", 0.75)
        assert made.target == 0.75
        assert targets.of_group(session, [de.id, us.id])["oee"] == pytest.approx(0.70)
        targets.delete_target(session, SYSTEM, us.id, "oee")
        assert "oee" not in targets.of_group(session, [de.id, us.id])  # half a target: none
        assert session.scalar(select(func.count()).select_from(AuditRecord)) == before + 2
        for kpi, value, field in (("happiness", 0.5, "kpi"), ("oee", 1.5, "target"),
                                  ("availability", -0.1, "target")):  # fmt: skip
            with pytest.raises(ValidationFailed) as bad:
                targets.set_target(session, SYSTEM, de.id, kpi, value)
            assert bad.value.errors[0].location == (field,)
        operator = Caller(8, "op", Role.operator, Scope(frozenset({de.id}), frozenset()))
        with pytest.raises(Forbidden):
            targets.set_target(session, operator, de.id, "oee", 0.5)
        assert {t.site_id for t in targets.list_targets(session, operator)} == {de.id}


def test_reports_say_what_the_rows_say(engine: Engine) -> None:
    _history(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        de = _site(session, "DE-STR")
        day = date(2026, 12, 2)
        made = reports.build(session, SYSTEM, reports.Ask("daily", de.id, day=day), NOW)
        assert made.title.startswith("Daily production report, DE-STR")
        selection = query.select_scope(session, SYSTEM, day, day, site_id=de.id)
        (whole,) = query.totals(session, selection)
        oee = next(k for k in made.kpis if k.key == "oee")
        assert oee.value == pytest.approx(catalog.oee(whole.totals))
        assert oee.target == pytest.approx(0.65)
        assert sum(x.hours for x in made.losses) == pytest.approx(
            made.planned_busy_hours - made.productive_hours
        )
        assert made.lines_title == "Shifts" and sum(x.good for x in made.lines) == pytest.approx(
            whole.totals.good)  # fmt: skip
        assert made.work_centers and made.staffing and made.products
        oees = [x.oee for x in made.work_centers if x.oee is not None]
        assert oees == sorted(oees)  # worst first
        shift = reports.build(session, SYSTEM, reports.Ask("shift", de.id, day=day,
                                                           shift="Early"), NOW)  # fmt: skip
        assert shift.lines_title == "Areas" and "Early shift" in shift.title and shift.work_centers
        with pytest.raises(ValidationFailed) as bad:
            reports.build(session, SYSTEM, reports.Ask("shift", de.id, day=day,
                                                       shift="Brunch"), NOW)  # fmt: skip
        assert bad.value.errors[0].location == ("shift",)
        region = session.scalar(select(Region.id).where(Region.id == de.region_id))
        week = reports.build(session, SYSTEM, reports.Ask("weekly", region_id=region,
                                                          day=day), NOW)  # fmt: skip
        in_region = session.scalars(select(Site.code).where(Site.region_id == region)).all()
        assert {x.label for x in week.lines} == set(in_region)
        assert (week.first_day, week.last_day) == (date(2026, 11, 30), date(2026, 12, 6))
        month = reports.build(session, SYSTEM, reports.Ask("monthly", day=day), NOW)
        assert [x.label for x in month.lines] == ["CN-SUZ", "DE-STR", "US-MKE"]
        assert month.trend and (month.first_day, month.last_day) == (
            day.replace(day=1),
            date(2026, 12, 31),
        )
        assert month.last_day - month.first_day == timedelta(days=30)

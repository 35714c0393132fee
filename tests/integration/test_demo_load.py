"""Loading the demo plant through the importer, on both databases, and `plantops demo`."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from plantops.access.caller import SYSTEM
from plantops.catalog import BY_NAME, RESOURCES
from plantops.cli.main import app
from plantops.demo import build_plant
from plantops.demo.loader import PlantNotEmpty, load_demo, load_demo_if_empty
from plantops.resources.service import ListQuery, list_records
from plantops.storage.engine import make_session_factory, unit_of_work

START = date(2025, 4, 14)


def test_the_demo_loads_into_an_empty_database_with_every_record(engine: Engine) -> None:
    """What `serve --prepare` does on a first start; record counts do not depend on the date."""
    assert load_demo_if_empty(engine) is True
    document = build_plant()
    with unit_of_work(make_session_factory(engine)) as session:
        for spec in RESOURCES:
            total = list_records(session, spec, SYSTEM, ListQuery(limit=1)).total
            assert total == len(document[spec.name]), spec.name
        # nested rows came along: the first BOM, line by line
        bom = list_records(session, BY_NAME["boms"], SYSTEM, ListQuery(limit=1)).items[0]
        assert [float(line.quantity_per) for line in bom.lines] == [
            line["quantity_per"] for line in document["boms"][0]["lines"]
        ]
        routings = list_records(session, BY_NAME["routings"], SYSTEM, ListQuery(limit=10**6))
        alternatives = [a for r in routings.items for op in r.operations for a in op.alternatives]
    assert len(alternatives) == sum(
        len(op["alternatives"]) for r in document["routings"] for op in r["operations"]
    )
    assert load_demo_if_empty(engine) is False
    with pytest.raises(
        PlantNotEmpty, match=r"already holds 3 site\(s\) \(CN-SUZ, DE-STR, US-MKE\)"
    ):
        load_demo(engine, start=START)


def test_a_second_plantops_demo_is_refused(configured: Engine) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["demo", "--seed", "3", "--history-days", "1"])
    assert first.exit_code == 0, first.output
    assert "loaded the demo plant (seed 3, scale 1)" in first.output
    assert "and 1 days of history" in first.output
    second = runner.invoke(app, ["demo"])
    assert second.exit_code == 1
    message = second.output.strip()
    assert "already holds 3 site(s)" in message and "PLANTOPS_DATABASE_URL" in message
    assert "Traceback" not in message

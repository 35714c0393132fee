"""The master data page (/data): grid edits saved and refused at the cell, a BOM line refused at
its cell in the record's dialog, and a plant file import whose error is shown at its file, row
and field with nothing written."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from plantops.access import audit
from plantops.access.caller import SYSTEM
from plantops.errors import ValidationFailed
from plantops.integration.service import import_plant
from plantops.integration.tabular import LAYOUTS
from plantops.masterdata.models import BomLine, Item
from plantops.org.models import Site
from plantops.storage.engine import make_session_factory, unit_of_work
from plantops.web.data_transfer import csv_zip, read_upload
from tests.web.conftest import browser_as, screenshots

PLANT: dict[str, Any] = {
    "format": "plantops-plant",
    "format_version": 1,
    "regions": [{"code": "EU", "name": "Europe"}],
    "sites": [{"code": "B1", "name": "Berlin", "region": "EU", "time_zone": "Europe/Berlin",
               "currency": "EUR"}],
    "items": [
        {"site": "B1", "code": "FG1", "name": "Bike", "item_type": "finished_good",
         "make_or_buy": "make", "uom": "pc", "lead_time_days": 2},
        {"site": "B1", "code": "RM1", "name": "Tube", "item_type": "raw_material",
         "make_or_buy": "buy", "uom": "m"},
    ],
    "boms": [{"site": "B1", "code": "B-FG1", "item": "FG1",
              "lines": [{"component_item": "RM1", "quantity_per": 0.5}]}],
}  # fmt: skip


def _plant(engine: Engine) -> int:
    """The small plant above; the id of its site."""
    with unit_of_work(make_session_factory(engine)) as session:
        import_plant(session, SYSTEM, PLANT)
        return int(session.scalar(select(Site.id).where(Site.code == "B1")) or 0)


def _item(session: Session, code: str) -> Item:
    found = session.scalar(select(Item).where(Item.code == code))
    assert found is not None
    return found


def _items_csv(rows: list[dict[str, Any]]) -> bytes:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=LAYOUTS["items"].columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue().encode()


def _cell(page: Any, code: str, field: str) -> Any:
    # the pinned code column sits in a container of its own: its row index finds the cells
    index = page.locator(f'.ag-pinned-left-cols-container .ag-row:has-text("{code}")')
    row = page.locator(
        f'.ag-center-cols-container .ag-row[row-index="{index.get_attribute("row-index")}"]'
    )
    return row.locator(f'[col-id="{field}"]')


def _edit_cell(page: Any, code: str, field: str, text: str) -> None:
    _cell(page, code, field).dblclick()
    page.keyboard.press("Control+A")
    if text:
        page.keyboard.type(text)
    else:
        page.keyboard.press("Delete")
    page.keyboard.press("Enter")


def test_read_upload_takes_one_csv_table_or_a_zip_of_them() -> None:
    row = {"site": "B1", "code": "X1", "name": "X", "item_type": "raw_material",
           "make_or_buy": "buy", "uom": "kg"}  # fmt: skip
    single = read_upload(_items_csv([row]), "items.csv")
    assert single.problems == []
    assert single.document["items"][0]["code"] == "X1"
    zipped = read_upload(csv_zip({"items": [row]}), "plant.zip")
    assert zipped.document["items"][0]["uom"] == "kg"
    with pytest.raises(ValidationFailed) as refused:
        read_upload(b"not a zip", "plant.zip")
    assert refused.value.errors[0].source == "plant.zip"


def test_master_data_edits_and_import_in_the_browser(
    chromium: Any, sqlite_base_url: str, sqlite_engine: Engine
) -> None:
    site_id = _plant(sqlite_engine)
    sessions = make_session_factory(sqlite_engine)
    with browser_as(
        chromium, sqlite_base_url, sqlite_engine, "pm", "production_manager", site_ids=(site_id,)
    ) as page:
        page.goto("/data?table=items")
        page.wait_for_selector(".ag-pinned-left-cols-container .ag-row >> text=FG1")

        # plain words for the columns and the choices; the stored values stay the API's
        header = page.locator('.ag-header-cell[col-id="item_type"] .ag-header-cell-text')
        assert header.inner_text() == "Item type"
        assert page.locator('.ag-header-cell[col-id="lead_time_days"]').inner_text() == (
            "Lead time (days)"
        )
        fg1 = _cell(page, "FG1", "item_type")
        assert fg1.inner_text() == "Finished good"
        assert _cell(page, "FG1", "make_or_buy").inner_text() == "Make"
        for button in ("data-add", "data-open"):  # normal case, as the rest of the app
            transform = page.get_by_test_id(button).evaluate(
                "e => getComputedStyle(e).textTransform"
            )
            assert transform == "none", button

        # refused: the cell shows the stored value again, marked; the message says why in
        # plain words; nothing is written
        _edit_cell(page, "FG1", "lead_time_days", "99999")
        problem = page.get_by_test_id("data-problem")
        problem.wait_for()
        assert "FG1" in problem.inner_text()
        assert "Lead time (days) must be 3650 or less" in problem.inner_text()
        marked = page.locator('.ag-cell.plantops-cell-error[col-id="lead_time_days"]')
        marked.wait_for()
        assert marked.inner_text() == "2"  # not the refused 99999: that would look saved
        _edit_cell(page, "FG1", "name", "")
        page.get_by_text("Name is required").wait_for()
        assert _cell(page, "FG1", "name").inner_text() == "Bike"
        assert page.locator('.plantops-cell-error[col-id="lead_time_days"]').count() == 0
        with unit_of_work(sessions) as session:
            item = _item(session, "FG1")
            assert (item.lead_time_days, item.name, item.version) == (2, "Bike", 1)

        # saved, with the reason for the audit trail
        page.get_by_label("Reason for changes").fill("supplier moved")
        _edit_cell(page, "FG1", "lead_time_days", "6")
        page.get_by_text("Saved item FG1: Lead time (days)").wait_for()
        assert page.locator(".plantops-cell-error").count() == 0
        with unit_of_work(sessions) as session:
            item = _item(session, "FG1")
            assert (item.lead_time_days, item.version) == (6, 2)
            last = audit.history(session, "items", item.id)[-1]
            assert last.new is not None
            assert (last.reason, json.loads(last.new)["lead_time_days"]) == ("supplier moved", 6)
        screenshots(page, "data-items")

        # a BOM line refused at its cell in the record's dialog
        page.goto("/data?table=boms")
        page.locator(".ag-pinned-left-cols-container .ag-row >> text=B-FG1").click()
        page.get_by_test_id("data-open").click()
        lines = page.get_by_test_id("child-lines")
        lines.locator('.ag-row [col-id="quantity_per"]').first.dblclick()
        page.keyboard.press("Control+A")
        page.keyboard.type("0")
        page.keyboard.press("Enter")
        page.get_by_test_id("record-save").click()
        said = "Lines row 1: Quantity per must be more than 0"
        page.get_by_test_id("record-problem").get_by_text(said).wait_for()
        refused = lines.locator('.plantops-cell-error[col-id="quantity_per"]')
        refused.wait_for()
        assert refused.count() == 1 and refused.inner_text() == "0"
        with unit_of_work(sessions) as session:
            assert session.scalar(select(BomLine.quantity_per)) == 0.5
        page.keyboard.press("Escape")

        # an import with an error: shown at its file, row and field; nothing written
        page.goto("/data?table=files")
        good = {"site": "B1", "code": "RM2", "name": "Bolt", "item_type": "raw_material",
                "make_or_buy": "buy", "uom": "pc"}  # fmt: skip
        bad = good | {"code": "RM3", "lead_time_days": "soon"}
        page.locator('[data-testid="import-upload"] input[type=file]').set_input_files(
            files=[{"name": "items.csv", "mimeType": "text/csv", "buffer": _items_csv([good, bad])}]
        )
        page.get_by_test_id("import-failed").wait_for()
        errors = page.get_by_test_id("import-errors").locator(".ag-center-cols-container .ag-row")
        found = [
            {
                c: errors.nth(i).locator(f'[col-id="{c}"]').inner_text()
                for c in ("file", "row", "field")
            }
            for i in range(errors.count())
        ]
        assert {"file": "items.csv", "row": "2", "field": "lead_time_days"} in found
        with unit_of_work(sessions) as session:
            assert session.scalar(select(func.count()).select_from(Item)) == 2
        screenshots(page, "data-import")

        # the file put right: checked, then imported
        page.locator('[data-testid="import-upload"] input[type=file]').set_input_files(
            files=[{"name": "items.csv", "mimeType": "text/csv", "buffer": _items_csv([good])}]
        )
        page.get_by_test_id("import-confirm").click()
        page.get_by_test_id("import-done").wait_for()
        with unit_of_work(sessions) as session:
            assert _item(session, "RM2").name == "Bolt"


def test_a_supervisor_is_told_what_the_import_export_tab_allows(
    chromium: Any, sqlite_base_url: str, sqlite_engine: Engine
) -> None:
    site_id = _plant(sqlite_engine)
    with browser_as(
        chromium, sqlite_base_url, sqlite_engine, "sup", "supervisor", site_ids=(site_id,)
    ) as page:
        page.goto("/data?table=files")
        said = page.get_by_test_id("transfer-role")
        said.wait_for()
        assert "Your role may neither import nor export plant files" in said.inner_text()
        assert page.get_by_test_id("import-upload").count() == 0

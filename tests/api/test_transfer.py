"""Plant files over real HTTP, on both databases: upload, download, every problem at once."""

from __future__ import annotations

import io
import json

import httpx
import yaml
from openpyxl import load_workbook

from tests.api.http import problem
from tests.integration.test_import_export import plant

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(api: httpx.Client, name: str, data: bytes) -> httpx.Response:
    return api.post("/plant/import", files={"file": (name, data)})


def test_upload_yaml_then_download_every_format(api: httpx.Client) -> None:
    created = _upload(api, "plant.yaml", yaml.safe_dump(plant()).encode())
    assert created.status_code == 201, created.text
    counts = created.json()["counts"]
    assert counts["items"] == 4 and counts["routings.operations.alternatives"] == 3
    as_yaml = api.get("/plant/export")
    assert as_yaml.status_code == 200
    assert as_yaml.headers["content-type"].startswith("application/yaml")
    assert 'filename="plant.yaml"' in as_yaml.headers["content-disposition"]
    document = yaml.safe_load(as_yaml.content)
    as_json = api.get("/plant/export", params={"format": "json"})
    assert json.loads(as_json.content) == document
    as_xlsx = api.get("/plant/export", params={"format": "xlsx"})
    assert as_xlsx.headers["content-type"] == XLSX
    sheets = load_workbook(io.BytesIO(as_xlsx.content), read_only=True).sheetnames
    assert "boms.lines" in sheets and "operations.alternatives" in sheets
    lyon = api.get("/plant/export", params={"format": "json", "site": "L1"}).json()
    assert [i["code"] for i in lyon["items"]] == ["0042"]


def test_a_json_body_and_an_xlsx_upload_import_the_same_plant(api: httpx.Client) -> None:
    created = api.post("/plant/import", json=plant())
    assert created.status_code == 201, created.text
    text = yaml.safe_dump({"customers": [{"site": "B1", "code": "C2", "name": "Cycles"}]})
    headers = {"content-type": "application/yaml"}
    as_body = api.post("/plant/import", content=text.encode(), headers=headers)
    assert as_body.status_code == 201 and as_body.json()["counts"]["customers"] == 1
    exported = api.get("/plant/export", params={"format": "xlsx"})
    again = _upload(api, "plant.xlsx", exported.content)  # everything exists already
    body = problem(again, 422)
    assert len(body["errors"]) == 21  # one per record of the sample plant
    first = body["errors"][0]
    assert first["source"] == "regions" and first["row"] == 1 and first["pointer"] == "/code"


def test_every_problem_is_answered_with_source_row_and_pointer(api: httpx.Client) -> None:
    document = plant()
    document["items"][2]["uom"] = ""
    document["boms"][0]["lines"][1]["component_item"] = "NOPE"
    document["sales_orders"][0]["customer"] = "C9"
    body = problem(_upload(api, "plant.json", json.dumps(document).encode()), 422)
    found = {(e["source"], e["row"], e["pointer"]) for e in body["errors"]}
    assert found == {
        ("items", 3, "/uom"),
        ("boms", 1, "/lines/1/component_item"),
        ("sales_orders", 1, "/customer"),
    }
    assert api.get("/plant/export", params={"format": "json"}).json()["items"] == []


def test_unreadable_and_unknown_uploads_are_refused(api: httpx.Client) -> None:
    bad_yaml = problem(_upload(api, "plant.yaml", b"regions: [\n  {code: EU"), 422)
    assert bad_yaml["errors"][0]["source"] == "plant.yaml"
    assert problem(_upload(api, "plant.txt", b"hello"), 422)["errors"][0]["source"] == "plant.txt"
    assert problem(_upload(api, "plant.xlsx", b"not a zip"), 422)["errors"]
    problem(api.post("/plant/import", content=b"x", headers={"content-type": "text/plain"}), 415)
    problem(api.post("/plant/import", files={"other": ("a.yaml", b"{}")}), 422)
    problem(api.get("/plant/export", params={"format": "csv"}), 422)
    problem(api.get("/plant/export", params={"site": "XX"}), 422)

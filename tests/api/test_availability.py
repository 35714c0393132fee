"""GET /work_centers/{id}/availability over real HTTP, on both databases."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

HOUR = 3600


def create(api: httpx.Client, path: str, body: dict[str, Any]) -> int:
    response = api.post(path, json=body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


@pytest.fixture
def press(api: httpx.Client) -> int:
    """A press in Berlin: weekdays 06:00-14:00, a Saturday night shift, a holiday, downtime."""
    region = create(api, "/regions", {"code": "EU", "name": "Europe"})
    site = create(
        api,
        "/sites",
        {
            "code": "BER",
            "name": "Berlin",
            "region_id": region,
            "time_zone": "Europe/Berlin",
            "currency": "EUR",
        },
    )
    area = create(api, "/areas", {"site_id": site, "code": "PRESS", "name": "Press shop"})
    weekdays = [
        {"name": "early", "weekday": day, "start_time": "06:00:00", "end_time": "14:00:00"}
        for day in ("mon", "tue", "wed", "thu", "fri")
    ]
    night = {"name": "night", "weekday": "sat", "start_time": "22:00:00", "end_time": "06:00:00"}
    holiday = {
        "kind": "closed",
        "starts_local": "2026-12-25T00:00:00",
        "ends_local": "2026-12-26T00:00:00",
        "name": "Christmas",
    }
    calendar = create(
        api,
        "/calendars",
        {
            "site_id": site,
            "code": "2x",
            "name": "Weekdays and Saturday night",
            "shifts": [*weekdays, night],
            "exceptions": [holiday],
        },
    )
    service = {
        "starts_at": "2026-06-10T08:00:00Z",
        "ends_at": "2026-06-10T09:30:00Z",
        "reason": "die change",
    }
    return create(
        api,
        "/work_centers",
        {
            "site_id": site,
            "code": "P-100",
            "name": "Press 100",
            "kind": "machine",
            "area_id": area,
            "calendar_id": calendar,
            "downtime_windows": [service],
        },
    )


def availability(api: httpx.Client, ident: int, start: str, end: str) -> httpx.Response:
    return api.get(f"/work_centers/{ident}/availability", params={"start": start, "end": end})


def test_spring_forward_night_is_seven_hours(api: httpx.Client, press: int) -> None:
    # Sat 28 March 22:00 CET = 21:00 UTC to Sun 29 March 06:00 CEST = 04:00 UTC.
    response = availability(api, press, "2026-03-28T00:00:00+01:00", "2026-03-29T12:00:00+02:00")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "work_center_id": press,
        "start": "2026-03-27T23:00:00Z",
        "end": "2026-03-29T10:00:00Z",
        "available_seconds": 7 * HOUR,
        "intervals": [{"start": "2026-03-28T21:00:00Z", "end": "2026-03-29T04:00:00Z"}],
    }


def test_fall_back_night_is_nine_hours(api: httpx.Client, press: int) -> None:
    # Sat 24 Oct 22:00 CEST = 20:00 UTC to Sun 25 Oct 06:00 CET = 05:00 UTC.
    response = availability(api, press, "2026-10-24T00:00:00Z", "2026-10-26T00:00:00Z")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["available_seconds"] == 9 * HOUR
    assert body["intervals"] == [{"start": "2026-10-24T20:00:00Z", "end": "2026-10-25T05:00:00Z"}]


def test_week_with_downtime_and_a_holiday_week(api: httpx.Client, press: int) -> None:
    # 8-15 June: 5 x 8 h + Saturday night 8 h - 1.5 h downtime on Wednesday = 46.5 h.
    june = availability(api, press, "2026-06-08T00:00:00+02:00", "2026-06-15T00:00:00+02:00")
    assert june.status_code == 200, june.text
    assert june.json()["available_seconds"] == 167_400
    assert {"start": "2026-06-10T04:00:00Z", "end": "2026-06-10T08:00:00Z"} in june.json()[
        "intervals"
    ]
    # 21-28 December: Christmas Friday is closed: 4 x 8 h + Saturday night 8 h = 40 h.
    christmas = availability(api, press, "2026-12-21T00:00:00+01:00", "2026-12-28T00:00:00+01:00")
    assert christmas.json()["available_seconds"] == 40 * HOUR


def test_unknown_work_center_is_404(api: httpx.Client) -> None:
    response = availability(api, 999_999, "2026-06-08T00:00:00Z", "2026-06-09T00:00:00Z")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


def parameters(response: httpx.Response) -> set[str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return {error.get("parameter") for error in response.json()["errors"]}


@pytest.mark.parametrize(
    ("start", "end", "parameter"),
    [
        ("2026-06-08T00:00:00", "2026-06-09T00:00:00Z", "start"),  # naive
        ("2026-06-08T00:00:00Z", "2026-06-09", "end"),  # a date, no time or offset
        ("2026-06-09T00:00:00Z", "2026-06-08T00:00:00Z", "end"),  # end before start
        ("2026-01-01T00:00:00Z", "2027-01-02T00:00:01Z", "end"),  # longer than 366 days
        ("not a time", "2026-06-09T00:00:00Z", "start"),
        ("0001-01-01T00:00:00+14:00", "0001-01-02T00:00:00Z", "start"),  # before the engine's range
    ],
)
def test_bad_window_is_422_naming_the_parameter(
    api: httpx.Client, press: int, start: str, end: str, parameter: str
) -> None:
    assert parameters(availability(api, press, start, end)) == {parameter}


def test_missing_end_and_a_full_leap_year(api: httpx.Client, press: int) -> None:
    missing = api.get(f"/work_centers/{press}/availability", params={"start": "2026-06-08T00:00Z"})
    assert parameters(missing) == {"end"}
    # 366 days exactly is allowed.
    year = availability(api, press, "2028-01-01T00:00:00Z", "2029-01-01T00:00:00Z")
    assert year.status_code == 200, year.text

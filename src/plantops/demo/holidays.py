"""Public holidays of the demo plants' countries, computed (no holiday library, no network).

Germany: the statutory holidays of Baden-Wuerttemberg (Stuttgart). United States: the holidays a
US plant typically closes for (federal ones falling on a weekend are observed on the Friday or
Monday). China: the statutory holidays; the lunar ones (Spring Festival, Dragon Boat,
Mid-Autumn) come from a table for 2024-2032 and are left out for other years, and the
government's make-up working days are not modelled."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta

Holiday = tuple[date, int, str]  # first day, number of days, name


def easter(year: int) -> date:
    """Easter Sunday (Gregorian computus, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th given weekday (0 = Monday) of a month; n = -1 for the last one."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _germany(year: int) -> Iterator[Holiday]:
    sunday = easter(year)
    yield date(year, 1, 1), 1, "New Year's Day"
    yield date(year, 1, 6), 1, "Epiphany"
    yield sunday - timedelta(days=2), 1, "Good Friday"
    yield sunday + timedelta(days=1), 1, "Easter Monday"
    yield date(year, 5, 1), 1, "Labour Day"
    yield sunday + timedelta(days=39), 1, "Ascension Day"
    yield sunday + timedelta(days=50), 1, "Whit Monday"
    yield sunday + timedelta(days=60), 1, "Corpus Christi"
    yield date(year, 10, 3), 1, "Day of German Unity"
    yield date(year, 11, 1), 1, "All Saints' Day"
    yield date(year, 12, 25), 1, "Christmas Day"
    yield date(year, 12, 26), 1, "St Stephen's Day"


def _observed(day: date) -> date:
    return day + timedelta(days={5: -1, 6: 1}.get(day.weekday(), 0))


def _united_states(year: int) -> Iterator[Holiday]:
    thanksgiving = nth_weekday(year, 11, 3, 4)
    christmas = _observed(date(year, 12, 25))
    yield _observed(date(year, 1, 1)), 1, "New Year's Day"
    yield nth_weekday(year, 5, 0, -1), 1, "Memorial Day"
    yield _observed(date(year, 7, 4)), 1, "Independence Day"
    yield nth_weekday(year, 9, 0, 1), 1, "Labor Day"
    yield thanksgiving, 2, "Thanksgiving"
    if christmas == date(year, 12, 25) and christmas.weekday() > 0:
        yield date(year, 12, 24), 1, "Christmas Eve"
    yield christmas, 1, "Christmas Day"


# Lunar holidays by year: Spring Festival eve, Qingming, Dragon Boat, Mid-Autumn.
_LUNAR: dict[int, tuple[str, str, str, str]] = {
    2024: ("02-09", "04-04", "06-10", "09-17"),
    2025: ("01-28", "04-04", "05-31", "10-06"),
    2026: ("02-16", "04-05", "06-19", "09-25"),
    2027: ("02-05", "04-05", "06-09", "09-15"),
    2028: ("01-25", "04-04", "05-28", "10-03"),
    2029: ("02-12", "04-04", "06-16", "09-22"),
    2030: ("02-02", "04-05", "06-05", "09-12"),
    2031: ("01-22", "04-05", "06-24", "10-01"),
    2032: ("02-10", "04-04", "06-12", "09-19"),
}


def _china(year: int) -> Iterator[Holiday]:
    yield date(year, 1, 1), 1, "New Year's Day"
    lunar = _LUNAR.get(year)
    if lunar is not None:
        eve, qingming, dragon, autumn = (date.fromisoformat(f"{year}-{d}") for d in lunar)
        yield eve, 8, "Spring Festival"
        yield qingming, 1, "Qingming Festival"
        yield dragon, 1, "Dragon Boat Festival"
        yield autumn, 1, "Mid-Autumn Festival"
    yield date(year, 5, 1), 5, "Labour Day"
    yield date(year, 10, 1), 7, "National Day"


COUNTRIES: dict[str, Callable[[int], Iterator[Holiday]]] = {
    "DE": _germany,
    "US": _united_states,
    "CN": _china,
}


def public_holidays(country: str, first: date, last: date) -> list[Holiday]:
    """Holidays touching [first, last], in date order; one that overlaps an earlier one (China's
    Mid-Autumn inside National Day week) is left out, so closures never overlap."""
    found = sorted(
        (h for year in range(first.year, last.year + 1) for h in COUNTRIES[country](year)),
        key=lambda h: h[0],
    )
    result: list[Holiday] = []
    end_of_last = date.min
    for start, days, name in found:
        end = start + timedelta(days=days)
        if start < end_of_last or end <= first or start > last:
            continue
        result.append((start, days, name))
        end_of_last = end
    return result

"""A plant's simulation rates as a plain YAML file: defaults, then per work-center kind,
per site and per work center, each overriding the one before. A wrong key or value is
refused naming where it is."""

from __future__ import annotations

from dataclasses import fields, replace
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from plantops.errors import ValidationFailed
from plantops.simulation.model import Rates

NAMES = frozenset(f.name for f in fields(Rates))
DEMO = "demo-rates.yaml"


class RatesBook:
    def __init__(self, document: dict[str, Any]) -> None:
        if not isinstance(document, dict) or document.get("format") != "plantops-rates":
            raise ValidationFailed.one(
                ("format",), "a rates file starts with format: plantops-rates"
            )
        self.defaults = _rates(Rates(), document.get("defaults", {}), ("defaults",))
        self.kinds = {
            kind: _rates(self.defaults, values, ("kinds", kind))
            for kind, values in _mapping(document.get("kinds", {}), ("kinds",)).items()
        }
        self.sites = _mapping(document.get("sites", {}), ("sites",))
        for site, section in self.sites.items():  # all checked now: none refused half-way
            centers = _mapping(section, ("sites", site)).get("work_centers") or {}
            for center in ("", *centers):
                for kind in ("", *self.kinds):
                    self.rates(site, center, kind)

    def rates(self, site: str, work_center: str, kind: str) -> Rates:
        base = self.kinds.get(kind, self.defaults)
        at_site = _mapping(self.sites.get(site, {}), ("sites", site))
        centers = _mapping(at_site.get("work_centers", {}), ("sites", site, "work_centers"))
        plain = {k: v for k, v in at_site.items() if k != "work_centers"}
        base = _rates(base, plain, ("sites", site))
        return _rates(
            base, centers.get(work_center, {}), ("sites", site, "work_centers", work_center)
        )


def load(path: Path | None = None) -> RatesBook:
    """The rates file at `path`, or the demo plant's."""
    if path is None:
        text = resources.files("plantops.simulation").joinpath(DEMO).read_text("utf-8")
    else:
        text = path.read_text("utf-8")
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ValidationFailed.one(("file",), f"not YAML: {error}") from None
    return RatesBook(document)


def _mapping(value: Any, where: tuple[str, ...]) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationFailed.one(where, "must be a mapping")
    return value


def _rates(base: Rates, values: Any, where: tuple[str, ...]) -> Rates:
    values = _mapping(values, where)
    for name, value in values.items():
        if name not in NAMES:
            raise ValidationFailed.one(
                (*where, name), f"unknown rate; known: {', '.join(sorted(NAMES))}"
            )
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValidationFailed.one((*where, name), "must be a number")
    try:
        return replace(base, **{k: float(v) for k, v in values.items()})
    except ValueError as error:
        raise ValidationFailed.one(where, str(error)) from None

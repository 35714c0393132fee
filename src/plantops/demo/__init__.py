"""The deterministic demo plant: `build_plant(seed, scale)` returns a plant document, and
`plantops.demo.loader` loads it through the importer."""

from plantops.demo.plant import build_plant, week_start

__all__ = ["build_plant", "week_start"]

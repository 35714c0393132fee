"""PlantOps: production management for discrete manufacturing."""

__version__ = "0.1.0"

"""Regression on small instances with proven optima: the engine's schedule passes the
independent checker and the checker's objective equals the optimum."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from plantops.scheduling.checker import check, objective_value
from plantops.scheduling.readers import read_instance

DATA = Path("/work/shared/benchmarks")
ENGINE = importlib.util.find_spec("plantops.scheduling.solver") is not None

pytestmark = [
    pytest.mark.skipif(not DATA.is_dir(), reason="the shared benchmark set is absent"),
    pytest.mark.skipif(
        not ENGINE, reason="the engine (plantops.scheduling.solver) is not built yet"
    ),
]


@pytest.mark.parametrize(
    ("file", "optimum"), [("jssp/ft06.txt", 55), ("jssp/la01.txt", 666), ("fjsp/mk01.fjs", 40)]
)
def test_proven_optimum_reached_and_verified(file: str, optimum: int) -> None:
    from plantops.scheduling.solver import solve

    problem = read_instance(DATA / file).problem
    schedule = solve(problem, time_limit=10.0, workers=2, seed=0)
    assert check(problem, schedule) == []
    assert objective_value(problem, schedule) == optimum

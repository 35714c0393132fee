"""The parts of the scheduling benchmark (benchmarks/schedule.py).

The peers, each built from the same plantops Problem and returning a plantops Schedule for the
independent checker: `textbook`, the CP-SAT model users write from the OR-Tools documentation,
and `pyjobshop_peer`, PyJobShop's model (a benchmark-only dependency) on OR-Tools. Both cover
the benchmark families only (job shop, flexible job shop, permutation flow shops with due
dates or setups) and refuse other features rather than solve a different problem.

`scale` generates the random job shops and measures one run; `report` writes the tables."""

"""An independent checker: verifies any schedule against every constraint of problem.py and
computes its objective, so tests and benchmarks never take the solver's word for either.

It shares no code with the engine on purpose (only the problem and schedule types). Where
problem.py leaves room, the checker takes the plain meaning, written down here:

- Time is half-open: an operation occupies [start, end). Available intervals of a resource are
  sorted and merged first, so touching intervals form one stretch of available time.
- `Breaks.fit`: end - start equals the mode's duration and [start, end) lies inside one
  available stretch. `Breaks.pause`: start and end lie in available time, and the available time
  inside [start, end) equals the duration. Without a calendar both mean end - start == duration.
- An operation holds its resource and its needs only while it works: a pausing operation
  frees its crew during the breaks it waits through (a crew on shift is not held overnight).
- Lags count from a reference point: before's end (finish_start) or start (start_start), and
  with a `share`, start_start's point moves on by ceil(share x before's span), its span being
  end - start (the duration, plus the breaks a pausing operation waits through; computed with a
  1e-9 tolerance so that 0.3 x 10 is 3). after.start - point lies within [min_lag, max_lag];
  with a share, after.end >= before.end as well.
- Changeovers apply between consecutive operations on a capacity-1 resource whose setup
  families differ (within a family there is none, whatever the table says): the later one
  starts at least the changeover time after the earlier one ends (elapsed time; a setup may
  happen during a break). No changeover before the first operation; a missing pair costs 0.
- A flow line holds when one job order fits every listed resource: each resource runs the jobs
  visiting it in that order (by start time).
- Releases bound every operation's start, deadlines every operation's end, the horizon (when
  set) every end.
- Objective: makespan is the latest end; a job's completion is its latest end; tardiness and
  late jobs count jobs with a due time; flow time is completion - release; setup time sums the
  changeovers between consecutive operations on capacity-1 resources; deviation sums
  |start - previous start| plus the objective's move_penalty per operation on another resource
  than before. A
  lexicographic objective is reported as the weighted sum of its terms too."""

from plantops.scheduling.checker.objective import objective_value, term_values
from plantops.scheduling.checker.rules import check

__all__ = ["check", "objective_value", "term_values"]

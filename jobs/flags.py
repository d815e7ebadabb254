"""Nightly: judge every clock in the registry (crm/clocks/) on the day, tell each new
flag's owner, and clear the flags whose cause has gone.

The same judging runs on every write, for the records written (crm.clocks.judge_on_write);
this run is the safety net for the clocks the calendar moves. It clears only the kinds
of flag its own clocks judge: the retention review's flags belong to the data_retention
job.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from crm.clocks import clocks_of, sync_flags


def flag_work(as_of: date, progress: Callable[[int, int], None] | None = None) -> dict:
    """Raise, update and clear this job's kinds of flag so that they match the rules on
    `as_of`. Does not commit."""
    return sync_flags(as_of, clocks_of("flag_work"), progress=progress)

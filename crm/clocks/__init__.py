"""The service's clocks and duties, in one registry.

Each entry is one kind of flag: the record it applies to (a case or a household),
the rule that judges it (a pure domain rule, quoted where it lives), how the
candidates on a day are found, who owns the work, and the job that runs it at night.
Everything that raises, clears or counts a flag reads this registry:

- `sync_flags` judges clocks for some or all records and makes the open flags match,
  clearing only the kinds it was asked to judge (a job never clears another's flags);
- `judge_on_write` (installed on the session by the app factory) re-judges the clocks
  of every case or household a transaction wrote to, before it commits, so open flags
  are true all day; the nightly run stays the safety net for clocks the calendar moves;
- counts and the lists they open read the same open flags (`open_flags`).

Adding a clock is a flag kind, a judge in registry.py (or a kind a judge already reports) and an
entry in CLOCKS; `tests/test_clocks.py` fails when a kind has no entry.
"""

from crm.clocks.flags import (
    flagged_case_list,
    flagged_cases,
    flagged_household_list,
    flagged_households,
    judge_on_write,
    open_flags,
    sync_flags,
)
from crm.clocks.registry import (
    BY_KIND,
    CASE_FLAGS,
    CLOCKS,
    DUTY_FLAGS,
    HOUSEHOLD_FLAGS,
    Clock,
    clocks_of,
    households_past_retention,
)

__all__ = [
    "BY_KIND",
    "CASE_FLAGS",
    "CLOCKS",
    "DUTY_FLAGS",
    "HOUSEHOLD_FLAGS",
    "Clock",
    "clocks_of",
    "flagged_case_list",
    "flagged_cases",
    "flagged_household_list",
    "flagged_households",
    "households_past_retention",
    "judge_on_write",
    "open_flags",
    "sync_flags",
]

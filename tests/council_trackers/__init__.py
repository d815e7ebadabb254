"""Two councils' own trackers, as they keep them, for the mapping step's tests.

Oakshire (oakshire.csv): a title row, then "Ref No", "Date of Enquiry", "Tel No", one
"Name" column, dates as 12/4/25, values such as "Main", "Family & Friends", "Withdrawn",
"Stage 1", "moving house", and a "Worker" column Hearth has no place for.

Riverton (`write_riverton`, a workbook): what a second council does differently: two
merged title rows and a blank row above the headers, forename and surname apart, an
empty column with no header, other header words ("Enquiry ID", "IHV date", "ADM decision
date", "Current stage"), dates as Excel dates, as 2025-04-12 and as '12 April 2025',
"F&F" and "Connected Person", "Withdrew" and "Closed", and "Notes" and "Social worker"
columns.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

OAKSHIRE = Path(__file__).with_name("oakshire.csv")

RIVERTON_HEADERS = [
    "Enquiry ID", "Date enquiry received", "Forename", "Surname", "", "Mobile",
    "Enquiry Source", "Fostering type", "Initial contact", "IHV date", "Application",
    "Stage 2 started", "Panel date", "ADM decision date", "Current stage", "Closure date",
    "Closure reason", "Notes", "Social worker",
]  # fmt: skip
D = date
RIVERTON_ROWS = [
    [1001, "12 April 2025", "Jane", "Okafor", None, "07700 900101", "Google", "Mainstream",
     D(2025, 4, 14), "2025-05-01", None, None, None, None, "Initial visit", None, None,
     None, "K. Ahmed"],
    [1002, D(2025, 1, 6), "Peter", "Walsh", None, None, "Facebook", "F&F", D(2025, 1, 7),
     D(2025, 1, 20), D(2025, 2, 3), None, None, None, "Stage One", None, None,
     "Grandfather of the child", "K. Ahmed"],
    [1003, D(2024, 9, 2), "Mina", "Shah", None, None, "Friend", "Mainstream", D(2024, 9, 3),
     D(2024, 9, 20), D(2024, 10, 7), D(2024, 12, 2), None, None, "Stage Two", None, None,
     None, "L. Grant"],
    [1004, D(2024, 11, 11), "Rob", "Allen", None, None, "Google", "Mainstream",
     D(2024, 11, 12), None, None, None, None, None, "Withdrew", "12 Dec 2024",
     "Applicant pregnant", "Might return in 2026", None],
    [1005, D(2025, 3, 3), "Kay", "Lee", None, None, "Google", "Connected Person",
     D(2025, 3, 4), None, None, None, None, None, "Closed", "2025-04-30",
     "No response to calls", None, "L. Grant"],
    [1006, D(2025, 2, 10), "Sam", "Reid", None, None, "Friend", "Mainstream", D(2025, 2, 11),
     D(2025, 3, 1), None, None, None, None, "On Hold", D(2025, 3, 20), None,
     "House move; back in touch in the autumn", "K. Ahmed"],
    [1007, D(2023, 10, 2), "Ann", "Cole", None, None, "Facebook", "Mainstream",
     D(2023, 10, 3), D(2023, 10, 20), D(2023, 11, 6), D(2024, 1, 8), D(2024, 6, 3),
     D(2024, 6, 17), "Approved", None, None, None, "K. Ahmed"],
]  # fmt: skip


def write_riverton(path: Path) -> Path:
    """Riverton's tracker as a workbook: merged title rows, then a blank row, then headers."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Riverton Borough Council"])
    sheet.append(["Fostering recruitment tracker, updated 30 June 2025"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(RIVERTON_HEADERS))
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(RIVERTON_HEADERS))
    sheet.append([])
    sheet.append(RIVERTON_HEADERS)
    for row in RIVERTON_ROWS:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
    workbook.save(path)
    return path

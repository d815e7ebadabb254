"""Importing existing carers and their history: all or nothing, every bad row reported."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from crm.domain.stages import EventKind, Stage
from crm.models import AuditEvent, CarerEvent, HouseholdStatus, PlacementEnding
from tests.factories import CaseFactory, advance
from tests.household_files import (
    event,
    households,
    run_events,
    run_households,
    smiths,
)


class TestHouseholds:
    def test_a_good_file_creates_households_with_terms_and_worker(self, db, ssw, households_file):
        result = run_households(households_file(smiths(ssw)))
        household = households(db)["HH-1"]
        assert result.created == 1
        assert [c.full_name for c in household.carers] == ["Ann Smith", "Bob Smith"]
        assert household.terms_on(date(2020, 1, 15)).categories == ["short_term", "respite"]
        assert household.supervising_worker_id == ssw.id

    def test_an_unknown_worker_email_is_an_error_not_a_blank(self, db, ssw, households_file):
        result = run_households(
            households_file(smiths(ssw, supervising_worker_email="nobody@council.gov.uk"))
        )
        assert [(e.row, e.column) for e in result.errors] == [(2, "supervising_worker_email")]

    def test_a_deregistered_row_needs_its_date_and_reason(self, db, ssw, households_file):
        result = run_households(households_file(smiths(ssw, status="deregistered")))
        assert result.errors[0].column == "deregistration_date"

    def test_deregistration_is_imported_with_reason_and_initiator(self, db, ssw, households_file):
        run_households(
            households_file(
                smiths(
                    ssw,
                    status="deregistered",
                    deregistration_date="2025-03-01",
                    deregistration_reason="transfer_to_ifa",
                    deregistration_initiated_by="carer",
                )
            )
        )
        household = households(db)["HH-1"]
        assert (household.status, household.deregistration_reason.value) == (
            HouseholdStatus.DEREGISTERED,
            "transfer_to_ifa",
        )

    def test_bad_rows_are_all_reported_and_nothing_is_kept(self, db, ssw, households_file):
        result = run_households(
            households_file(
                smiths(ssw),
                smiths(ssw, reference="HH-2", categories="knitting"),
                smiths(ssw, reference="HH-3", approved_places="nine"),
            )
        )
        assert [(e.row, e.column) for e in result.errors] == [
            (3, "categories"),
            (4, "approved_places"),
        ]

    def test_reimporting_changes_nothing(self, db, ssw, households_file):
        path = households_file(smiths(ssw))
        run_households(path)
        db.session.commit()
        again = run_households(path)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 1)

    def test_a_reference_from_an_approved_case_becomes_that_household(
        self, db, ssw, households_file
    ):
        case = advance(
            CaseFactory(reference="HH-1", enquiry_date=date(2019, 1, 2)),
            (EventKind.FIRST_CONTACT, date(2019, 1, 3)),
            (EventKind.INITIAL_VISIT, date(2019, 2, 1)),
            (EventKind.APPLICATION, date(2019, 3, 1)),
            (EventKind.STAGE2_START, date(2019, 4, 1)),
            (EventKind.PANEL, date(2020, 1, 2)),
            (EventKind.APPROVAL, date(2020, 1, 15)),
        )
        assert case.stage is Stage.APPROVED
        run_households(households_file(smiths(ssw)))
        assert households(db)["HH-1"].case_id == case.id

    def test_skip_invalid_keeps_the_good_rows(self, db, ssw, households_file):
        result = run_households(
            households_file(smiths(ssw), smiths(ssw, reference="HH-2", status="retired")), skip=True
        )
        assert result.created == 1 and sorted(households(db)) == ["HH-1"]

    def test_a_row_that_fails_part_way_leaves_nothing_behind(self, db, ssw, households_file):
        # Created, then refused at deregistration (a date before approval).
        result = run_households(
            households_file(
                smiths(
                    ssw,
                    status="deregistered",
                    deregistration_date="2019-01-01",
                    deregistration_reason="other",
                    deregistration_initiated_by="service",
                )
            ),
            skip=True,
        )
        db.session.commit()
        assert "before the household was approved" in result.errors[0].reason
        assert households(db) == {}


class TestCarerEvents:
    @pytest.fixture
    def imported(self, db, ssw, households_file):
        run_households(households_file(smiths(ssw)))
        db.session.commit()
        return households(db)["HH-1"]

    def test_visits_training_and_surveys_are_imported(self, db, imported, events_file):
        result = run_events(
            events_file(
                event("2025-01-10", "supervision_visit"),
                event("2025-02-01", "training", value="6", note="Safer caring"),
                event("2025-03-01", "survey", value="4"),
            )
        )
        assert (result.created, result.errors) == (3, [])
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CarerEvent)) == 3

    def test_placements_start_end_and_disruptions(self, db, imported, events_file):
        run_events(
            events_file(
                event("2024-01-01", "placement_start", child_reference="C1"),
                event("2024-06-01", "disruption", child_reference="C1"),
            )
        )
        placement = imported.placements[0]
        assert (placement.end_date, placement.ending) == (
            date(2024, 6, 1),
            PlacementEnding.DISRUPTION,
        )

    @pytest.mark.parametrize(
        ("row", "column", "reason"),
        [
            ({"date": "2019-01-01", "type": "supervision_visit"}, "date", "before the household"),
            ({"date": "2026-01-01", "type": "respite"}, "date", "in the future"),
            (
                {"date": "2025-01-01", "type": "placement_end", "child_reference": "C9"},
                "child_reference",
                "no current placement",
            ),
            ({"date": "2025-01-01", "type": "placement_start"}, "child_reference", "required"),
            ({"date": "2025-01-01", "type": "survey", "value": "9"}, "value", "from 1 to 5"),
            ({"date": "2025-01-01", "type": "teatime"}, "type", "unknown type"),
        ],
    )
    def test_a_bad_row_is_refused_with_its_reason(
        self, db, imported, events_file, row, column, reason
    ):
        result = run_events(events_file({"household_reference": "HH-1", **row}))
        assert [(e.row, e.column) for e in result.errors] == [(2, column)]
        assert reason in result.errors[0].reason

    def test_each_household_whose_history_was_imported_is_audited_once(
        self, db, imported, events_file
    ):
        run_events(
            events_file(
                event("2025-01-10", "supervision_visit"),
                event("2025-02-10", "supervision_visit"),
                event("2025-03-01", "break_start"),
            )
        )
        summaries = db.session.scalars(
            sa.select(AuditEvent.summary).where(
                AuditEvent.entity_type == "Household",
                AuditEvent.entity_id == str(imported.id),
                AuditEvent.summary.like("history imported%"),
            )
        ).all()
        assert summaries == ["history imported: 1 × break, 2 × supervision visit"]

    def test_an_open_break_in_the_history_puts_the_household_on_a_break(
        self, db, imported, events_file
    ):
        run_events(events_file(event("2025-03-01", "break_start")))
        db.session.commit()
        db.session.refresh(imported)
        assert imported.status is HouseholdStatus.ON_BREAK
        assert [(b.start_date, b.end_date) for b in imported.breaks] == [(date(2025, 3, 1), None)]

    def test_an_unknown_household_is_refused(self, db, imported, events_file):
        result = run_events(
            events_file({"household_reference": "HH-404", "date": "2025-01-01", "type": "respite"})
        )
        assert result.errors[0].column == "household_reference"

    def test_reimporting_the_same_events_adds_nothing(self, db, imported, events_file):
        path = events_file(
            event("2025-01-10", "supervision_visit"),
            event("2024-01-01", "placement_start", child_reference="C1"),
        )
        run_events(path)
        db.session.commit()
        again = run_events(path)
        assert (again.created, again.unchanged, again.errors) == (0, 2, [])

    def test_the_cli_imports_households_then_events(
        self, runner, db, ssw, households_file, events_file
    ):
        first = runner.invoke(args=["import-households", str(households_file(smiths(ssw)))])
        assert first.exit_code == 0, first.output
        second = runner.invoke(
            args=[
                "import-carer-events",
                str(events_file(event("2025-01-10", "supervision_visit"))),
            ]
        )
        assert second.exit_code == 0, second.output
        assert "Imported: 1 new" in second.output

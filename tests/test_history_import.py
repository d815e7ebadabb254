"""Carers' history imported at its own dates: placements years before a household
left, earlier terms of approval, and a connected person's temporary approval."""

from __future__ import annotations

from datetime import date

import pytest

from tests.household_files import (
    event,
    households,
    run_events,
    run_households,
    smiths,
)


class TestHistoryAtItsOwnDate:
    """A complete history imports whatever the household's state is today."""

    @pytest.fixture
    def left_in_2023(self, db, ssw, households_file):
        """HH-1, approved 15 Jan 2020, deregistered 1 May 2023."""
        left = smiths(
            ssw,
            status="deregistered",
            deregistration_date="2023-05-01",
            deregistration_reason="retirement",
            deregistration_initiated_by="carer",
        )
        run_households(households_file(left))
        db.session.commit()

    @pytest.mark.usefixtures("left_in_2023")
    def test_placements_years_before_a_household_left_are_accepted(self, db, events_file):
        result = run_events(
            events_file(
                event("2019-01-10", "placement_start", child_reference="C-OLD"),
                event("2020-03-02", "placement_start", child_reference="C-1"),
                event("2021-06-01", "placement_end", child_reference="C-1"),
                event("2022-02-02", "supervision_visit"),
            )
        )
        assert [str(e) for e in result.errors] == [
            "row 2, date: The placement start date 10 Jan 2019 is before the household was "
            "approved (15 Jan 2020)."
        ]
        db.session.rollback()  # all or nothing: the caller keeps nothing from a refused file
        result = run_events(
            events_file(
                event("2020-03-02", "placement_start", child_reference="C-1"),
                event("2021-06-01", "placement_end", child_reference="C-1"),
                event("2022-02-02", "supervision_visit"),
            )
        )
        assert result.errors == [] and result.created == 3

    @pytest.mark.usefixtures("left_in_2023")
    def test_a_placement_after_the_household_left_is_still_refused(self, events_file):
        result = run_events(
            events_file(
                event("2023-06-01", "placement_start", child_reference="C-2"),
            )
        )
        assert "deregistered on 1 May 2023" in result.errors[0].reason


class TestTermsHistory:
    """Terms of approval keep their own dates: the households file holds those in force
    now (from terms_from), the carer events file the earlier ones (terms_change)."""

    @pytest.fixture
    def reduced_in_2023(self, db, ssw, households_file):
        """HH-1, approved 15 Jan 2020; 2 places from 1 Mar 2023."""
        run_households(households_file(smiths(ssw, terms_from="2023-03-01")))
        db.session.commit()
        return households(db)["HH-1"]

    def test_current_terms_start_on_terms_from(self, reduced_in_2023):
        assert [(t.effective_from, t.places) for t in reduced_in_2023.terms_history] == [
            (date(2023, 3, 1), 2)
        ]

    def test_earlier_terms_fill_the_years_before(self, db, reduced_in_2023, events_file):
        result = run_events(
            events_file(
                event("2020-01-15", "terms_change", value="3", categories="long_term"),
                *(
                    event("2021-05-01", "placement_start", child_reference=f"C{n}")
                    for n in range(3)
                ),
            )
        )
        assert (result.created, result.errors) == (4, [])
        db.session.commit()
        db.session.refresh(reduced_in_2023)
        assert reduced_in_2023.terms_on(date(2021, 5, 1)).places == 3
        assert reduced_in_2023.terms_on(date(2023, 3, 1)).places == 2

    @pytest.mark.parametrize(
        ("row", "column", "reason"),
        [
            ({"date": "2019-01-01", "value": "3"}, "date", "before the household was approved"),
            ({"date": "2023-03-01", "value": "3"}, "date", "already start on 1 Mar 2023"),
            ({"date": "2020-01-15"}, "value", "approved places"),
            ({"date": "2020-01-15", "value": "9"}, "value", "1 to 6 places"),
        ],
    )
    def test_a_terms_change_the_rules_refuse(
        self, reduced_in_2023, events_file, row, column, reason
    ):
        result = run_events(
            events_file({"household_reference": "HH-1", "type": "terms_change", **row})
        )
        assert [(e.column) for e in result.errors] == [column]
        assert reason in result.errors[0].reason


class TestTemporaryApproval:
    """A connected person approved temporarily first (reg 24): the named child's
    placement starts before the full approval, and no other child's may."""

    @pytest.fixture
    def connected(self, db, ssw, households_file):
        row = smiths(
            ssw,
            carer_type="kinship",
            approved_places="1",
            temporary_approval_date="2019-10-01",
            temporary_approval_child="C-NAMED",
        )
        run_households(households_file(row))
        db.session.commit()

    @pytest.mark.usefixtures("connected")
    def test_the_named_child_is_placed_before_the_full_approval(self, db, events_file):
        result = run_events(
            events_file(event("2019-10-02", "placement_start", child_reference="C-NAMED"))
        )
        assert (result.created, result.errors) == (1, [])

    @pytest.mark.usefixtures("connected")
    def test_another_child_is_not(self, db, events_file):
        result = run_events(
            events_file(event("2019-10-02", "placement_start", child_reference="C-OTHER"))
        )
        assert [e.column for e in result.errors] == ["child_reference"]
        assert "only C-NAMED, named in the temporary approval" in result.errors[0].reason


class TestPlacedChildsAge:
    """A placement records its child's date of birth (or, where it is not held, their
    age at the start): the sufficiency table counts each filled place in the band of the
    child in it (issue 31, item 5). HH-1, approved 15 Jan 2020."""

    @pytest.fixture
    def approved(self, db, ssw, households_file):
        run_households(households_file(smiths(ssw)))
        db.session.commit()

    def placements(self, db):
        return {p.child_reference: p for p in households(db)["HH-1"].placements}

    @pytest.mark.usefixtures("approved")
    def test_a_placement_start_gives_the_childs_birth_date_or_age_at_the_start(
        self, db, events_file
    ):
        result = run_events(
            events_file(
                event(
                    "2021-03-01",
                    "placement_start",
                    child_reference="C-1",
                    child_birth_date="02/03/2013",
                ),
                event("2022-01-10", "placement_start", child_reference="C-2", child_age="9"),
                event("2022-04-30", "placement_end", child_reference="C-1"),
                event("2022-05-01", "placement_start", child_reference="C-3"),
            )
        )
        assert result.errors == []
        db.session.commit()
        placed = self.placements(db)
        # Born 2 Mar 2013, the child was 7 on 1 Mar 2021 (a day short of 8).
        assert (placed["C-1"].child_birth_date, placed["C-1"].child_age) == (date(2013, 3, 2), 7)
        assert (placed["C-2"].child_birth_date, placed["C-2"].child_age) == (None, 9)
        assert (placed["C-3"].child_birth_date, placed["C-3"].child_age) == (None, None)

    @pytest.mark.usefixtures("approved")
    def test_a_birth_after_the_start_or_an_age_that_disagrees_is_refused(self, events_file):
        result = run_events(
            events_file(
                event(
                    "2021-03-01",
                    "placement_start",
                    child_reference="C-1",
                    child_birth_date="2021-04-01",
                ),
                event(
                    "2021-03-01",
                    "placement_start",
                    child_reference="C-2",
                    child_birth_date="2013-03-02",
                    child_age="8",
                ),
                event("2021-03-02", "supervision_visit", child_age="8"),
            )
        )
        assert [(e.row, e.column) for e in result.errors] == [
            (2, "child_birth_date"),
            (3, "child_age"),
            (4, "child_age"),
        ]
        assert "was 7 when the placement started on 1 Mar 2021, not 8" in result.errors[1].reason

    @pytest.mark.usefixtures("approved")
    def test_a_placement_imported_without_the_childs_age_gains_it_from_a_later_file(
        self, db, events_file
    ):
        """A council that imported its history before the column existed imports the
        same file again with birth dates: each placement gains its child's, once."""
        run_events(events_file(event("2021-03-01", "placement_start", child_reference="C-1")))
        db.session.commit()
        again = events_file(
            event(
                "2021-03-01",
                "placement_start",
                child_reference="C-1",
                child_birth_date="2013-03-02",
            ),
        )
        result = run_events(again)
        assert (result.errors, result.created) == ([], 1)
        db.session.commit()
        placed = self.placements(db)
        assert len(placed) == 1
        assert (placed["C-1"].child_birth_date, placed["C-1"].child_age) == (date(2013, 3, 2), 7)
        assert run_events(again).unchanged == 1

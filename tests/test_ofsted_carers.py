"""Ofsted's annual return counts foster carers by age, sex, ethnic group and disability,
as far as Hearth holds them: carers of the households current on 31 March."""

from __future__ import annotations

from datetime import date

from crm.domain.characteristics import Disability, Ethnicity, Sex
from crm.metrics.ofsted import ofsted_return
from crm.models import Carer, CarerType
from tests.factories import HouseholdFactory


def test_carers_are_counted_by_what_is_recorded_and_the_rest_as_not_recorded(db):
    HouseholdFactory(
        carers=[
            Carer(
                full_name="Ann",
                birth_date=date(1970, 6, 1),
                sex=Sex.FEMALE,
                ethnicity=Ethnicity.BLACK_CARIBBEAN,
                disability=Disability.NO,
            ),
            Carer(full_name="Bo", birth_date=date(1999, 4, 1), ethnicity=Ethnicity.WHITE_IRISH),
        ]
    )
    HouseholdFactory(carer_type=CarerType.KINSHIP, carers=[Carer(full_name="Cy")])
    gone = HouseholdFactory(carers=[Carer(full_name="Di", sex=Sex.MALE)])
    gone.deregistration_date = date(2025, 1, 31)
    db.session.commit()
    rows = {r.measure.strip(): r.by_type for r in ofsted_return(2024, date(2025, 6, 30))}
    assert rows["Foster carers"] == {"mainstream": 2, "kinship": 1}
    assert rows["Age: 45 to 54"] == {"mainstream": 1, "kinship": 0}
    assert rows["Age: 25 to 34"] == {"mainstream": 1, "kinship": 0}  # 25 on 31 March 2025
    assert rows["Age: not recorded"] == {"mainstream": 0, "kinship": 1}
    assert rows["Sex: female"] == {"mainstream": 1, "kinship": 0}
    assert rows["Sex: not recorded"] == {"mainstream": 1, "kinship": 1}
    assert "Sex: male" not in rows  # Di's household left before 31 March
    assert rows["Ethnic group: Black"] == {"mainstream": 1, "kinship": 0}
    assert rows["Ethnic group: White"] == {"mainstream": 1, "kinship": 0}
    assert rows["Disability: not disabled"] == {"mainstream": 1, "kinship": 0}

"""A panel adviser's review of matching's considerations (issue 31): what the law asks
to weigh is judged as the law words it, worked by hand on one household at a time."""

from __future__ import annotations

from datetime import date

from crm.domain.characteristics import Ethnicity
from crm.domain.matching import Child, Group, Household, Identity, assess

ON = date(2025, 6, 2)


def carers(*ethnicities: Ethnicity) -> Household:
    """Approved for two children aged 0-17, short-term care, both places free."""
    return Household(
        id=1,
        reference="H-1",
        name="The Ahmeds",
        postcode=None,
        places=2,
        filled=0,
        vacant=2,
        min_age=0,
        max_age=17,
        categories=frozenset({"short_term"}),
        identity=Identity(ethnicities=frozenset(ethnicities)),
    )


def child(ethnicity: Ethnicity) -> Group:
    return Group((Child(6),), on=ON, ethnicity=ethnicity)


def test_carers_of_another_heritage_in_the_same_broad_group_do_not_share_the_childs():
    """A Pakistani 6-year-old and Indian carers: both "Asian or Asian British" in the
    census, but not the same racial origin or cultural background (s.22(5)(c)). Weighed
    against them, as for carers of any other heritage; the broad group is said."""
    fit = assess(child(Ethnicity.ASIAN_PAKISTANI), carers(Ethnicity.ASIAN_INDIAN))
    assert fit.weigh == [
        "no carer shares the child's heritage (Asian or Asian British: Pakistani) (s.22(5)(c))"
    ]
    assert fit.tier == 2
    assert not any("shares" in reason for reason in fit.fits)
    assert (
        "a carer is of the same broad group (Asian), not the child's heritage: "
        "weigh what they share" in fit.unknown
    )


def test_a_gypsy_child_does_not_share_a_heritage_with_white_british_carers():
    fit = assess(child(Ethnicity.WHITE_GYPSY), carers(Ethnicity.WHITE_BRITISH))
    assert fit.weigh and fit.tier == 2


def test_carers_of_the_childs_own_heritage_share_it():
    fit = assess(child(Ethnicity.BLACK_CARIBBEAN), carers(Ethnicity.BLACK_CARIBBEAN))
    assert "a carer shares the child's heritage (Black or Black British: Caribbean)" in fit.fits
    assert fit.weigh == [] and fit.tier == 5

"""Who the demo's carers are, at rough rates for England's foster carers (Ofsted's
fostering statistics: mostly women, most White British, few disabled) and about one
in five with nothing recorded, as in a real service's records."""

from __future__ import annotations

import random

import sqlalchemy as sa

from crm.domain.characteristics import Disability, Ethnicity, Religion, Sex
from crm.extensions import db
from crm.models import Carer

UNRECORDED = 0.2
SEX = {Sex.FEMALE: 0.6, Sex.MALE: 0.38, Sex.NOT_SAID: 0.02}
ETHNICITY = {
    Ethnicity.WHITE_BRITISH: 0.78,
    Ethnicity.WHITE_OTHER: 0.04,
    Ethnicity.WHITE_IRISH: 0.01,
    Ethnicity.MIXED_CARIBBEAN: 0.02,
    Ethnicity.ASIAN_INDIAN: 0.03,
    Ethnicity.ASIAN_PAKISTANI: 0.02,
    Ethnicity.BLACK_AFRICAN: 0.04,
    Ethnicity.BLACK_CARIBBEAN: 0.04,
    Ethnicity.NOT_SAID: 0.02,
}
RELIGION = {
    Religion.NONE: 0.4,
    Religion.CHRISTIAN: 0.45,
    Religion.MUSLIM: 0.06,
    Religion.HINDU: 0.02,
    Religion.SIKH: 0.02,
    Religion.NOT_SAID: 0.05,
}
DISABILITY = {Disability.NO: 0.9, Disability.YES: 0.06, Disability.NOT_SAID: 0.04}
LANGUAGES = {
    Ethnicity.ASIAN_INDIAN: "English, Gujarati",
    Ethnicity.ASIAN_PAKISTANI: "English, Urdu",
    Ethnicity.BLACK_AFRICAN: "English, Yoruba",
}


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def describe_carers() -> None:
    """Record characteristics for the demo's carers, each from a generator of its own
    (by id) so the rest of the demo draws what it always did."""
    for carer in db.session.scalars(sa.select(Carer).order_by(Carer.id)):
        rng = random.Random(carer.id)
        if rng.random() < UNRECORDED:
            continue
        carer.sex, carer.ethnicity = _pick(rng, SEX), _pick(rng, ETHNICITY)
        carer.religion, carer.disability = _pick(rng, RELIGION), _pick(rng, DISABILITY)
        carer.languages = LANGUAGES.get(carer.ethnicity, "English")

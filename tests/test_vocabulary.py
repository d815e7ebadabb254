"""Every enum a screen can show carries its own label, so templates never prettify
or compare stored values."""

from __future__ import annotations

import enum
import re
from pathlib import Path

import pytest

import crm.domain.stages
import crm.domain.supervision
import crm.models
from crm.domain.labelled import LabelledEnum
from crm.domain.stages import Stage
from crm.models import DeregistrationReason

ENUMS = sorted(
    {
        obj
        for module in (crm.models, crm.domain.stages, crm.domain.supervision)
        for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, enum.Enum) and obj is not LabelledEnum
    },
    key=lambda e: e.__name__,
)
TEMPLATES = Path(crm.__file__).parent / "templates"


@pytest.mark.parametrize("kind", ENUMS, ids=lambda e: e.__name__)
def test_every_member_has_a_label_of_its_own(kind):
    assert issubclass(kind, LabelledEnum)
    assert all(member.label and member.label.strip() for member in kind)


def test_a_member_is_stored_by_its_value_and_shown_by_its_label():
    assert Stage.STAGE2 == "stage2"
    assert Stage("stage2") is Stage.STAGE2
    assert Stage.STAGE2.label == "Stage 2 assessment"
    assert DeregistrationReason.TRANSFER_TO_IFA.label == "Transfer to an IFA"


def test_no_template_compares_a_stored_value_string():
    comparisons = [
        f"{path.name}: {found}"
        for path in TEMPLATES.rglob("*.html")
        for found in re.findall(r"\.value\s*(?:==|!=)\s*['\"]\w+['\"]", path.read_text())
    ]
    assert comparisons == []

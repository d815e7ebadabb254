"""Enums whose members carry the words the screens show, so a template never
compares or prettifies a stored value: `Stage.STAGE2.label` is "Stage 2 assessment"."""

from __future__ import annotations

import enum


class LabelledEnum(enum.StrEnum):
    """Members are declared `NAME = "stored_value", "Label shown to people"`.

    The value is what the database, imports and exports store; the label is
    what people read. Leaving out the label shows the value in sentence case.
    """

    label: str

    def __new__(cls, value: str, label: str | None = None) -> LabelledEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label if label is not None else value.replace("_", " ").capitalize()
        return member

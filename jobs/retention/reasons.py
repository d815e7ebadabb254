"""Why a household scores as it does, in words a social worker can act on.

For each feature, the model is asked what the risk would be if that one
fact were typical (the training median); the facts that raise the risk most
become the reasons, each with a suggested action. Only facts that are worse
than typical are offered, and only when they move the risk by at least a
percentage point.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jobs.retention.model import TrainedModel


@dataclass(frozen=True)
class ReasonRule:
    words: Callable[[float], str]
    action: str
    worse_when_higher: bool = True


def _n(value: float, one: str, many: str) -> str:
    count = int(round(value))
    return f"{count} {one if count == 1 else many}"


REASONS: dict[str, ReasonRule] = {
    "eldest_carer_age": ReasonRule(
        lambda v: f"carer aged {int(v)}",
        "Talk about their plans, and what would help them carry on "
        "(respite, a lighter role such as short breaks).",
    ),
    "days_since_visit": ReasonRule(
        lambda v: f"no supervision visit for {int(v)} days", "Book a supervision visit this week."
    ),
    "visits_12m": ReasonRule(
        lambda v: (
            f"only {_n(v, 'supervision visit', 'supervision visits')} in the last 12 months"
            if round(v)
            else "no supervision visit in the last 12 months"
        ),
        "Agree a regular visiting pattern with the carers.",
        worse_when_higher=False,
    ),
    "disruptions_12m": ReasonRule(
        lambda v: f"{_n(v, 'placement disruption', 'placement disruptions')} this year",
        "Offer a debrief and therapeutic support after the disruption.",
    ),
    "allegations_12m": ReasonRule(
        lambda v: f"{_n(v, 'allegation', 'allegations')} this year",
        "Check independent support is in place during and after the allegation; ask how they are.",
    ),
    "allegations_ever": ReasonRule(
        lambda v: f"{_n(v, 'allegation', 'allegations')} on record",
        "Ask whether worry about allegations is affecting them.",
    ),
    "complaints_12m": ReasonRule(
        lambda v: f"{_n(v, 'complaint', 'complaints')} this year", "Meet to resolve the complaint."
    ),
    "respite_12m": ReasonRule(
        lambda v: "no respite in the last 12 months",
        "Offer respite or a short break.",
        worse_when_higher=False,
    ),
    "support_12m": ReasonRule(
        lambda v: "no support group or buddy contact this year",
        "Introduce a support group or a buddy carer.",
        worse_when_higher=False,
    ),
    "last_survey_score": ReasonRule(
        lambda v: f"last survey score {int(v)} out of 5",
        "Ask what would make fostering with us better.",
        worse_when_higher=False,
    ),
    "days_without_child": ReasonRule(
        lambda v: f"no child placed for {int(v)} days",
        "Talk about matching, and whether their approval still fits what they want to offer.",
    ),
    "days_since_review": ReasonRule(
        lambda v: f"last annual review {int(v)} days ago", "Book the annual review."
    ),
    "days_since_unannounced": ReasonRule(
        lambda v: f"no unannounced visit for {int(v)} days", "Plan an unannounced visit."
    ),
    "training_hours_12m": ReasonRule(
        lambda v: f"{int(v)} hours of training this year",
        "Agree a training and development plan.",
        worse_when_higher=False,
    ),
    "months_without_tsd": ReasonRule(
        lambda v: f"TSD standards not done {int(v)} months in",
        "Support them to finish the TSD standards.",
    ),
}
MIN_EFFECT = 0.01


def explain(model: TrainedModel, features: pd.DataFrame, top: int = 3) -> list[list[dict]]:
    """The top reasons for each row of `features`, most influential first."""
    risk = model.predict(features)
    effects = {}
    for name, rule in REASONS.items():
        typical = model.typical[name]
        if pd.isna(typical):
            continue
        as_typical = features.copy()
        as_typical[name] = typical
        effect = risk - model.predict(as_typical)
        values = features[name].to_numpy()
        worse = values > typical if rule.worse_when_higher else values < typical
        effects[name] = np.where(worse & ~np.isnan(values), effect, 0.0)
    reasons = []
    for row in range(len(features)):
        ranked = sorted(((effects[n][row], n) for n in effects), reverse=True)
        reasons.append(
            [
                {
                    "feature": name,
                    "text": REASONS[name].words(features[name].iloc[row]),
                    "action": REASONS[name].action,
                    "effect": round(float(effect), 4),
                }
                for effect, name in ranked[:top]
                if effect >= MIN_EFFECT
            ]
        )
    return reasons

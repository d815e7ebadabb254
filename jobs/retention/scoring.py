"""Score every household active on a date, with a band and reasons: `flask risk`."""

from __future__ import annotations

from datetime import date

from crm.domain.settings import Settings
from crm.models.setting import load_settings
from jobs.retention.data import load_history
from jobs.retention.features import FEATURE_WORDS, History, features_at
from jobs.retention.model import (
    BASELINE,
    ImplausibleModel,
    TooLittleHistory,
    TrainedModel,
    train,
)
from jobs.retention.reasons import explain


def band(risk: float, settings: Settings) -> str:
    if risk * 100 >= settings.risk_high_percent:
        return "high"
    if risk * 100 >= settings.risk_medium_percent:
        return "medium"
    return "low"


def model_summary(model: TrainedModel) -> dict:
    chosen = model.evaluations[model.name]
    return {
        "version": f"{model.trained_on:%Y%m%d}-{model.name}",
        "name": model.name,
        "trained_on": model.trained_on.isoformat(),
        "roc_auc": chosen.roc_auc,
        "pr_auc": chosen.pr_auc,
        "brier": chosen.brier,
        "baseline_roc_auc": model.evaluations[BASELINE].roc_auc,
        "baseline_chosen": model.name == BASELINE,
        "uses": [FEATURE_WORDS[name] for name in model.uses],
        "evaluations": {name: e.as_dict() for name, e in model.evaluations.items()},
        "counts": model.counts,
    }


def risk_report(
    as_of: date, settings: Settings | None = None, history: History | None = None
) -> dict:
    """Train on the history before `as_of` and score every household active on it."""
    settings = settings or load_settings()
    history = history if history is not None else load_history()
    features = features_at(history, as_of)
    references = history.households.set_index("id")["reference"]
    try:
        model = train(history, as_of, settings.risk_min_departures)
    except (TooLittleHistory, ImplausibleModel) as not_kept:
        return {
            "as_of": as_of.isoformat(),
            "model": None,
            "message": str(not_kept),
            "households": [
                {"reference": references[i], "risk": None, "band": None, "reasons": []}
                for i in features.index
            ],
        }
    risks = model.predict(features)
    reasons = explain(model, features)
    households = [
        {
            "reference": references[i],
            "risk": round(float(r), 4),
            "band": band(r, settings),
            "reasons": why,
        }
        for i, r, why in zip(features.index, risks, reasons, strict=True)
    ]
    households.sort(key=lambda h: -h["risk"])
    return {"as_of": as_of.isoformat(), "model": model_summary(model), "households": households}

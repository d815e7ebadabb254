"""Keep trained models and scores in the database (retrain monthly, rescore nightly)."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from datetime import date

import sqlalchemy as sa

from crm.extensions import db
from crm.models import RiskModel, RiskScore
from crm.models.risk import latest_risk_model
from crm.models.setting import load_settings
from jobs.retention.data import load_history
from jobs.retention.features import features_at
from jobs.retention.model import ImplausibleModel, TooLittleHistory, TrainedModel, train
from jobs.retention.reasons import explain
from jobs.retention.scoring import band, model_summary


def retrain(as_of: date, progress: Callable[[int, int], None] | None = None) -> dict:
    """Train on the history before `as_of` and keep the model. Does not commit."""
    settings = load_settings()
    try:
        model = train(load_history(), as_of, settings.risk_min_departures)
    except TooLittleHistory as too_little:
        return {"status": "too_little_history", "message": str(too_little)}
    except ImplausibleModel as implausible:
        return {"status": "implausible", "message": str(implausible)}
    summary = model_summary(model)
    stored = db.session.scalar(sa.select(RiskModel).where(RiskModel.version == summary["version"]))
    stored = stored or RiskModel(version=summary["version"])
    stored.trained_on, stored.summary = as_of, summary
    stored.payload = pickle.dumps(model)
    db.session.add(stored)
    if progress:
        progress(1, 1)
    return {
        "status": "trained",
        "version": summary["version"],
        "chosen": model.name,
        "roc_auc": summary["roc_auc"],
        "baseline_roc_auc": summary["baseline_roc_auc"],
    }


def rescore(as_of: date, progress: Callable[[int, int], None] | None = None) -> dict:
    """Score every household active on `as_of` with the latest model. Does not commit."""
    stored = latest_risk_model()
    if stored is None:
        return {"status": "no_model", "scored": 0}
    model: TrainedModel = pickle.loads(stored.payload)  # written only by retrain()
    settings = load_settings()
    features = features_at(load_history(), as_of)
    risks, reasons = model.predict(features), explain(model, features)
    db.session.execute(
        sa.delete(RiskScore).where(RiskScore.as_of == as_of, RiskScore.model_id == stored.id)
    )
    db.session.add_all(
        RiskScore(
            household_id=int(household_id),
            model_id=stored.id,
            as_of=as_of,
            risk=round(float(risk), 4),
            band=band(risk, settings),
            reasons=why,
        )
        for household_id, risk, why in zip(features.index, risks, reasons, strict=True)
    )
    if progress:
        progress(1, 1)
    return {"status": "scored", "scored": len(features), "model": stored.version}

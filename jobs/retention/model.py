"""Train, evaluate and choose the retention risk model, honestly.

Training examples are monthly snapshots of every household active on the
snapshot date, labelled 1 if it deregistered within the next 12 months.
Only snapshots whose whole label window ends on or before as-of are used.

The split is by time: the last year of snapshot dates is the test set, and
training uses only snapshots whose label window closed before the test
period began, so nothing the model learns from happened during the test.
Three candidates are compared on the test set: a baseline (logistic
regression on the eldest carer's age alone), a regularised logistic
regression on every feature, and gradient-boosted trees; each is calibrated
(Platt scaling, 3-fold, within the training data). The winner by ROC AUC is
refitted on every labelled snapshot for scoring.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_selection import VarianceThreshold
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from jobs.retention.features import FEATURES, History, features_at, labels_at

HORIZON_DAYS = 365
TEST_MONTHS = 12


#: A test ROC AUC above this is not believed. Who stops fostering is hard to foresee
#: (published figures sit well below it); a score this high almost always means a
#: feature saw the future (leakage) or the history has a gap that only leavers share
#: (placements or visits missing for carers who left), not insight.
IMPLAUSIBLE_ROC_AUC = 0.9


class ImplausibleModel(ValueError):
    """A model whose test score is too good to be true; the message says what to check."""


class TooLittleHistory(ValueError):
    """Not enough carers have left to learn from; the message says how many."""


@dataclass
class Evaluation:
    roc_auc: float | None
    pr_auc: float | None
    brier: float
    calibration: list[dict]

    def as_dict(self) -> dict:
        return {
            "roc_auc": self.roc_auc,
            "pr_auc": self.pr_auc,
            "brier": self.brier,
            "calibration": self.calibration,
        }


#: The age-only model every other model must beat.
BASELINE = "baseline_age"


@dataclass
class TrainedModel:
    name: str
    estimator: object
    trained_on: date
    evaluations: dict[str, Evaluation]
    typical: pd.Series  # each feature's median in training, the "typical carer" for reasons
    counts: dict = field(default_factory=dict)

    def predict(self, features: pd.DataFrame) -> np.ndarray:
        # The columns it was fitted on: a model kept before a feature was added still
        # scores until the monthly retrain replaces it.
        fitted = getattr(self.estimator, "feature_names_in_", FEATURES)
        return self.estimator.predict_proba(features[list(fitted)])[:, 1]

    @property
    def uses(self) -> list[str]:
        """The features this model reads: the baseline reads only age."""
        return ["eldest_carer_age"] if self.name == BASELINE else list(FEATURES)


def candidates() -> dict[str, object]:
    """The models compared; each imputes missing values (a carer with no survey yet)
    with the training median, keeping all-empty columns so shapes stay fixed."""

    def calibrated(model):
        return CalibratedClassifierCV(model, method="sigmoid", cv=3)

    def impute():
        return SimpleImputer(strategy="median", keep_empty_features=True)

    age_only = ColumnTransformer([("age", impute(), ["eldest_carer_age"])])
    return {
        BASELINE: calibrated(make_pipeline(age_only, LogisticRegression())),
        "logistic": calibrated(
            make_pipeline(impute(), StandardScaler(), LogisticRegression(C=0.3, max_iter=2000))
        ),
        # Constant columns (a feature with no records yet) are dropped first: the
        # trees' binning cannot split a single value.
        "boosted": calibrated(
            make_pipeline(
                impute(),
                VarianceThreshold(),
                HistGradientBoostingClassifier(
                    max_depth=3,
                    learning_rate=0.05,
                    max_iter=150,
                    l2_regularization=1.0,
                    min_samples_leaf=40,
                    random_state=0,
                ),
            )
        ),
    }


def snapshot_dates(history: History, as_of: date) -> list[date]:
    """First of each month whose 12-month label window has closed by `as_of`, from the
    month after records begin (before that, a household with no recorded visits would
    look neglected when it was only unrecorded)."""
    visits = history.events[history.events["kind"] == "supervision_visit"]
    first = max(history.households["approval_date"].min(), visits["occurred_on"].min())
    if pd.isna(first):
        return []
    last = pd.Timestamp(as_of) - pd.Timedelta(days=HORIZON_DAYS)
    months = pd.date_range(
        first.to_period("M").to_timestamp() + pd.offsets.MonthBegin(1), last, freq="MS"
    )
    return [m.date() for m in months]


def labelled_snapshots(history: History, dates: list[date]) -> tuple[pd.DataFrame, pd.Series]:
    """Every snapshot's features and labels, one row per household per date.

    Rows are numbered 0..n-1 (household_id is a column), because a household
    appears in many snapshots and label-aligned indexing would mix them up.
    """
    frames, labels = [], []
    for on in dates:
        features = features_at(history, on)
        frames.append(features.assign(snapshot=pd.Timestamp(on)))
        labels.append(labels_at(history, on).reindex(features.index))
    if not frames:
        return pd.DataFrame(columns=["household_id", *FEATURES, "snapshot"]), pd.Series(dtype=int)
    X = pd.concat(frames).rename_axis("household_id").reset_index()
    return X, pd.concat(labels).reset_index(drop=True)


def evaluate(y: np.ndarray, p: np.ndarray, bins: int = 10) -> Evaluation:
    """ROC AUC, PR AUC, Brier score and a calibration table by predicted-risk decile."""
    both = len(set(y)) == 2
    table = pd.DataFrame({"p": p, "y": y})
    table["bin"] = pd.qcut(table["p"].rank(method="first"), q=min(bins, len(table)), labels=False)
    calibration = [
        {
            "bin": int(b),
            "mean_predicted": round(float(g["p"].mean()), 4),
            "observed": round(float(g["y"].mean()), 4),
            "count": int(len(g)),
        }
        for b, g in table.groupby("bin")
    ]
    return Evaluation(
        roc_auc=round(float(roc_auc_score(y, p)), 4) if both else None,
        pr_auc=round(float(average_precision_score(y, p)), 4) if both else None,
        brier=round(float(brier_score_loss(y, p)), 4),
        calibration=calibration,
    )


def refuse_implausible(name: str, evaluation: Evaluation) -> None:
    """Refuse to keep a model that scores implausibly well, saying why."""
    if evaluation.roc_auc is not None and evaluation.roc_auc > IMPLAUSIBLE_ROC_AUC:
        raise ImplausibleModel(
            f"The {name.replace('_', ' ')} model scored ROC AUC {evaluation.roc_auc} on the "
            f"test year, above the {IMPLAUSIBLE_ROC_AUC} nobody achieves in predicting who "
            "stops fostering, so it was not kept. This is almost always leakage (a recorded "
            "fact that knows the outcome) or a gap in the data (placements, visits or "
            "reviews missing for carers who left, as after a partial import). Check the "
            "imported history, then retrain."
        )


def train(history: History, as_of: date, min_positives: int = 20) -> TrainedModel:
    """Compare the candidates on a time split, keep the best, refit it on all snapshots."""
    dates = snapshot_dates(history, as_of)
    X, y = labelled_snapshots(history, dates)
    positives = int(X.loc[y.to_numpy() == 1, "household_id"].nunique())  # households, not rows
    if positives < min_positives:
        raise TooLittleHistory(
            f"Only {positives} carers left in the history before {as_of:%d/%m/%Y}; "
            f"the model needs at least {min_positives} departures to learn from."
        )
    test_start = pd.Timestamp(dates[-min(TEST_MONTHS, max(len(dates) // 4, 1))])
    window_closed = X["snapshot"] + pd.Timedelta(days=HORIZON_DAYS) <= test_start
    train_rows = window_closed.to_numpy()
    test_rows = (X["snapshot"] >= test_start).to_numpy()
    if y[train_rows].nunique() < 2 or y[test_rows].nunique() < 2:
        raise TooLittleHistory("Not enough departures both before and during the test year.")
    evaluations = {}
    for name, model in candidates().items():
        model.fit(X.loc[train_rows, FEATURES], y[train_rows])
        evaluations[name] = evaluate(
            y[test_rows].to_numpy(), model.predict_proba(X.loc[test_rows, FEATURES])[:, 1]
        )
    # The baseline competes too: if nothing beats carer age alone, that is what we use.
    best = max(evaluations, key=lambda k: (evaluations[k].roc_auc or 0, evaluations[k].pr_auc or 0))
    refuse_implausible(best, evaluations[best])
    chosen = candidates()[best].fit(X[FEATURES], y)
    return TrainedModel(
        name=best,
        estimator=chosen,
        trained_on=as_of,
        evaluations=evaluations,
        typical=X[FEATURES].median(),
        counts={
            "snapshots": len(dates),
            "examples": int(len(X)),
            "departures": positives,
            "train_examples": int(train_rows.sum()),
            "test_examples": int(test_rows.sum()),
            "test_from": test_start.date().isoformat(),
        },
    )

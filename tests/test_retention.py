"""The retention model: honest features, right labels, and claims it can back up."""

from __future__ import annotations

import warnings
from datetime import date

import pandas as pd
import pytest

from crm.domain.household_vocabulary import DeregistrationReason
from crm.domain.settings import Settings
from jobs.retention.features import FEATURES, features_at, labels_at
from jobs.retention.model import TooLittleHistory, train
from jobs.retention.scoring import band, risk_report
from tests.retention_history import make_history, synthetic_history

ON = date(2023, 6, 1)


def one_household(**extra):
    rows = {
        "households": [(1, "H1", date(2020, 1, 1), extra.get("left"), "mainstream", None)],
        "carers": [(1, date(1960, 5, 5))],
        "terms": [(1, date(2020, 1, 1), 2)],
        "placements": extra.get("placements", []),
        "events": extra.get("events", []),
    }
    return make_history(rows)


class TestNoLeakage:
    def test_later_records_do_not_change_a_snapshot(self):
        before = one_household(
            events=[(1, "supervision_visit", date(2023, 5, 1), None)],
            placements=[(1, date(2022, 1, 1), None, None)],
        )
        after = one_household(
            left=date(2024, 1, 1),
            events=[
                (1, "supervision_visit", date(2023, 5, 1), None),
                (1, "supervision_visit", date(2023, 6, 2), None),
                (1, "allegation", date(2023, 7, 1), None),
                (1, "survey", date(2023, 8, 1), 1.0),
            ],
            placements=[
                (1, date(2022, 1, 1), date(2023, 9, 1), "disruption"),
                (1, date(2023, 6, 15), None, None),
            ],
        )
        pd.testing.assert_frame_equal(features_at(before, ON), features_at(after, ON))

    def test_an_event_on_the_snapshot_date_counts(self):
        history = one_household(events=[(1, "supervision_visit", ON, None)])
        assert features_at(history, ON).loc[1, "days_since_visit"] == 0

    def test_every_feature_is_produced(self):
        assert list(features_at(one_household(), ON).columns) == FEATURES


class TestLabels:
    @pytest.mark.parametrize(
        ("left", "label"),
        [
            (date(2023, 6, 2), 1),  # the day after the snapshot
            (date(2024, 5, 31), 1),  # day 365
            (date(2024, 6, 1), 0),  # day 366
        ],
    )
    def test_the_label_window_is_the_next_365_days(self, left, label):
        assert labels_at(one_household(left=left), ON).loc[1] == label

    def test_a_household_that_left_on_the_snapshot_date_is_not_in_it(self):
        assert labels_at(one_household(left=ON), ON).empty

    def test_a_household_approved_after_the_snapshot_is_not_in_it(self):
        assert labels_at(one_household(), date(2019, 12, 31)).empty


@pytest.fixture(scope="module")
def planted():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return train(synthetic_history(signal=True), date(2023, 12, 31))


@pytest.fixture(scope="module")
def noise():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return train(synthetic_history(signal=False, seed=1), date(2023, 12, 31))


class TestHonestEvaluation:
    def test_a_planted_signal_is_found_and_beats_the_baseline(self, planted):
        # The best possible here is about 0.78: some carers who are fine on the
        # snapshot date lapse and leave within the year, which no feature can see.
        chosen = planted.evaluations[planted.name]
        assert planted.name != "baseline_age"
        assert chosen.roc_auc >= 0.65
        assert chosen.roc_auc >= planted.evaluations["baseline_age"].roc_auc + 0.1

    def test_on_data_with_no_signal_the_model_claims_little(self, noise):
        assert all(e.roc_auc < 0.65 for e in noise.evaluations.values())

    def test_every_candidate_is_evaluated_with_all_figures(self, planted):
        assert set(planted.evaluations) == {"baseline_age", "logistic", "boosted"}
        for evaluation in planted.evaluations.values():
            assert 0 <= evaluation.brier <= 1
            assert (
                sum(row["count"] for row in evaluation.calibration)
                == (planted.counts["test_examples"])
            )

    def test_training_never_sees_the_test_period(self, planted):
        assert (
            planted.counts["train_examples"] + planted.counts["test_examples"]
            < (planted.counts["examples"])
        )

    def test_reasons_name_the_planted_cause(self, planted):
        from jobs.retention.reasons import explain

        history = synthetic_history(signal=True)
        features = features_at(history, date(2023, 12, 31))
        worst = features.assign(risk=planted.predict(features)).nlargest(5, "risk")
        reasons = explain(planted, worst[FEATURES])
        texts = " ".join(r["text"] for rs in reasons for r in rs)
        assert "no supervision visit for" in texts or "visits in the last 12 months" in texts
        assert all(r["action"] for rs in reasons for r in rs)


def test_too_little_history_is_said_not_scored():
    history = synthetic_history(households=60, signal=False, seed=3, base_hazard=0.001)
    with pytest.raises(TooLittleHistory, match="needs at least 20 departures"):
        train(history, date(2023, 12, 31))
    report = risk_report(date(2023, 12, 31), Settings(), history=history)
    assert report["model"] is None and "departures" in report["message"]
    assert all(h["risk"] is None for h in report["households"])


@pytest.mark.parametrize(
    ("risk", "expected"), [(0.30, "high"), (0.2999, "medium"), (0.15, "medium"), (0.1499, "low")]
)
def test_bands_follow_the_configured_thresholds(risk, expected):
    assert band(risk, Settings()) == expected


def test_a_carer_who_left_because_an_sgo_was_made_is_not_a_loss_to_learn_from():

    history = make_history(
        {
            "households": [
                (1, "R1", date(2020, 1, 1), date(2024, 6, 1), "mainstream", None),
                (2, "R2", date(2020, 1, 1), date(2024, 6, 1), "kinship", None),
            ]
        }
    )
    history.households["deregistration_reason"] = ["retirement", "child_stays_with_carers"]
    labels = labels_at(history, date(2024, 1, 1))
    assert labels.to_dict() == {1: 1, 2: 0}


def test_a_young_person_staying_put_is_not_a_loss_to_learn_from_either():
    # R1 retired; R2's young person turned 18 and stayed put with them (s.23CZA), which
    # was recorded as "child moved to SGO, adoption or staying put" and learnt as a loss.
    history = make_history(
        {
            "households": [
                (1, "R1", date(2020, 1, 1), date(2024, 6, 1), "mainstream", None),
                (2, "R2", date(2020, 1, 1), date(2024, 7, 1), "mainstream", None),
            ]
        }
    )
    history.households["deregistration_reason"] = [
        "retirement",
        DeregistrationReason.CHILD_STAYS_WITH_CARERS.value,
    ]
    assert labels_at(history, date(2024, 1, 1)).to_dict() == {1: 1, 2: 0}


def test_a_model_scoring_too_well_to_be_true_is_not_kept_and_says_why(monkeypatch):
    from jobs.retention import model as modelling

    real = modelling.evaluate

    def too_good(y, p):
        found = real(y, p)
        return modelling.Evaluation(0.97, found.pr_auc, found.brier, found.calibration)

    monkeypatch.setattr(modelling, "evaluate", too_good)
    history = synthetic_history(households=300, signal=True, seed=1)
    with pytest.raises(modelling.ImplausibleModel, match="leakage .* or a gap in the data"):
        train(history, date(2025, 1, 1))


def test_a_model_at_the_threshold_is_kept():
    from jobs.retention.model import IMPLAUSIBLE_ROC_AUC, Evaluation, refuse_implausible

    refuse_implausible("logistic", Evaluation(IMPLAUSIBLE_ROC_AUC, 0.5, 0.1, []))

"""Benchmark: retrain and rescore the retention model (issue 7: retrain < 2 min, rescore < 30 s).

    .venv/bin/python bench/risk.py [--households N] [--pg-url URL]

Times training (features for every monthly snapshot, three candidates, the
refit) and scoring (features on the day, predictions and reasons) on the demo
service and on a national-scale data set (45,000 households with five years
of visits, reviews, training and allegations), and prints the model figures.
Figures on generated data say nothing about real carers.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.national import TODAY, build  # noqa: E402
from crm import create_app  # noqa: E402
from crm.demo import seed_demo  # noqa: E402
from crm.enquiry_sources import ensure_default_sources  # noqa: E402
from crm.extensions import db  # noqa: E402
from jobs.retention.data import load_history  # noqa: E402
from jobs.retention.features import features_at  # noqa: E402
from jobs.retention.model import train  # noqa: E402
from jobs.retention.reasons import explain  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"


def measure(label: str, url: str, as_of: date) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        started = time.perf_counter()
        history = load_history()
        model = train(history, as_of)
        trained = time.perf_counter() - started
        started = time.perf_counter()
        features = features_at(load_history(), as_of)
        model.predict(features)
        explain(model, features)
        scored = time.perf_counter() - started
    figures = ", ".join(
        f"{name} ROC AUC {e.roc_auc} PR AUC {e.pr_auc} Brier {e.brier}"
        for name, e in model.evaluations.items()
    )
    print(
        f"{label}: retrain {trained:.1f} s ({model.counts['examples']:,} examples, "
        f"{model.counts['departures']:,} departures), rescore {scored:.1f} s "
        f"({len(features):,} households); chosen {model.name}; {figures}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=45_000)
    parser.add_argument("--pg-url")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    demo = OUT / "demo.sqlite"
    demo.unlink(missing_ok=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{demo}"})
    with app.app_context():
        db.create_all()
        ensure_default_sources()
        seed_demo(seed=1, today=TODAY)
    measure("demo (SQLite)", f"sqlite:///{demo}", TODAY)
    national = f"sqlite:///{OUT / f'national-risk-{args.households}.sqlite'}"
    targets = [("national (SQLite)", national)]
    if args.pg_url:
        targets.append(("national (PostgreSQL)", args.pg_url))
    for label, url in targets:
        print(f"building {args.households:,} households with 5 years of events for {label} ...")
        build(url, enquiries=1_000, households=args.households)
        measure(label, url, TODAY)


if __name__ == "__main__":
    main()

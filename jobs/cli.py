"""`flask jobs list|run`, `flask risk` and `flask scheduler`: the jobs from the command
line, running exactly the code the scheduler runs.

Registered through the `flask.commands` entry points in pyproject.toml, so the web
app never imports the jobs to offer them.
"""

from __future__ import annotations

import json
import sys
from datetime import date

import click
import sqlalchemy as sa
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from crm import audit_chain
from crm.audit_anchor import AnchorUnreadable
from crm.cli import parse_date_option
from crm.extensions import db
from crm.models import JobRun, RunStatus
from crm.timeutil import UK, today
from jobs.audit_trail import last_verified_head
from jobs.retention.scoring import risk_report
from jobs.runner import run_job
from jobs.schedule import JOBS
from jobs.scheduler import add_jobs


@click.command("risk")
@click.option("--as-of", callback=parse_date_option, help="YYYY-MM-DD (default: today)")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@with_appcontext
def risk_command(as_of: date | None, as_json: bool) -> None:
    """Train the retention model on history before AS_OF and score every active household."""
    report = risk_report(as_of or today())
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    model = report["model"]
    if model is None:
        click.echo(report["message"])
        return
    click.echo(
        f"Model {model['version']}: ROC AUC {model['roc_auc']} "
        f"(baseline, carer age alone: {model['baseline_roc_auc']})"
    )
    for household in report["households"][:25]:
        why = "; ".join(r["text"] for r in household["reasons"])
        click.echo(
            f"  {household['reference']:<14} {household['risk']:.0%} {household['band']:<6} {why}"
        )


jobs_group = AppGroup("jobs", help="Run Hearth's scheduled jobs by hand.")


@jobs_group.command("list")
def jobs_list_command() -> None:
    """Each job, when it runs, and what it does."""
    for job in JOBS.values():
        when = ", ".join(f"{k}={v}" for k, v in job.cron.items())
        click.echo(f"{job.name:<24} {when:<22} {job.description}")


@jobs_group.command("run")
@click.argument("name")
@click.option("--as-of", callback=parse_date_option, help="YYYY-MM-DD (default: today)")
def jobs_run_command(name: str, as_of: date | None) -> None:
    """Run job NAME now: the same code the scheduler calls."""
    if name not in JOBS:
        raise click.BadParameter(f"unknown job; choose from {', '.join(JOBS)}", param_hint="NAME")
    with click.progressbar(length=1, label=name, file=sys.stderr) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        run = run_job(name, as_of or today(), trigger="cli", progress=progress)
    click.echo(f"{name}: {run.status.value} {run.counts or ''}")
    if run.error:
        raise click.ClickException(run.error)


audit_group = AppGroup("audit", help="Check the audit trail has not been tampered with.")


@audit_group.command("verify")
def audit_verify_command() -> None:
    """Seal waiting entries, then walk the hash chain and report the first broken link;
    the chain must still reach the head anchored outside the database."""
    try:
        sealed, verdict = audit_chain.check(known=last_verified_head())
    except AnchorUnreadable as error:
        raise click.ClickException(str(error)) from error
    if sealed:
        click.echo(f"Sealed {sealed:,} new entries.")
    if not verdict.intact:
        raise click.ClickException(verdict.describe())
    click.echo(verdict.describe())


@audit_group.command("seal")
def audit_seal_command() -> None:
    """Seal the entries written since the last seal into the chain."""
    try:
        sealed = audit_chain.seal()
    except (audit_chain.ChainBroken, AnchorUnreadable) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Sealed {sealed:,} entries.")
    backdated = audit_chain.first_backdated()
    if backdated:
        raise click.ClickException(backdated.describe())


@audit_group.command("grants")
@click.argument("role")
def audit_grants_command(role: str) -> None:
    """Print the PostgreSQL grants for the app's database user ROLE (audit append-only)."""
    quote = db.engine.dialect.identifier_preparer.quote
    for statement in audit_chain.app_role_grants(role, quote):
        click.echo(statement + ";")


@jobs_group.command("catch-up")
@click.option("--as-of", callback=parse_date_option, help="YYYY-MM-DD (default: today)")
def jobs_catch_up_command(as_of: date | None) -> None:
    """Run, once, each job that has never succeeded here (a fresh install or new demo),
    so risk scores, flags and the dashboard's figures are there before the first night."""
    done = set(
        db.session.scalars(sa.select(JobRun.job).where(JobRun.status == RunStatus.SUCCEEDED))
    )
    waiting = [name for name in CATCH_UP_ORDER if name not in done]
    if not waiting:
        click.echo("Every job has run before; nothing to catch up.")
    for name in waiting:
        run = run_job(name, as_of or today(), trigger="cli")
        click.echo(f"{name}: {run.status.value} {run.counts or run.error or ''}")


#: Catch-up order: the model before the scores it makes, flags and figures after.
CATCH_UP_ORDER = [
    "refresh_statistics",
    "retrain_risk_model",
    "rescore_carers",
    "flag_work",
    "snapshot_metrics",
    "seal_audit_trail",
]


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the job scheduler in this process, in the foreground (run exactly one)."""
    scheduler = BlockingScheduler(timezone=UK)
    add_jobs(scheduler, current_app._get_current_object())
    click.echo("Scheduler started; jobs: " + ", ".join(j.id for j in scheduler.get_jobs()))
    scheduler.start()

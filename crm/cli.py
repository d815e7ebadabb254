"""`flask` commands: create-user, seed-demo (jobs, imports and metrics add theirs)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import with_appcontext

from crm import audit
from crm.dates import DateOutOfRange, parse_date
from crm.extensions import db
from crm.models import CarerType, Case, Role, User
from crm.transfer_cli import EXPORT_COMMANDS, IMPORT_COMMANDS


def parse_date_option(_ctx, _param, value: str | None) -> date | None:
    """A click callback: YYYY-MM-DD, or a clear message."""
    if value is None:
        return None
    try:
        return parse_date(value, "date")
    except DateOutOfRange as exc:
        raise click.BadParameter(exc.description) from exc
    except ValueError as exc:
        raise click.BadParameter("use YYYY-MM-DD") from exc


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice([r.value for r in Role]),
    help="Repeat for several roles.",
)
@click.password_option(help="Prompted for (twice) when not given.")
@with_appcontext
def create_user_command(email: str, full_name: str, roles: tuple[str, ...], password: str) -> None:
    """Create a user (use it to make the first administrator)."""
    from crm.auth.services import create_user, find_user

    if find_user(email) is not None:
        raise click.ClickException(f"A user with email {email} already exists.")
    from crm.auth.passwords import password_problem

    problem = password_problem(password, [email, full_name])
    if problem:
        raise click.ClickException(problem)
    with audit.acting_as("cli:create-user"):
        user = create_user(email, full_name, password, {Role(r) for r in roles})
        db.session.commit()
    click.echo(f"Created {user.email} ({', '.join(sorted(roles))}).")


@click.command("seed-demo")
@click.option("--seed", default=1, show_default=True, help="Same seed, same data.")
@click.option(
    "--today", callback=parse_date_option, help="Pretend today is this date (YYYY-MM-DD)."
)
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has data already.")
@with_appcontext
def seed_demo_command(seed: int, today: date | None, if_empty: bool) -> None:
    """Fill an empty database with a demo fostering service and print the demo logins."""
    from crm.demo import DemoRefused, seed_demo

    has_data = db.session.scalar(sa.select(sa.func.count()).select_from(User)) or db.session.scalar(
        sa.select(sa.func.count()).select_from(Case)
    )
    if has_data:
        if if_empty:
            click.echo("The database already has data; demo data not loaded.")
            _echo_demo_logins()
            return
        raise click.ClickException("The database is not empty; seed-demo only fills an empty one.")
    try:
        summary = seed_demo(seed=seed, today=today)
    except DemoRefused as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"Demo data: {summary.cases} cases, {summary.households} households "
        f"({summary.deregistrations} deregistered)."
    )
    _echo_demo_logins()


def _echo_demo_logins() -> None:
    """Print the demo logins that exist in this database (none on real data)."""
    from crm.demo.staff import DEMO_LOGINS, DEMO_PASSWORD

    present = set(
        db.session.scalars(
            sa.select(User.email).where(
                User.email.in_([email for _, email in DEMO_LOGINS]), User.active.is_(True)
            )
        )
    )
    if not present or not current_app.config.get("ALLOW_DEMO_USERS"):
        return
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for role, email in DEMO_LOGINS:
        if email in present:
            click.echo(f"  {role:<28} {email}")


@click.command("metrics")
@click.option("--from", "start", required=True, callback=parse_date_option, help="YYYY-MM-DD")
@click.option("--to", "end", required=True, callback=parse_date_option, help="YYYY-MM-DD")
@click.option("--as-of", callback=parse_date_option, help="YYYY-MM-DD (default: today)")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option(
    "--carer-type",
    type=click.Choice(["all", *(t.value for t in CarerType)]),
    default="all",
    show_default=True,
    help="Mainstream or kinship carers alone (national comparators are mainstream-only).",
)
@with_appcontext
def metrics_command(
    start: date, end: date, as_of: date | None, as_json: bool, carer_type: str
) -> None:
    """The pipeline and retention figures for a period, as the metrics engine computes them."""
    import json

    from crm.metrics.engine import PeriodError, compute_metrics

    chosen = None if carer_type == "all" else CarerType(carer_type)
    try:
        figures = compute_metrics(start, end, as_of, carer_type=chosen)
    except PeriodError as exc:
        raise click.BadParameter(str(exc), param_hint="--from/--to") from exc
    if as_json:
        click.echo(json.dumps(figures, indent=2))
        return
    for section, values in figures.items():
        click.echo(f"{section}:")
        for name, value in values.items():
            click.echo(f"  {name:<28} {value}")


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(target: Path) -> None:
    """Copy the SQLite database to TARGET while the app runs (PostgreSQL: use pg_dump)."""
    from crm.backup import BackupError, backup_sqlite

    try:
        counts = backup_sqlite(target)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up {sum(counts.values()):,} rows in {len(counts)} tables to {target}.")


@click.command("restore")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(source: Path, yes: bool) -> None:
    """Replace everything in the SQLite database with the backup SOURCE."""
    from crm.backup import BackupError, restore_sqlite, row_counts

    try:
        rows = sum(row_counts(source).values())
        if not yes:
            click.confirm(
                f"Replace everything in the database with {source} ({rows:,} rows)?", abort=True
            )
        counts = restore_sqlite(source)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {sum(counts.values()):,} rows in {len(counts)} tables from {source}.")


places_cli = click.Group("places", help="Where people live: postcode district centroids.")


@places_cli.command("load-districts")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def load_districts_command(file: str) -> None:
    """Load postcode district centroids (district, latitude, longitude) from the ONS's
    open data, all or nothing, so matching can say how far a household lives from a
    child's home and school."""
    from crm.imports.districts import load_districts
    from crm.imports.reading import FileRejected, read_table

    try:
        with audit.acting_as("cli:places load-districts"):
            loaded, errors = load_districts(read_table(file))
    except FileRejected as exc:
        raise click.ClickException(str(exc)) from exc
    if errors:
        for error in errors[:50]:
            click.echo(str(error), err=True)
        more = f" (and {len(errors) - 50} more)" if len(errors) > 50 else ""
        raise click.ClickException(f"{len(errors)} bad row(s){more} in {file}: nothing was loaded.")
    db.session.commit()
    click.echo(f"Loaded the centroids of {loaded:,} postcode districts from {file}.")


def register(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(seed_demo_command)
    for command in IMPORT_COMMANDS + EXPORT_COMMANDS:
        app.cli.add_command(command)
    app.cli.add_command(metrics_command)
    app.cli.add_command(places_cli)

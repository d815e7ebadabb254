"""`flask import-*` and `flask export-*`: a council's spreadsheets in and out, from the
command line, through the same importers and exporters as the managers' pages."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from crm import audit
from crm.extensions import db
from crm.models import AuditAction


def _run_import(
    file: str,
    importer,
    skip_invalid: bool,
    errors_file: str | None,
    actor: str,
    dry_run: bool = False,
    reader=None,
    **decisions,
) -> None:
    """Read FILE, import it all or nothing (or its good rows), and report every bad row
    and every assumed value; with dry_run, say what would happen and keep nothing.
    `decisions` pass on what the council decided for values not on its lists; `reader`
    reads FILE (by default as it is: `read_table`). The
    command is a process of its own, so the cycle collector runs seldom meanwhile
    (`collector_paused`), which a web request may not do."""
    from crm.imports.bulk import collector_paused
    from crm.imports.reading import FileRejected, read_table
    from crm.imports.summary import apply_import
    from crm.timeutil import today

    try:
        table = (reader or read_table)(file)
    except FileRejected as exc:
        raise click.ClickException(str(exc)) from exc
    with (
        collector_paused(),
        audit.acting_as(actor),
        click.progressbar(length=len(table.rows), label="Checking", file=sys.stderr) as bar,
    ):
        try:
            outcome = apply_import(
                importer, table, today(), not dry_run, skip_invalid, bar.update, **decisions
            )
        except FileRejected as exc:
            raise click.ClickException(str(exc)) from exc
    _report(file, table, outcome.result, skip_invalid, errors_file, dry_run)
    if dry_run:
        click.echo("Dry run: nothing was written. Headline figures before -> after:")
        for name, before, after in outcome.figures():
            click.echo(f"  {name:<34} {before:>8,} -> {after:,}")


def _report(file, table, result, skip_invalid, errors_file, dry_run) -> None:
    from crm.imports.reading import write_error_rows

    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    for error in result.errors[:50]:
        click.echo(str(error), err=True)
    if len(result.errors) > 50:
        click.echo(f"... and {len(result.errors) - 50} more", err=True)
    if result.unknown_sources:
        listed = ", ".join(
            f"{v!r} ({n} row{'s' if n > 1 else ''})"
            for v, n in sorted(result.unknown_sources.items(), key=lambda item: -item[1])
        )
        example = next(iter(result.unknown_sources))
        click.echo(
            f"Sources not on the council's list: {listed}. Map each to a source on the list "
            f'(--map-source "{example.strip()}=other", repeatable), or add them all as new '
            "sources (--add-sources); Admin > Enquiry sources shows the list.",
            err=True,
        )
    for warning in result.warnings[:50]:
        click.echo(f"warning: {warning}", err=True)
    if len(result.warnings) > 50:
        click.echo(f"... and {len(result.warnings) - 50} more warnings", err=True)
    if result.errors and not skip_invalid:
        raise click.ClickException(
            f"{len(result.bad_rows)} bad row(s); nothing was imported. "
            "Fix them, or use --skip-invalid to import the good rows."
        )
    if result.errors and not dry_run:
        path = errors_file or f"{file}.errors.csv"
        written = write_error_rows(path, table, result.errors)
        click.echo(f"{written} bad row(s) skipped and written to {path}.")
    verb = "Would import" if dry_run else "Imported"
    click.echo(
        f"{verb}: {result.created} new, {result.updated} updated, {result.unchanged} unchanged"
        f" ({len(result.warnings)} value(s) assumed, listed as warnings)."
    )


def import_options(command):
    """The arguments every importer takes."""
    command = click.option(
        "--errors-file",
        type=click.Path(dir_okay=False),
        help="Where to write bad rows (default: FILE.errors.csv).",
    )(command)
    command = click.option(
        "--dry-run",
        is_flag=True,
        help="Check the file and say what would change, writing nothing.",
    )(command)
    command = click.option(
        "--skip-invalid",
        is_flag=True,
        help="Import the good rows; write the bad ones to an errors file.",
    )(command)
    return click.argument("file", type=click.Path(exists=True, dir_okay=False))(command)


#: The other import commands: the importer each runs, and its help.
IMPORTERS = {
    "import-households": (
        "crm.imports.households:import_households",
        "Import approved households (CSV or XLSX): all or nothing unless --skip-invalid.",
    ),
    "import-carer-events": (
        "crm.imports.carer_events:import_carer_events",
        "Import visits, reviews, training, placements... (CSV or XLSX): all or nothing.",
    ),
    "import-demand": (
        "crm.imports.demand:import_demand",
        "Import the monthly demand profile from the children's system (CSV or XLSX): "
        "children looked after by month, age band, placement type and need.",
    ),
}


def _import_command(name: str, target: str, help_text: str) -> click.Command:
    @click.command(name, help=help_text)
    @import_options
    @with_appcontext
    def command(file: str, skip_invalid: bool, errors_file: str | None, dry_run: bool) -> None:
        module, attribute = target.split(":")
        importer = getattr(importlib.import_module(module), attribute)
        _run_import(file, importer, skip_invalid, errors_file, f"cli:{name}", dry_run)

    return command


def _parse_mapping(values: tuple[str, ...]) -> dict[str, str]:
    mapping = {}
    for value in values:
        given, sep, target = value.partition("=")
        if not sep or not given.strip() or not target.strip():
            raise click.BadParameter(
                f'{value!r}: write it as "Facebook=social_media"', param_hint="--map-source"
            )
        mapping[given.strip()] = target.strip()
    return mapping


@click.command("import-tracker")
@import_options
@click.option(
    "--map-source",
    "map_source",
    multiple=True,
    metavar="TEXT=SOURCE",
    help='Count a value not on the list as a source on it: --map-source "Facebook=social_media"'
    " (the source by code or name; repeatable; case and spacing ignored).",
)
@click.option(
    "--add-sources",
    is_flag=True,
    help="Add every other source value not on the list as a new enquiry source.",
)
@with_appcontext
def import_tracker_command(
    file: str,
    skip_invalid: bool,
    errors_file: str | None,
    dry_run: bool,
    map_source: tuple[str, ...],
    add_sources: bool,
) -> None:
    """Import a recruitment tracker (CSV or XLSX): all or nothing unless --skip-invalid."""
    from crm.enquiry_sources import UnknownSourceMapping
    from crm.imports.reading import FileRejected
    from crm.imports.tracker import import_tracker
    from crm.imports.tracker_layout import LayoutNeeded, prepare

    # A council's own layout is read as mapped on the upload page (remembered by its headers).
    try:
        prepared = prepare(file, mapping=_parse_mapping(map_source), add_unknown=add_sources)
    except UnknownSourceMapping as exc:
        raise click.BadParameter(str(exc), param_hint="--map-source") from exc
    except LayoutNeeded as exc:
        raise click.ClickException(
            f"{exc} Upload it once under Imports > Tracker to match its columns to Hearth's; "
            "this command then reads every file with the same headers the same way."
        ) from exc
    except FileRejected as exc:
        raise click.ClickException(str(exc)) from exc
    # the bulk path (a first load's indexes set aside) changes the schema: never in a dry run
    _run_import(
        file, import_tracker, skip_invalid, errors_file, "cli:import-tracker", dry_run,
        reader=lambda _: prepared.table, sources=prepared.sources, bulk=not dry_run,
    )  # fmt: skip


IMPORT_COMMANDS = [import_tracker_command] + [
    _import_command(name, *spec) for name, spec in IMPORTERS.items()
]


def _export_command(name: str) -> click.Command:
    @click.command(f"export-{name}")
    @click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
    @with_appcontext
    def command(target: Path) -> None:
        from crm.imports.outbound import write_csv

        if target.exists():
            raise click.ClickException(f"{target} exists; choose a new file name.")
        with target.open("w", newline="", encoding="utf-8") as out:
            rows = write_csv(name, out)
        audit.record(AuditAction.EXPORTED, "Export", name, f"flask export-{name}: {rows} rows")
        db.session.commit()
        click.echo(f"Wrote {rows:,} rows to {target}: the columns flask import-{name} reads.")

    command.help = (
        f"Write everything Hearth holds for import-{name} to TARGET (CSV), in the columns "
        "the importer reads."
    )
    return command


EXPORT_COMMANDS = [
    _export_command(name) for name in ("tracker", "households", "carer-events", "demand")
]

"""The ``quest`` command (DESIGN §6)."""

from __future__ import annotations

import asyncio
import errno
import socket
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from quest import __version__
from quest.accounts.roles import Role
from quest.errors import ValidationFailed

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from quest.config import Settings

# This module imports only what every command needs (click and a few small modules); each command imports
# the rest (SQLAlchemy, the models, Alembic) itself. It must stay light: each worker process that
# `quest serve --workers N` starts re-imports it before it can answer uvicorn's health check.

DATABASE_TIMEOUT_SECONDS = 10.0
# How long uvicorn's supervisor waits for a worker to answer its health check before killing it (its own
# default is 5 s). A worker starting on a busy machine, with requests already queued at the shared socket,
# can take longer than that to import and build the app; it is not hung, and killing it only starts the
# same slow start-up again. A worker that is really stuck is still replaced, half a minute later.
WORKER_HEALTHCHECK_SECONDS = 30


class DatabaseUnavailable(click.ClickException):
    """The database cannot be reached; the message says which, and why, in one line."""


def _settings() -> Settings:
    from quest.config import ConfigurationError, load_settings

    try:
        return load_settings()
    except ConfigurationError as error:
        raise click.ClickException(str(error)) from None


def _innermost_reason(error: BaseException) -> str:
    """The most specific explanation in an exception chain (SQLAlchemy wraps the driver's error)."""
    reasons = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        text = (getattr(current, "strerror", None) or str(current)).strip().splitlines()
        if text:
            reasons.append(text[0])
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    if isinstance(error, TimeoutError):
        return f"no answer within {DATABASE_TIMEOUT_SECONDS:.0f} seconds"
    return reasons[-1] if reasons else type(error).__name__


def check_database(settings: Settings) -> None:
    """Raise :class:`DatabaseUnavailable` unless the database answers a trivial query."""
    from quest.config import describe_url
    from quest.db import create_engine, ping

    async def attempt() -> None:
        engine = create_engine(settings)
        try:
            await asyncio.wait_for(ping(engine), timeout=DATABASE_TIMEOUT_SECONDS)
        finally:
            await engine.dispose()

    try:
        asyncio.run(attempt())
    except Exception as error:
        reason = _innermost_reason(error)
        raise DatabaseUnavailable(
            f"cannot connect to the database at {describe_url(settings.database_url)}: {reason}"
        ) from None


def _listening_addresses(host: str, port: int, workers: int) -> list[tuple[socket.AddressFamily, tuple[Any, ...]]]:
    """The addresses uvicorn will bind for ``host``: one socket of its own with several workers, else
    every address the name resolves to (asyncio's ``create_server``)."""
    if workers > 1:
        return [(socket.AF_INET6 if ":" in host else socket.AF_INET, (host, port))]
    found = socket.getaddrinfo(host or None, port, socket.AF_UNSPEC, socket.SOCK_STREAM, 0, socket.AI_PASSIVE)
    return list(dict.fromkeys((family, address) for family, _type, _proto, _name, address in found))


def check_port(host: str, port: int, workers: int) -> None:
    """Raise a one-line ClickException unless uvicorn will be able to listen on ``host``:``port``.

    Binds and listens as uvicorn will (``SO_REUSEADDR``, IPv6 sockets IPv6-only), then lets go: so a port
    whose last server left only TIME_WAIT connections counts as free, as it is to uvicorn, while one with
    a listener counts as taken. Another program could still take the port in the moment between."""
    shown = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        addresses = _listening_addresses(host, port, workers)
    except OSError as error:  # socket.gaierror: a name that does not resolve
        raise click.ClickException(
            f"cannot listen on {shown}: {(error.strerror or str(error)).lower()}. Choose another address with --host"
        ) from None
    for family, address in addresses:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                probe.bind(address)
                probe.listen()
            except OSError as error:
                if error.errno == errno.EADDRINUSE:
                    raise click.ClickException(
                        f"{shown} is taken: another program is listening there. "
                        f"Choose another port with --port, e.g. quest serve --port {port % 65535 + 1}"
                    ) from None
                advice = (
                    "Choose a port above 1023 with --port"
                    if error.errno == errno.EACCES
                    else "Choose another address with --host"
                )
                raise click.ClickException(
                    f"cannot listen on {shown}: {(error.strerror or str(error)).lower()}. {advice}"
                ) from None


@contextmanager
def _migration_errors() -> Iterator[None]:
    from quest import migrations

    try:
        yield
    except migrations.MigrationError as error:
        raise click.ClickException(str(error)) from None
    except Exception as error:  # alembic's CommandError (an unknown revision) and the like
        if type(error).__module__.startswith("alembic"):
            raise click.ClickException(str(error)) from None
        raise


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="quest")
def main() -> None:
    """QUEST, the Lean improvement tracker for public services."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Worker processes.")
@click.option("--demo", is_flag=True, help="Seed the small demo first, if the database is empty.")
def serve(host: str, port: int, workers: int, demo: bool) -> None:
    """Migrate the database to the latest version, then serve QUEST."""
    import uvicorn

    from quest import migrations
    from quest.logs import configure_logging

    settings = _settings()
    configure_logging(settings)
    check_port(host, port, workers)  # first: it is quick, and a taken port should not wait on migrations
    check_database(settings)
    if settings.migration_database_url:
        check_database(settings.for_migrations())
    with _migration_errors():
        migrations.upgrade(settings)  # as the owner role, when QUEST_MIGRATION_DATABASE_URL is set
    if demo:
        _refuse_demo_in_production(settings)
        _seed_demo(settings, seed=1, only_if_empty=True)
    shown_host = "localhost" if host in ("0.0.0.0", "::") else host  # noqa: S104 - a display name only
    click.echo(f"QUEST is running at http://{shown_host}:{port}/ (press Ctrl+C to stop)")
    uvicorn.run(
        "quest.app:serving_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        log_config=None,
        access_log=False,
        server_header=False,
        proxy_headers=True,
    )


@main.group()
def db() -> None:
    """Database migrations."""


@db.command()
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Upgrade the database to REVISION (the latest, by default)."""
    from quest import migrations

    _migrate(migrations.upgrade, revision)


@db.command()
@click.argument("revision")
def downgrade(revision: str) -> None:
    """Downgrade the database to REVISION ('base' empties it; '-1' goes one step back)."""
    from quest import migrations

    _migrate(migrations.downgrade, revision)


def _migrate(step: Callable[[Settings, str], None], revision: str) -> None:
    settings = _settings()
    check_database(settings.for_migrations())
    with _migration_errors():
        step(settings, revision)
    click.echo(f"The database is at {_describe_current(settings)}.")


@db.command()
def current() -> None:
    """Show the database's current revision."""
    settings = _settings()
    check_database(settings.for_migrations())
    click.echo(_describe_current(settings))


@db.command()
def check() -> None:
    """Check that the database is at the latest revision and matches the models; exit 1 if not."""
    from quest import migrations

    settings = _settings()
    check_database(settings.for_migrations())
    status = migrations.status(settings)
    if status.ok:
        click.echo(f"The database is at the latest revision ({', '.join(status.head)}) and matches the models.")
        return
    if not status.at_head:
        click.echo(
            f"The database is at {', '.join(status.current) or 'no revision'}, not at the latest "
            f"({', '.join(status.head)}). Run: quest db upgrade",
            err=True,
        )
    for difference in status.drift:
        click.echo(f"The models and the migrations differ: {difference}", err=True)
    raise SystemExit(1)


@db.command()
@click.option("-m", "--message", required=True, help="What the revision changes.")
def revision(message: str) -> None:
    """For developers: autogenerate a migration from the models (upgrade first, then read the result)."""
    from quest import migrations

    settings = _settings()
    check_database(settings)
    with _migration_errors():
        migrations.revision(settings, message)


def _describe_current(settings: Settings) -> str:
    from quest import migrations

    status = migrations.status(settings)
    if not status.current:
        return "no revision (empty)"
    latest = " (the latest)" if status.at_head else f" (the latest is {', '.join(status.head)})"
    return ", ".join(status.current) + latest


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
def backup(file: Path, force: bool) -> None:
    """Back up the SQLite database to FILE, consistently, even while QUEST is serving."""
    from quest import backups

    with _backup_errors():
        report = backups.back_up(_settings(), file, overwrite=force)
    summary = report.summary
    click.echo(f"Backed up to {report.path} ({report.size_bytes:,} bytes).")
    click.echo(f"Schema revision {summary.revision or 'none'}; {summary.describe_counts()}.")


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def restore(file: Path) -> None:
    """Restore the SQLite database from the backup FILE, then migrate it. Stop QUEST first."""
    from quest import backups

    settings = _settings()
    with _backup_errors():
        report = backups.restore(settings, file)
    if report.kept_copy is not None:
        click.echo(f"The database as it was before is kept in {report.kept_copy}.")
    click.echo(f"Restored {report.source} (schema revision {report.restored_revision}).")
    click.echo(f"The database is at {_describe_current(settings)}; {report.summary.describe_counts()}.")


@contextmanager
def _backup_errors() -> Iterator[None]:
    from quest.backups import BackupRefused

    try:
        yield
    except BackupRefused as error:
        raise click.ClickException(str(error)) from None


@main.command()
@click.option(
    "--scale",
    type=click.Choice(["small", "national"]),
    default="small",
    show_default=True,
    help="small: six real forces with their divisions. national: the benchmark dataset.",
)
@click.option("--seed", default=1, show_default=True, type=int, help="Seed for the random parts of the data.")
@click.option(
    "--fraction",
    default=1.0,
    type=click.FloatRange(min=0, max=1, min_open=True),
    hidden=True,
    help="National only: this share of its people, ideas, waste and days of readings (for tests).",
)
def demo(scale: str, seed: int, fraction: float) -> None:
    """Seed demo data (migrating the database first). Seeding the small demo twice changes nothing the
    second time; the national dataset goes only into an empty database."""
    from quest import migrations

    if scale != "national" and fraction != 1.0:
        raise click.UsageError("--fraction is for --scale national only")
    settings = _settings()
    check_database(settings)
    _refuse_demo_in_production(settings)
    with _migration_errors():
        migrations.upgrade(settings)
    if scale == "national":
        _seed_national(settings, seed=seed, fraction=fraction)
    else:
        _seed_demo(settings, seed=seed, only_if_empty=False)


def _seed_national(settings: Settings, *, seed: int, fraction: float) -> None:
    from quest.clock import LONDON, SystemClock
    from quest.db import create_engine
    from quest.demo.national.plan import Plan
    from quest.demo.national.seed import NotEmpty, seed_national

    plan = Plan(fraction=fraction, today=SystemClock().now().astimezone(LONDON).date())

    def say(line: str) -> None:
        click.echo(line, err=True)

    async def run() -> None:
        engine = create_engine(settings)
        try:
            generated = await seed_national(engine, seed=seed, plan=plan, say=say)
        finally:
            await engine.dispose()
        for line in generated.progress.lines():
            say(line)

    try:
        asyncio.run(run())
    except NotEmpty as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Seeded the national dataset (seed {seed}, {plan.fraction:g} of national scale).")
    _print_demo_accounts()


def _print_demo_accounts(*, force_logins: bool = False) -> None:
    """The demo users, and with ``force_logins`` (the small demo has them) every force's named logins."""
    from quest.demo.catalogue import DEMO_FORCES, DEMO_PASSWORD, DEMO_USERS, FORCE_DOMAINS, manager_email

    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for user in DEMO_USERS:
        click.echo(f"  {user.role:<10} {user.email}")
    if force_logins:
        click.echo("In every force, its validator, headquarters and each division's manager (the same password):")
        for force_code, divisions in DEMO_FORCES.items():
            domain = FORCE_DOMAINS[force_code]
            codes = ", ".join(
                division.code.lower()
                for division in divisions
                if manager_email(force_code, division.code) == f"manager.{division.code.lower()}@{domain}"
            )
            click.echo(f"  {force_code}  validator@{domain}, hq@{domain}, manager.<division>@{domain} for {codes}")
        click.echo("  (Lancashire's Northern division's manager is manager@lancashire.example.)")


def _refuse_demo_in_production(settings: Settings) -> None:
    if settings.is_production:
        raise click.UsageError(
            "the demo is not seeded when QUEST_ENV=production: its accounts share a published password"
        )


def _seed_demo(settings: Settings, *, seed: int, only_if_empty: bool) -> None:
    from quest.db import open_database
    from quest.demo.seed import database_is_empty, seed_small

    _refuse_demo_in_production(settings)

    async def run() -> str:
        async with open_database(settings) as session_maker:
            if only_if_empty and not await database_is_empty(session_maker):
                return "The database already has data; the demo was not seeded."
            report = await seed_small(session_maker, seed=seed)
        if not report.changed_anything:
            return f"The small demo (seed {seed}) was already seeded: nothing changed."
        created = ", ".join(f"{count} {kind}" for kind, count in report.created.items()) or "nothing"
        updated = ", ".join(f"{count} {kind}" for kind, count in report.updated.items())
        return f"Seeded the small demo (seed {seed}): created {created}" + (f"; updated {updated}." if updated else ".")

    click.echo(asyncio.run(run()))
    _print_demo_accounts(force_logins=True)


@main.group()
def users() -> None:
    """User accounts."""


@users.command("create")
@click.option("--email", required=True, help="Their email address, which they sign in with.")
@click.option("--name", "display_name", required=True, help="Their name, as colleagues know them.")
@click.option("--role", required=True, type=click.Choice([role.value for role in Role]), help="Their role.")
@click.option("--force", "force_code", help="Their force's code, e.g. LAN (all roles but national and admin).")
@click.option("--division", "division_code", help="Their division's code in that force (staff and managers).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input, not a prompt.")
def create_user(
    email: str, display_name: str, role: str, force_code: str | None, division_code: str | None, password_stdin: bool
) -> None:
    """Create a user. Without --password-stdin the password is asked for, twice, without echo."""
    from quest.accounts.models import normalise_email
    from quest.db import open_database, writing

    settings = _settings()
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = str(click.prompt("Password", hide_input=True, confirmation_prompt=True))
    else:
        raise click.UsageError("give the password on standard input with --password-stdin")
    check_database(settings)

    async def create() -> str:
        from quest.accounts import services
        from quest.accounts.identity import COMMAND_LINE

        # Writing from its first query: a transaction that reads, then writes, fails at once on SQLite if
        # another writer committed in between, instead of waiting for it (quest.db).
        with writing():
            async with open_database(settings) as session_maker, session_maker() as session:
                force_id, division_id, code_errors = await _placement_ids(session, force_code, division_code)
                data = services.UserInput(
                    email=email,
                    display_name=display_name,
                    role=role,
                    force_id=force_id,
                    division_id=division_id,
                    password=password,
                )
                try:
                    user_id = await services.create_user(session, COMMAND_LINE, data, must_change_password=False)
                except ValidationFailed as failure:
                    raise ValidationFailed({**failure.errors, **code_errors}) from None
                return str(user_id)

    try:
        user_id = asyncio.run(create())
    except ValidationFailed as failure:
        for field, message in failure.errors.items():
            click.echo(f"Error: {_CLI_FIELD_NAMES.get(field, field)}: {message}", err=True)
        raise SystemExit(1) from None
    click.echo(f"Created {role} {normalise_email(email)} ({user_id}).")


_CLI_FIELD_NAMES = {
    "display_name": "--name",
    "force_id": "--force",
    "division_id": "--division",
    "date_from": "--from",
    "date_to": "--to",
    "password": "password",
}


async def _placement_ids(
    session: AsyncSession, force_code: str | None, division_code: str | None
) -> tuple[str, str, dict[str, str]]:
    """The ids of the force and division named by code, and what is wrong with the codes given."""
    from sqlalchemy import select

    from quest.org.models import Division, Force

    force_id = division_id = ""
    errors: dict[str, str] = {}
    if force_code:
        found = (await session.execute(select(Force.id).where(Force.code == force_code.upper()))).scalar_one_or_none()
        if found is None:
            errors["force_id"] = f"there is no force with the code {force_code!r}"
        else:
            force_id = str(found)
    if division_code and force_id:
        division = (
            await session.execute(
                select(Division.id).where(
                    Division.force_id == uuid.UUID(force_id), Division.code == division_code.upper()
                )
            )
        ).scalar_one_or_none()
        if division is None:
            errors["division_id"] = f"{force_code} has no division with the code {division_code!r}"
        else:
            division_id = str(division)
    elif division_code and "force_id" not in errors:
        errors["division_id"] = "give --force too: division codes are unique within a force"
    return force_id, division_id, errors


# quest.exports.tables.KINDS (not imported here: this module stays light, as above).
EXPORT_KINDS = ("ideas", "readings", "savings", "audit", "users")


@main.command("export")
@click.argument("kind", type=click.Choice(EXPORT_KINDS))
@click.option("--force", "force_code", help="Only this force's rows (its code, e.g. LAN).")
@click.option("--division", "division_code", help="Only this division's rows (its code in --force).")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="From this date (YYYY-MM-DD).")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="To this date, inclusive (YYYY-MM-DD).")
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["csv", "xlsx"]),
    help="csv or xlsx (by default, from --output's extension, else csv).",
)
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE (CSV: standard output if none)."
)
def export(
    kind: str,
    force_code: str | None,
    division_code: str | None,
    date_from: Any,
    date_to: Any,
    file_format: str | None,
    output: Path | None,
) -> None:
    """Export KIND (ideas, readings, savings, audit or users) as CSV or XLSX, in the columns the import of
    the same kind takes. Rows are read and written a batch at a time, however many there are."""
    from quest.exports.files import FileFormat

    as_ = FileFormat(file_format or ("xlsx" if output is not None and output.suffix.lower() == ".xlsx" else "csv"))
    if date_from is not None and date_to is not None and date_from > date_to:
        raise click.BadParameter(f"{date_from:%Y-%m-%d} is after --to {date_to:%Y-%m-%d}", param_hint="'--from'")
    if output is None and as_ is FileFormat.XLSX and sys.stdout.isatty():
        raise click.BadParameter(
            "a workbook cannot be shown on a terminal: write it to a file with --output FILE",
            param_hint="'--format'",
        )
    if output is not None and output.parent and not output.parent.is_dir():
        raise click.BadParameter(f"there is no folder {str(output.parent)!r}", param_hint="'--output'")
    settings = _settings()
    check_database(settings)
    try:
        count = asyncio.run(_export(settings, kind, as_, force_code, division_code, date_from, date_to, output))
    except ValidationFailed as failure:
        for field, message in failure.errors.items():
            click.echo(f"Error: {_CLI_FIELD_NAMES.get(field, field)}: {message}", err=True)
        raise SystemExit(1) from None
    except BrokenPipeError:  # the reader stopped early (``| head``): not an error of ours
        sys.stderr.close()
        raise SystemExit(0) from None
    rows = f"{count:,} row{'' if count == 1 else 's'}"
    click.echo(f"Exported {rows} of {kind} to {output or 'standard output'}.", err=True)


async def _export(
    settings: Settings,
    kind: str,
    as_: Any,
    force_code: str | None,
    division_code: str | None,
    date_from: Any,
    date_to: Any,
    output: Path | None,
) -> int:
    """Write the export to ``output`` (a file written beside it, then moved into place, so a failed
    export leaves no half-written file), or to standard output; the number of rows."""
    import os
    import tempfile

    from quest.accounts.identity import COMMAND_LINE
    from quest.db import open_database
    from quest.exports import tables
    from quest.exports.files import write_rows

    async with open_database(settings) as session_maker, session_maker() as session:
        force_id, division_id, errors = await _placement_ids(session, force_code, division_code)
        if errors:
            raise ValidationFailed(errors)
        scope = tables.ExportScope(
            force_id=uuid.UUID(force_id) if force_id else None,
            division_id=uuid.UUID(division_id) if division_id else None,
            date_from=date_from.date() if date_from else None,
            date_to=date_to.date() if date_to else None,
        )
        found = await tables.export_of(session, COMMAND_LINE, kind, scope)
        if output is None:
            count = await write_rows(sys.stdout.buffer, as_, found.sheet, found.header, found.rows)
            sys.stdout.buffer.flush()
            return count
        descriptor, part = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent or None)
        try:
            with os.fdopen(descriptor, "wb") as file:
                count = await write_rows(file, as_, found.sheet, found.header, found.rows)
            os.replace(part, output)
        except BaseException:
            os.unlink(part)
            raise
        return count


@main.group()
def tokens() -> None:
    """API tokens."""


@tokens.command("create")
@click.option("--email", required=True, help="The user the token acts as.")
@click.option("--label", default="command line", show_default=True, help="What the token is for.")
def create_token_command(email: str, label: str) -> None:
    """Create an API token and print it, once. Only a hash of it is kept."""
    from sqlalchemy import select

    from quest.accounts.models import normalise_email
    from quest.db import open_database, writing

    settings = _settings()
    check_database(settings)

    async def create() -> str | None:
        from quest.accounts.identity import COMMAND_LINE
        from quest.accounts.models import User
        from quest.accounts.sessions import create_token
        from quest.audit.recorder import act_as

        async with open_database(settings) as session_maker, session_maker() as session:
            with writing():
                user = (
                    await session.execute(
                        select(User).where(User.email == normalise_email(email), User.is_active.is_(True))
                    )
                ).scalar_one_or_none()
                if user is None:
                    return None
                act_as(session, COMMAND_LINE.actor)
                secret, _token = await create_token(session, user, label.strip()[:80] or "command line")
                await session.commit()
                return secret

    secret = asyncio.run(create())
    if secret is None:
        raise click.ClickException(f"there is no active user with the email {email!r}")
    click.echo(secret)
    click.echo("Keep this token safe: QUEST keeps only a hash of it and cannot show it again.", err=True)


@main.command("import")
@click.argument("kind", type=click.Choice(["readings", "ideas", "users"]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", "force_code", help="The force the file is for: its division codes resolve within it.")
@click.option("--dry-run", is_flag=True, help="Check every row and say what would change; write nothing.")
@click.option(
    "--submitter",
    metavar="EMAIL",
    default="",
    help="Ideas only: who raised the ideas whose submitter cell is blank (a user of the idea's force).",
)
def import_command(kind: str, file: Path, force_code: str | None, dry_run: bool, submitter: str) -> None:
    """Import a CSV file or an Excel workbook (.xlsx) of readings, ideas or users. Every row is checked
    first: if any is wrong, each problem is listed by row and column and nothing is written; otherwise
    everything is written in one transaction."""
    if submitter and kind != "ideas":
        raise click.UsageError("--submitter is for ideas alone", ctx=click.get_current_context())
    from quest.db import open_database, writing
    from quest.imports.services import read_rows, run_import
    from quest.notifications import email

    settings = _settings()
    check_database(settings)
    email.configure(settings)
    data = file.read_bytes()
    # A CSV file's lines are a fair guess at its rows, for the progress bar; a workbook's are not known.
    expected = data.count(b"\n") if file.suffix.lower() == ".csv" else 0
    show = _ImportProgress(expected, tty=sys.stderr.isatty())

    async def load() -> Any:
        from quest.accounts.identity import COMMAND_LINE

        now = _now()
        async with open_database(settings) as session_maker, session_maker() as session:
            with writing():
                return await run_import(
                    session,
                    COMMAND_LINE,
                    kind,
                    read_rows(file.name, data),
                    force_code=force_code,
                    now=now,
                    today=now.astimezone(_london()).date(),
                    dry_run=dry_run,
                    progress=show,
                    submitter=submitter,
                )

    report, checked = asyncio.run(load())
    show.done()
    if report.problems:
        for problem in report.problems:
            click.echo(f"Error: {problem.summary}", err=True)
        count = len(report.problems)
        click.echo(f"{count:,} problem{'' if count == 1 else 's'} found: nothing was imported.", err=True)
        raise SystemExit(1)
    click.echo(report.summary())
    invitations = getattr(checked, "invitations", None)
    if invitations and report.written:
        if email.current_mailer() is not None:
            count = len(invitations)
            click.echo(f"{count:,} sign-in invitation{'' if count == 1 else 's'} queued to be emailed.")
        else:
            from quest.accounts.invitations import invitation_path

            click.echo("No email is set up (QUEST_SMTP_URL): give each new user their invitation link:")
            for address, secret in invitations.items():
                click.echo(f"  {address}  {settings.base_url}{invitation_path(secret)}")


class _ImportProgress:
    """An import's progress: a bar redrawn in place on a terminal, a line now and then otherwise."""

    def __init__(self, expected: int, *, tty: bool) -> None:
        self.expected, self.tty, self.drawn = expected, tty, False

    def __call__(self, phase: str, rows: int) -> None:
        if not self.tty:
            click.echo(f"{phase} {rows:,} rows", err=True)
            return
        if self.expected and phase == "checked":
            share = min(rows / self.expected, 1.0)
            bar = "#" * int(share * 30)
            click.echo(f"\rChecking [{bar:<30}] {share:4.0%} {rows:,} rows", nl=False, err=True)
        else:
            click.echo(f"\r{phase.capitalize()} {rows:,} rows" + " " * 30, nl=False, err=True)
        self.drawn = True

    def done(self) -> None:
        if self.drawn:
            click.echo(err=True)


def _london() -> Any:
    from quest.clock import LONDON

    return LONDON


@main.group(invoke_without_command=True)
@click.pass_context
def outbox(context: click.Context) -> None:
    """The email outbox: what waits to be sent, what was sent, what failed and why."""
    if context.invoked_subcommand is not None:
        return
    from quest.db import open_database
    from quest.notifications import outbox as email_outbox

    settings = _settings()
    check_database(settings)

    async def summarise() -> email_outbox.OutboxSummary:
        async with open_database(settings) as session_maker, session_maker() as session:
            return await email_outbox.summarise(session)

    summary = asyncio.run(summarise())
    now = _now()
    waiting = ""
    if summary.oldest_pending_since is not None:
        waiting = f" (the oldest waiting {_age(now - summary.oldest_pending_since)}"
        waiting += f"; {summary.pending_with_errors} after a failed try)" if summary.pending_with_errors else ")"
    click.echo(f"pending: {summary.pending}{waiting}")
    click.echo(f"sent: {summary.sent} (in the last {email_outbox.RETENTION.days} days)")
    click.echo(f"failed: {summary.failed}")
    for failure in summary.latest_failures:
        when = failure.failed_at.strftime("%Y-%m-%d %H:%M UTC") if failure.failed_at else "?"
        click.echo(f"  {when}  {failure.id}  to {failure.to} after {failure.attempts} tries: {failure.last_error}")
    if summary.failed:
        click.echo("Put failed emails back in the queue with: quest outbox retry")


@outbox.command("retry")
def retry_failed_emails() -> None:
    """Put every failed email back in the queue, to be tried afresh."""
    from quest.db import open_database, writing
    from quest.notifications import outbox as email_outbox

    settings = _settings()
    check_database(settings)

    async def requeue() -> int:
        async with open_database(settings) as session_maker, session_maker() as session:
            with writing():
                count = await email_outbox.requeue_failed(session, _now())
                await session.commit()
                return count

    count = asyncio.run(requeue())
    click.echo(f"{count} failed email{'' if count == 1 else 's'} put back in the queue.")


def _now() -> Any:
    from quest.clock import SystemClock

    return SystemClock().now()


def _age(age: Any) -> str:
    minutes = int(age.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} minute{'' if minutes == 1 else 's'}"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} hour{'' if hours == 1 else 's'}"
    return f"{hours // 24} days"

"""The `machete` command line: serve, run build workers, migrate, and create admins."""

from __future__ import annotations

import asyncio
import getpass
import logging
import shutil
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from sqlalchemy.exc import SQLAlchemyError

from domain.errors import DomainError
from domain.users.commands import CreateUser
from domain.users.model import Role
from infra.bootstrap import (
    DatabaseNotMigrated,
    InvalidAdminSettings,
    bootstrap,
    create_admin_from_environment,
    prepare_database,
)
from infra.db.migrate import upgrade_to_head
from infra.files.private_directory import private_directory_problem
from infra.service_settings import public_addresses
from infra.settings import Settings
from infra.worker_process import work_until_stopped

GRACEFUL_SHUTDOWN_SECONDS = 15
ANY_INTERFACE = frozenset({"0.0.0.0", "::"})  # noqa: S104 - names them, binds nothing
app = typer.Typer(
    help="MACHETE: Git repositories in, running engineering tools out.", no_args_is_help=True
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
admin_app = typer.Typer(help="Administrators.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(admin_app, name="admin")
gateway_app = typer.Typer(help="The embedded gateway (Caddy).", no_args_is_help=True)
app.add_typer(gateway_app, name="gateway")
console = Console(stderr=True, soft_wrap=True)
logger = logging.getLogger(__name__)


def load_settings(**overrides: Any) -> Settings:
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as error:
        for problem in error.errors():
            where = ".".join(str(part) for part in problem["loc"])
            setting = f"MACHETE_{where.upper()}: " if where else ""
            message = problem["msg"].removeprefix("Value error, ")
            console.print(f"[red]configuration error:[/red] {setting}{message}")
        raise typer.Exit(2) from None


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Interface of the public listener (MACHETE_HOST).")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port of the public listener (MACHETE_PORT).")
    ] = None,
) -> None:
    """Run the API server (behind the gateway, which takes the public address)."""
    import uvicorn

    from graph.app import create_app

    settings = load_settings(host=host, port=port)
    configure_logging(settings)
    # Fail here, with a readable message, rather than with a traceback from the lifespan.
    problem = (
        settings.socket_problem() or _run_dir_problem(settings) or asyncio.run(_preflight(settings))
    )
    if problem:
        console.print(f"[red]cannot start:[/red] {problem}")
        raise typer.Exit(1)
    for line in startup_lines(settings):
        console.print(line)
    console.print(
        f"First admin: [bold]{own_command()} admin create --username NAME --email EMAIL[/bold]"
    )
    where: dict[str, Any]
    if settings.api_socket is not None:
        where = {"uds": str(settings.api_socket)}
    else:
        api_host, api_port = settings.api_tcp_address
        where = {"host": api_host, "port": api_port}
    uvicorn.run(
        create_app(settings, prepared=True),
        **where,
        log_level=settings.log_level,
        proxy_headers=False,
        # Connections still open this long after a stop request are cancelled, so a stop
        # always reaches the app's shutdown (which hands running builds back to the queue).
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )


def _run_dir_problem(settings: Settings) -> str | None:
    """The directory of the API's and the gateway's sockets, made private to this user if new;
    why it cannot be trusted (others may write to it) if not."""
    directories = {path.parent for path in (settings.api_socket, settings.admin_socket) if path}
    for directory in sorted(directories):
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        if (problem := private_directory_problem(directory)) is not None:
            return f"the run directory is not private: {problem}"
    return None


def startup_lines(settings: Settings) -> list[str]:
    """Where to open MACHETE and its tools, as this configuration serves them."""
    addresses = public_addresses(settings)
    if not settings.gateway_enabled:
        url = f"http://{settings.host}:{settings.port}"
        return [
            f"MACHETE {settings.mode.value} on [bold]{url}/[/bold] (API at {url}/graphql)",
            "No gateway (MACHETE_GATEWAY=off): tools answer on their own loopback ports.",
        ]
    tool = addresses.tool_url_for_name("<tool>")
    return [
        f"MACHETE {settings.mode.value} on [bold]{addresses.dashboard_url}/[/bold] "
        f"(gateway: {settings.gateway.value}, listening on {settings.host}:{settings.port})",
        f"Tools at [bold]{tool}[/bold]",
    ]


@app.command()
def ready() -> None:
    """Exit 0 when the API answers /readyz where it listens (its unix socket behind the
    gateway, else its TCP port): a container health check."""
    import httpx

    settings = load_settings()
    if settings.api_socket is not None:
        transport = httpx.HTTPTransport(uds=str(settings.api_socket))
        url = "http://machete/readyz"
    else:
        api_host, api_port = settings.api_tcp_address
        transport = httpx.HTTPTransport()
        # A server bound to every interface answers on loopback.
        if api_host in ANY_INTERFACE:
            api_host = "127.0.0.1"
        url = f"http://{api_host}:{api_port}/readyz"
    try:
        with httpx.Client(transport=transport, timeout=5) as client:
            answer = client.get(url)
    except httpx.HTTPError as error:
        console.print(f"not ready: the API does not answer ({type(error).__name__})")
        raise typer.Exit(1) from None
    if answer.status_code != 200:
        console.print(f"not ready: {answer.text.strip()}")
        raise typer.Exit(1)
    console.print("ready")


@gateway_app.command("stop")
def gateway_stop() -> None:
    """Stop the embedded Caddy, which otherwise outlives `machete serve` (stop MACHETE first,
    or it starts Caddy again)."""
    from infra.gateway.factory import stop_embedded_gateway

    settings = load_settings()
    if settings.admin_socket is None:
        console.print("[red]cannot stop:[/red] only MACHETE_GATEWAY=embedded runs its own Caddy")
        raise typer.Exit(2)
    run_dir = settings.resolved_run_dir
    if run_dir.exists() and (problem := private_directory_problem(run_dir)) is not None:
        console.print(f"[red]cannot stop:[/red] the run directory is not private: {problem}")
        raise typer.Exit(1)
    if stop_embedded_gateway(settings):
        console.print("The gateway stopped.")
    else:
        console.print("No gateway was running.")


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    # One line per HTTP request (the gateway's supervisor asks Caddy twice a second) is noise.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, logging.root.level))


@app.command()
def worker() -> None:
    """Run build workers and the tool monitor without the API, until SIGTERM or Ctrl-C."""
    settings = load_settings()
    if settings.worker_concurrency == 0:
        console.print(
            "[red]cannot start:[/red] MACHETE_WORKER_CONCURRENCY is 0, so this worker would "
            "build nothing; set it to 1 or more"
        )
        raise typer.Exit(2)
    configure_logging(settings)
    problem = asyncio.run(work_until_stopped(settings))
    if problem:
        console.print(f"[red]cannot start:[/red] {problem}")
        raise typer.Exit(1)


async def _preflight(settings: Settings) -> str | None:
    try:
        application = bootstrap(settings)
    except ValueError as error:  # settings that contradict each other, e.g. the event bus
        return str(error)
    try:
        await prepare_database(application)
        await create_admin_from_environment(application)
    except (DatabaseNotMigrated, InvalidAdminSettings) as error:
        return str(error)
    except (OSError, SQLAlchemyError) as error:
        return f"the database is unreachable ({type(error).__name__})"
    finally:
        await application.close()
    return None


def own_command() -> str:
    """How the user can call this CLI again: a checkout's `.venv/bin/machete`, or `machete`."""
    invoked = Path(sys.argv[0]).resolve()
    try:
        return str(invoked.relative_to(Path.cwd().resolve()))
    except ValueError:
        return invoked.name if shutil.which(invoked.name) else str(invoked)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database schema to the newest version."""
    settings = load_settings()
    settings.ensure_data_dir()
    upgrade_to_head(settings.resolved_database_url)
    console.print("database is up to date")


def read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass("Password: ")
    if getpass.getpass("Repeat password: ") != password:
        console.print("[red]passwords differ[/red]")
        raise typer.Exit(1)
    return password


@admin_app.command("create")
def admin_create(
    username: Annotated[str, typer.Option(help="The admin's username.")],
    email: Annotated[str, typer.Option(help="The admin's email address.")],
) -> None:
    """Create an admin; the password comes from a prompt or, when piped, from stdin."""
    password = read_password()
    settings = load_settings()
    exit_code = asyncio.run(_create_admin(settings, username, email, password))
    raise typer.Exit(exit_code)


async def _create_admin(settings: Settings, username: str, email: str, password: str) -> int:
    application = bootstrap(settings)
    try:
        await prepare_database(application)
        user = await application.services.users.create_user(
            None, CreateUser(username, email, password, Role.ADMIN)
        )
    except DomainError as error:
        problems = getattr(error, "problems", [error])
        for problem in problems:
            console.print(f"[red]{problem.code.value}:[/red] {problem.message}")
        return 1
    finally:
        await application.close()
    console.print(f"created admin [bold]{user.username}[/bold]")
    return 0


def main() -> None:
    app()


if __name__ == "__main__":
    main()

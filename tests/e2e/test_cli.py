"""The `machete` command line against real processes and the real database."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import httpx

from tests.conftest import TEST_SECRET_KEY, dispose_database_url, new_database_url
from tests.e2e.conftest import SIGN_IN
from tests.e2e.server import RunningServer, machete_command, server_env, start_server


def run_machete(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        machete_command(*args),
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_admin_create_reads_the_password_from_stdin_and_the_admin_signs_in(
    server: RunningServer,
) -> None:
    created = run_machete(
        server.env,
        "admin",
        "create",
        "--username",
        "ops",
        "--email",
        "ops@example.com",
        stdin="night-shift-passphrase-9\n",
    )
    assert created.returncode == 0, created.stderr
    assert "created admin ops" in created.stderr
    response = httpx.post(
        server.graphql_url,
        json={"query": SIGN_IN, "variables": {"u": "ops", "p": "night-shift-passphrase-9"}},
    )
    payload = response.json()["data"]["signIn"]
    assert payload["errors"] == [] and payload["user"]["role"] == "ADMIN"


def test_admin_create_reports_every_problem_and_exits_non_zero(server: RunningServer) -> None:
    result = run_machete(
        server.env, "admin", "create", "--username", "admin", "--email", "bad", stdin="short\n"
    )
    assert result.returncode == 1
    assert "INVALID_INPUT" in result.stderr and "WEAK_PASSWORD" in result.stderr
    assert "Traceback" not in result.stderr


async def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = server_env(
        tmp_path / "data", f"sqlite+aiosqlite:///{tmp_path}/p.db", MACHETE_MODE="production"
    )
    result = run_machete(env, "serve", "--port", "1")
    assert result.returncode == 2
    assert "MACHETE_SECRET_KEY is required in production mode" in result.stderr


async def test_production_needs_db_upgrade_then_hides_introspection_and_graphiql(
    tmp_path: Path,
) -> None:
    url = await new_database_url(tmp_path, "machete_prod")
    env = server_env(
        tmp_path / "data", url, MACHETE_MODE="production", MACHETE_SECRET_KEY=TEST_SECRET_KEY
    )
    try:
        try:
            start_server(env, tmp_path / "refused.log")
            raise AssertionError("production started on an unmigrated database")
        except RuntimeError as error:
            assert "run `machete db upgrade` first" in str(error)
        upgraded = run_machete(env, "db", "upgrade")
        assert upgraded.returncode == 0, upgraded.stderr
        server = start_server(env, tmp_path / "prod.log")
        try:
            async with httpx.AsyncClient() as http:
                introspection = await http.post(
                    server.graphql_url, json={"query": "{ __schema { types { name } } }"}
                )
                ide = await http.get(server.graphql_url, headers={"Accept": "text/html"})
            assert "introspection" in introspection.json()["errors"][0]["message"].lower()
            assert ide.status_code == 404
        finally:
            server.stop()
    finally:
        await dispose_database_url(url)


def test_serve_explains_an_invalid_admin_from_the_environment(tmp_path: Path) -> None:
    env = server_env(
        tmp_path / "data",
        f"sqlite+aiosqlite:///{tmp_path}/a.db",
        MACHETE_ADMIN_USERNAME="boss",
        MACHETE_ADMIN_PASSWORD="short",
    )
    result = run_machete(env, "serve", "--port", "1")
    assert result.returncode == 1
    assert "MACHETE_ADMIN_* does not describe a valid admin" in result.stderr
    assert "Traceback" not in result.stderr


def test_ready_says_whether_the_api_answers_where_it_listens(server: RunningServer) -> None:
    answering = run_machete(
        server.env | {"MACHETE_PORT": server.base_url.rsplit(":", 1)[1]}, "ready"
    )
    assert (answering.returncode, answering.stderr.strip()) == (0, "ready")
    nobody = run_machete(server.env | {"MACHETE_PORT": "1"}, "ready")
    assert nobody.returncode == 1 and "not ready" in nobody.stderr


def test_serve_and_gateway_stop_refuse_a_run_directory_others_may_write_to(tmp_path: Path) -> None:
    """Its pidfile and sockets are trusted: whoever may write there could plant their own."""
    run_dir = Path(tempfile.mkdtemp(prefix="m", dir="/tmp"))
    try:
        run_dir.chmod(0o777)
        env = server_env(
            tmp_path / "data",
            f"sqlite+aiosqlite:///{tmp_path}/a.db",
            MACHETE_GATEWAY="embedded",
            MACHETE_RUN_DIR=str(run_dir),
        )
        for command in (("serve", "--port", "1"), ("gateway", "stop")):
            result = run_machete(env, *command)
            assert result.returncode == 1, command
            assert "others may write to" in result.stderr and "Traceback" not in result.stderr
        assert sorted(path.name for path in run_dir.iterdir()) == []
    finally:
        shutil.rmtree(run_dir)

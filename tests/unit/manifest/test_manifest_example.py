"""The format tool authors already write is accepted, and its values come out parsed."""

from __future__ import annotations

from domain.manifest.model import Category, Resources, Volume
from tests.unit.manifest.support import EXAMPLE, minimal, validate


def test_the_product_example_manifest_is_accepted_with_every_value_parsed() -> None:
    manifest = validate(EXAMPLE)

    assert manifest.name == "my-tool"
    assert (manifest.version, manifest.description) == ("1.0.0", "What it does")
    assert (manifest.author, manifest.license) == ("Jane <jane@example.com>", "MIT")
    assert manifest.platform_version == ">=1.0.0"
    assert manifest.category is Category.AUTOMATION
    assert (manifest.port, manifest.health_check) == (8080, "/health")
    assert manifest.environment == {"LOG_LEVEL": "info", "GREETING": "a=b"}
    assert manifest.volumes == (
        Volume("./data", "/app/data", read_only=False),
        Volume("./config", "/app/config", read_only=True),
    )
    assert manifest.dependencies == ()
    assert manifest.resources == Resources(memory_bytes=536870912, nano_cpus=500000000)
    assert manifest.read_only_filesystem is False
    assert manifest.ui == {
        "icon": "🔧",
        "color": "#ff6b35",
        "routes": [{"path": "/", "title": "Dashboard"}],
    }


def test_a_manifest_with_only_a_name_and_a_port_gets_the_defaults() -> None:
    manifest = validate(minimal())

    assert manifest.category is Category.OTHER
    assert manifest.health_check == "/"
    assert manifest.environment == {}
    assert manifest.volumes == ()
    assert manifest.resources == Resources()
    assert manifest.read_only_filesystem is False
    assert manifest.platform_version is None
    assert manifest.ui == {}


def test_keys_left_empty_count_as_not_given() -> None:
    manifest = validate(minimal("environment:\nvolumes:\ndependencies:", "ui:\nresources:\n"))

    assert (manifest.environment, manifest.volumes, manifest.dependencies) == ({}, (), ())


def test_a_numeric_tool_version_is_kept_as_the_text_written() -> None:
    assert validate("name: a-tool\nversion: 1.10\nmachete: {port: 1}\n").version == "1.10"


def test_a_read_only_filesystem_and_dependencies_are_read() -> None:
    manifest = validate(
        minimal("dependencies: [postgres, redis]", "permissions: {filesystem: {read_only: true}}")
    )

    assert manifest.dependencies == ("postgres", "redis")
    assert manifest.read_only_filesystem is True


def test_the_fixture_repositories_manifest_is_valid() -> None:
    from tests.fixtures.repos import MANIFEST

    manifest = validate(MANIFEST.format(name="hello-tool", port=8080))

    assert manifest.environment == {"GREETING": "hello", "EQUATION": "a=b"}
    assert manifest.category is Category.TESTING

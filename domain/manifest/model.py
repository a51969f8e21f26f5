"""The validated `machete.yml`: what a tool declares about itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

MANIFEST_FILE = "machete.yml"
DOCKERFILE = "Dockerfile"


class Category(StrEnum):
    AUTOMATION = "automation"
    DEVOPS = "devops"
    TESTING = "testing"
    ANALYSIS = "analysis"
    MONITORING = "monitoring"
    SECURITY = "security"
    COLLABORATION = "collaboration"
    OTHER = "other"


class DeployStrategy(StrEnum):
    """How a new container replaces the running one (update, rebuild, rollback, restart)."""

    ROLLING = "rolling"  # start beside the old one, switch once healthy, then stop the old
    RECREATE = "recreate"  # stop the old one first: for tools that cannot run twice at once


@dataclass(frozen=True)
class Volume:
    """`./data:/app/data[:ro]`: a path relative to the tool's data dir, mounted in the container."""

    host_path: str
    container_path: str
    read_only: bool = False

    def spec(self) -> str:
        return f"{self.host_path}:{self.container_path}{':ro' if self.read_only else ''}"


@dataclass(frozen=True)
class Resources:
    memory_bytes: int | None = None
    nano_cpus: int | None = None


@dataclass(frozen=True)
class Manifest:
    name: str
    version: str | None
    description: str | None
    author: str | None
    license: str | None
    platform_version: str | None
    category: Category
    port: int
    health_check: str
    environment: dict[str, str] = field(default_factory=dict)
    volumes: tuple[Volume, ...] = ()
    dependencies: tuple[str, ...] = ()
    resources: Resources = field(default_factory=Resources)
    read_only_filesystem: bool = False
    ui: dict[str, Any] = field(default_factory=dict)
    deploy: DeployStrategy = DeployStrategy.ROLLING

    def to_document(self) -> dict[str, Any]:
        """A JSON-ready summary, stored with the tool and shown through the API."""
        return {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "author": self.author,
            "license": self.license,
            "machete": {
                "version": self.platform_version,
                "category": self.category.value,
                "port": self.port,
                "health_check": self.health_check,
                "environment": dict(self.environment),
                "volumes": [volume.spec() for volume in self.volumes],
                "dependencies": list(self.dependencies),
                "deploy": self.deploy.value,
            },
            "resources": {
                "memory_bytes": self.resources.memory_bytes,
                "nano_cpus": self.resources.nano_cpus,
            },
            "permissions": {"filesystem": {"read_only": self.read_only_filesystem}},
            "ui": self.ui,
        }


def manifest_from_document(document: dict[str, Any]) -> Manifest:
    """The inverse of `Manifest.to_document`, for manifests stored with tools and builds."""
    machete = document.get("machete", {})
    resources = document.get("resources", {})
    filesystem = document.get("permissions", {}).get("filesystem", {})
    return Manifest(
        name=document["name"],
        version=document.get("version"),
        description=document.get("description"),
        author=document.get("author"),
        license=document.get("license"),
        platform_version=machete.get("version"),
        category=Category(machete.get("category", Category.OTHER.value)),
        port=int(machete["port"]),
        health_check=machete.get("health_check", "/"),
        environment=dict(machete.get("environment", {})),
        volumes=tuple(_volume(spec) for spec in machete.get("volumes", [])),
        dependencies=tuple(machete.get("dependencies", [])),
        resources=Resources(resources.get("memory_bytes"), resources.get("nano_cpus")),
        read_only_filesystem=bool(filesystem.get("read_only", False)),
        ui=dict(document.get("ui", {})),
        deploy=DeployStrategy(machete.get("deploy", DeployStrategy.ROLLING.value)),
    )


def _volume(spec: str) -> Volume:
    host, container, *mode = spec.split(":")
    return Volume(host, container, read_only=mode == ["ro"])

"""The `ManifestLoader` port: `machete.yml` next to a `Dockerfile` in a fetched checkout.

The checkout comes from a repository anyone may have written, so both files must be regular
files: a symlink could point the platform at a file on the host.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from domain.errors import ErrorCode, ManifestError, ValidationFailed
from domain.manifest.model import DOCKERFILE, MANIFEST_FILE, Manifest
from domain.manifest.problems import ManifestProblem
from domain.manifest.validation import validate_manifest
from domain.manifest.versions import parse_release
from infra.manifest.yaml_document import MAX_DOCUMENT_BYTES, parse_document


class YamlManifestLoader:
    def __init__(self, platform_version: str) -> None:
        parse_release(platform_version)  # fail at wiring time, not on the first build
        self._platform_version = platform_version

    def load(self, directory: Path) -> Manifest:
        _require_regular_file(directory / MANIFEST_FILE, ErrorCode.MANIFEST_MISSING)
        _require_regular_file(directory / DOCKERFILE, ErrorCode.DOCKERFILE_MISSING)
        text = _read_text(directory / MANIFEST_FILE)
        return validate_manifest(parse_document(text), self._platform_version)


def _require_regular_file(path: Path, missing: ErrorCode) -> None:
    try:
        mode = path.lstat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        raise ManifestError(f"The repository has no {path.name}.", code=missing) from None
    if stat.S_ISLNK(mode):
        raise _not_regular(path, "a symbolic link")
    if not stat.S_ISREG(mode):
        raise _not_regular(path, "a directory or special file")


def _not_regular(path: Path, what: str) -> ManifestError:
    message = f"{path.name} must be a regular file, not {what}."
    return ManifestError(message, code=ErrorCode.MANIFEST_INVALID)


def _read_text(path: Path) -> str:
    data = _read_capped(path)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ValidationFailed([ManifestProblem("the file is larger than 64 KiB")])
    try:
        return data.decode("utf-8-sig")  # tolerate the byte order mark some editors write
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ValidationFailed(
            [ManifestProblem("the file is not valid UTF-8 text", line=line)]
        ) from None


def _read_capped(path: Path) -> bytes:
    """At most one byte past the cap; O_NOFOLLOW and fstat close the gap since the lstat."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP:  # it became a symlink after the check
            raise _not_regular(path, "a symbolic link") from None
        raise ManifestError(
            f"{path.name} could not be read.", code=ErrorCode.MANIFEST_INVALID
        ) from None
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise _not_regular(path, "a directory or special file")
        return handle.read(MAX_DOCUMENT_BYTES + 1)

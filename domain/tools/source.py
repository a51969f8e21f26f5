"""Where a tool's source may come from: checked before any I/O, shown without credentials."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import SplitResult, urlsplit

from domain.checkouts import SourceSpec
from domain.errors import DomainError, ErrorCode, ValidationFailed

MAX_URL_LENGTH = 2048
MAX_REF_LENGTH = 255
MAX_SUBDIR_LENGTH = 255
LOCAL_DISABLED = (
    "Local repositories (file:// URLs and paths) are disabled by the admin setting "
    "MACHETE_ALLOW_LOCAL_REPOS"
)
ALLOWED_FORMS = "use an https://, ssh:// or user@host:path URL"

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_TRANSPORT_HELPER = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*::")
_SCP = re.compile(
    r"^(?:(?P<user>[A-Za-z0-9._~-]+)@)?"
    r"(?P<host>[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(?P<path>.*)$"
)
_HOSTNAME = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])$")
_URL_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*)@")
_FULL_SHA = re.compile(r"^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$")
_REF_FORBIDDEN = set(" ~^:?*[\\")


def validate_source(
    repo_url: str, ref: str | None, subdir: str | None, *, allow_local: bool
) -> SourceSpec:
    """A `SourceSpec` for these inputs, or `ValidationFailed` listing every invalid one."""
    url_problem = repo_url_problem(repo_url, allow_local=allow_local)
    checks = (
        (url_problem, ErrorCode.INVALID_REPO_URL, "repo_url"),
        (ref_name_problem(ref or ""), ErrorCode.INVALID_REF, "ref"),
        (subdir_path_problem(subdir or ""), ErrorCode.INVALID_SUBDIR, "subdir"),
    )
    problems = [DomainError(text, code=code, field=(name,)) for text, code, name in checks if text]
    if problems:
        raise ValidationFailed(problems)
    return SourceSpec(repo_url=repo_url, ref=normalized_ref(ref), subdir=normalized_subdir(subdir))


def is_local_url(repo_url: str) -> bool:
    return repo_url.startswith(("file://", "/"))


def display_url(url: str) -> str:
    """The URL without userinfo (which may hold a password or a token) for logs and messages.

    scp-style `user@host:path` keeps its user: it names an SSH account, not a secret; so does
    an `ssh://user@` without a password.
    """
    match = _URL_USERINFO.match(url)
    if not match:
        return url
    scheme, userinfo = match.group(1), match.group(2)
    if scheme.lower() == "ssh://" and ":" not in userinfo:
        return url
    return scheme + url[match.end() :]


def repo_url_problem(url: str, *, allow_local: bool) -> str | None:
    if not url:
        return "A repository URL is required"
    if len(url) > MAX_URL_LENGTH:
        return f"The repository URL is longer than {MAX_URL_LENGTH} characters"
    if _TRANSPORT_HELPER.match(url):
        return f"Transport helpers such as ext:: are not allowed; {ALLOWED_FORMS}"
    if any(char.isspace() or not char.isprintable() for char in url):
        return "The repository URL contains whitespace or control characters"
    if url.startswith("-"):
        return "The repository URL must not start with '-'"
    scheme = _SCHEME.match(url)
    if scheme:
        return _scheme_url_problem(scheme.group(1), url, allow_local=allow_local)
    if url.startswith("/"):
        return None if allow_local else LOCAL_DISABLED
    return _scp_url_problem(url)


def _scheme_url_problem(scheme: str, url: str, *, allow_local: bool) -> str | None:
    if scheme == "file":
        if not allow_local:
            return LOCAL_DISABLED
        return None if url[len("file://") :].startswith("/") else "A file:// URL needs a path"
    if scheme not in {"https", "ssh"}:
        return f"{scheme}:// URLs are not allowed; {ALLOWED_FORMS}"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a malformed port)
    except ValueError:
        return "The repository URL is malformed"
    return _authority_problem(parts)


def _authority_problem(parts: SplitResult) -> str | None:
    host = _raw_host(parts.netloc)
    if not host or not _HOSTNAME.match(host):
        return "The repository URL needs a valid host name"
    if (parts.username or "").startswith("-"):
        return "The user name in the repository URL must not start with '-'"
    return _repo_path_problem(parts.path)


def _repo_path_problem(path: str) -> str | None:
    if not path.strip("/"):
        return "The repository URL needs a repository path"
    if path.lstrip("/~").startswith("-"):
        return "The repository path must not start with '-'"
    return None


def _raw_host(netloc: str) -> str:
    """The host as written (brackets kept), without userinfo and port."""
    host_and_port = netloc.rpartition("@")[2]
    if host_and_port.startswith("["):
        return host_and_port.partition("]")[0] + "]"
    return host_and_port.partition(":")[0]


def _scp_url_problem(url: str) -> str | None:
    match = _SCP.match(url)
    if not match or match.group("host").lower() in {"http", "https", "ssh", "git", "file"}:
        return f"The repository URL is not recognised; {ALLOWED_FORMS}"
    if match.group("host").startswith("-") or (match.group("user") or "").startswith("-"):
        return "The host and user of the repository URL must not start with '-'"
    return _repo_path_problem(match.group("path"))


def ref_name_problem(ref: str) -> str | None:
    """Why `ref` is not a usable branch, tag or full commit SHA (`git check-ref-format`)."""
    if not ref or _FULL_SHA.match(ref):
        return None
    if len(ref) > MAX_REF_LENGTH:
        return f"The ref is longer than {MAX_REF_LENGTH} characters"
    if ref.startswith("-"):
        return "The ref must not start with '-'"
    if any(not char.isprintable() or char in _REF_FORBIDDEN for char in ref):
        return "The ref must not contain spaces, control characters or any of ~ ^ : ? * [ \\"
    if ".." in ref or "@{" in ref or ref == "@":
        return "The ref must not contain '..' or '@{' and must not be '@'"
    if ref.startswith("/") or ref.endswith(("/", ".")) or "//" in ref:
        return "The ref must not start or end with '/', end with '.' or contain '//'"
    if any(part.startswith(".") or part.endswith(".lock") for part in ref.split("/")):
        return "No part of the ref may start with '.' or end with '.lock'"
    return None


def normalized_ref(ref: str | None) -> str | None:
    if not ref:
        return None
    return ref.lower() if _FULL_SHA.match(ref) else ref


def subdir_path_problem(subdir: str) -> str | None:
    if not subdir:
        return None
    if len(subdir) > MAX_SUBDIR_LENGTH:
        return f"The subdirectory is longer than {MAX_SUBDIR_LENGTH} characters"
    if any(not char.isprintable() for char in subdir) or "\\" in subdir:
        return "The subdirectory must not contain control characters or backslashes"
    if subdir.startswith("/"):
        return "The subdirectory must be a path relative to the repository root"
    if ".." in subdir.split("/"):
        return "The subdirectory must not contain '..'"
    return None


def normalized_subdir(subdir: str | None) -> str | None:
    if not subdir:
        return None
    normal = posixpath.normpath(subdir)
    return None if normal == "." else normal

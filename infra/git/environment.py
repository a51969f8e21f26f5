"""The environment every git process runs with: git's own hardening, set by us, not by the host.

GitPython starts git with a copy of our environment updated by this mapping, so every variable
that could redirect git (GIT_DIR, config injected by a parent process, askpass programs) is
given an explicit value here rather than trusted from the host.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Applied as command-line-level config (GIT_CONFIG_COUNT/KEY_n/VALUE_n, git >= 2.31), which
# outranks any repository config a fetched repository could bring.
HARDENED_CONFIG: tuple[tuple[str, str], ...] = (
    ("core.hooksPath", "/dev/null"),
    ("core.fsmonitor", "false"),
    ("protocol.ext.allow", "never"),
    ("submodule.recurse", "false"),
    ("fetch.recurseSubmodules", "false"),
    ("credential.helper", ""),
    ("init.defaultBranch", "main"),
    ("advice.detachedHead", "false"),
)
SSH_COMMAND = "ssh -o BatchMode=yes -o ConnectTimeout=30 -o ControlMaster=no -o ControlPath=none"


@dataclass(frozen=True)
class Workspace:
    """A fresh checkout area: `home` is git's empty HOME, `repo` the working tree."""

    root: Path

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def repo(self) -> Path:
        return self.root / "repo"

    @property
    def git_dir(self) -> Path:
        return self.repo / ".git"


def git_environment(workspace: Workspace, *, allow_file_protocol: bool) -> dict[str, str]:
    protocols = "https:ssh:file" if allow_file_protocol else "https:ssh"
    environment = {
        "GIT_ALLOW_PROTOCOL": protocols,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_ASKPASS": "",  # set but empty: git asks no program, not even SSH_ASKPASS
        "SSH_ASKPASS": "",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_PARAMETERS": "",
        "HOME": str(workspace.home),
        "XDG_CONFIG_HOME": str(workspace.home / ".config"),
        "GIT_SSH_COMMAND": SSH_COMMAND,
        "GIT_DIR": str(workspace.git_dir),
        "GIT_WORK_TREE": str(workspace.repo),
        "GIT_INDEX_FILE": str(workspace.git_dir / "index"),
        "GIT_OBJECT_DIRECTORY": str(workspace.git_dir / "objects"),
        "GIT_ALTERNATE_OBJECT_DIRECTORIES": "",
        "GIT_TRACE": "0",
        "GIT_TRACE_PACKET": "0",
        "GIT_TRACE_CURL": "0",
        "GIT_TRACE_REDACT": "1",  # should tracing be on in the host's environment
        "GIT_CONFIG_COUNT": str(len(HARDENED_CONFIG)),
    }
    for index, (key, value) in enumerate(HARDENED_CONFIG):
        environment[f"GIT_CONFIG_KEY_{index}"] = key
        environment[f"GIT_CONFIG_VALUE_{index}"] = value
    return environment

"""When two containers of one tool may run at once without one redirecting the other's mounts.

Docker resolves a bind mount's host path when it mounts it (and again on every restart by the
restart policy), following symlinks. A running container can put a symlink wherever it may
write, that is inside its writable mounts, so a host path that lies strictly inside another
running container's writable mount could be swapped for a link to `/etc` between MACHETE's
checks and Docker's mount. The same directory mounted by both is safe: its own directory entry
lies outside both containers, and neither can rename what it only sees from inside.
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.containers import Mount


def redirect_risk(new: Iterable[Mount], running: Iterable[Mount]) -> str | None:
    """Why the new container's mounts and the running one's must not coexist, or None."""
    new, running = tuple(new), tuple(running)
    for writer, other, whose in ((running, new, "running"), (new, running, "new")):
        for outer in writer:
            if outer.read_only:
                continue
            for inner in other:
                if outer.host_path in inner.host_path.parents:
                    return (
                        f"{inner.host_path} lies inside {outer.host_path}, which the {whose}"
                        " container can write to"
                    )
    return None

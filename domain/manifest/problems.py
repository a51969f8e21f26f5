"""One problem found in `machete.yml`, located by key path and line."""

from __future__ import annotations

from domain.errors import ErrorCode, ManifestError


class ManifestProblem(ManifestError):
    code = ErrorCode.MANIFEST_INVALID

    def __init__(
        self,
        detail: str,
        *,
        path: tuple[str | int, ...] = (),
        line: int | None = None,
        code: ErrorCode | None = None,
    ) -> None:
        where = ".".join(str(part) for part in path) or "(document)"
        at = f"line {line}, " if line is not None else ""
        super().__init__(f"machete.yml {at}{where}: {detail}", code=code)
        self.detail = detail
        self.path = path
        self.line = line

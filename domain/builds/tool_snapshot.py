"""The tool as a build found it, to put back when the build does not finish."""

from __future__ import annotations

from dataclasses import dataclass

from domain.tools.model import Tool, ToolImage
from domain.tools.status import ToolStatus


@dataclass(frozen=True)
class Before:
    status: ToolStatus
    image: ToolImage

    @classmethod
    def of(cls, tool: Tool) -> Before:
        return cls(tool.status, tool.image)

    @property
    def had_image(self) -> bool:
        return self.image.build_id is not None

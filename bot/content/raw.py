"""The checked mappings of every content file, before the knowledge base is built from them:
what the cross-file checks read (each mapping remembers its file, line and column)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.content.fields import LDict


@dataclass
class Raw:
    """Checked mappings from every file, each with the file it came from, before building."""

    items: dict[str, list[tuple[LDict, str, LDict | None]]] = field(default_factory=dict)
    policy: LDict | None = None  # the `policy:` mapping of policy.yaml, checked after building
    unread: bool = False  # a file or folder could not be read or parsed

    def add(self, key: str, item: LDict, file: str, inspection: LDict | None) -> None:
        self.items.setdefault(key, []).append((item, file, inspection))

    def of(self, key: str) -> list[tuple[LDict, str, LDict | None]]:
        return self.items.get(key, [])

"""Each content file's checked mappings and problems, cached by the hash of its bytes.

Parsing a file and checking it against the schema is nine tenths of validating the content, and
depends on that file alone. So a reload after a one-file edit reads the other files' results
from here (written by the last validation) and parses only the edited one; the checks across
files and the building of the knowledge base still run over everything, as they must.

An entry's name is the hash of the code's version (given by the caller: schema and checks are
code), the file's name as messages show it, and its bytes: it is never used for anything else.
An entry that cannot be read (truncated, damaged, from another Python) is a miss, never an
error; writing is best effort (a full disk only makes the next validation slower).
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any


class FileCache:
    def __init__(self, folder: Path, salt: str):
        self.folder = folder
        self.salt = salt.encode()
        self.used: set[str] = set()
        self.hits = 0

    def key(self, shown: str, data: bytes) -> str:
        digest = hashlib.sha256(self.salt + b"\0" + shown.encode() + b"\0")
        digest.update(data)
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / f"{key[:40]}.pickle"

    def get(self, key: str) -> Any | None:
        self.used.add(key)
        try:
            data = self._path(key).read_bytes()
        except OSError:
            return None
        # The key is written first, and the payload's hash: a file cut short or overwritten
        # fails one of the two.
        head = key.encode() + b"\n"
        if not data.startswith(head) or len(data) < len(head) + 65:
            return None
        payload = memoryview(data)[len(head) + 65:]
        if hashlib.sha256(payload).hexdigest().encode() != data[len(head):len(head) + 64]:
            return None
        try:
            value = pickle.loads(payload)
        except Exception:  # a payload that hashes right but will not load is a miss
            return None
        self.hits += 1
        return value

    def put(self, key: str, value: Any) -> None:
        self.used.add(key)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            path = self._path(key)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            with tmp.open("wb") as handle:
                handle.write(key.encode() + b"\n")
                handle.write(hashlib.sha256(payload).hexdigest().encode() + b"\n")
                handle.write(payload)
            os.replace(tmp, path)
        except (OSError, pickle.PicklingError, RecursionError):
            return

    def prune(self) -> None:
        """Remove the entries this run did not use (the files' older versions)."""
        keep = {f"{key[:40]}.pickle" for key in self.used}
        try:
            for entry in self.folder.glob("*.pickle"):
                if entry.name not in keep:
                    entry.unlink(missing_ok=True)
        except OSError:
            return

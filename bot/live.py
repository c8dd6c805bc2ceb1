"""The knowledge base the running bot serves, reloaded when content/ changes.

A bad edit never takes the bot down: a new version of the folder is swapped in only when it is
valid, otherwise the last good version keeps serving, every problem is logged, and
`on_errors(problems, version)` is called once for that broken version (a version is the hash of
the YAML files' names and contents, so re-saving the same broken file does not report twice).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from bot import kbcache
from bot.content.kb import KnowledgeBase
from bot.errors import ContentInvalid, Problem
from bot.kbcache import content_version, watched_files
from bot.render.templating import build_env, warm
from bot.render.text import Renderer

log = logging.getLogger(__name__)

OnErrors = Callable[[list[Problem], str], None]
OnChange = Callable[[KnowledgeBase, KnowledgeBase, str], None]  # (old, new, new version)
CONTENT_SUFFIXES = (".yaml", ".yml", ".txt")  # YAML, and the reports' text in sources/


@dataclass(frozen=True)
class Snapshot:
    """One loaded version: read `holder.current` once and use its parts together."""

    kb: KnowledgeBase
    renderer: Renderer
    version: str  # sha256 of the YAML files, hex
    loaded_at: float = field(default_factory=time.time, compare=False)


@dataclass(frozen=True)
class ReloadResult:
    changed: bool  # a new version is now serving
    version: str  # the version looked at (serving, or refused)
    problems: list[Problem] = field(default_factory=list)  # errors of a refused version

    @property
    def ok(self) -> bool:
        return not self.problems


class LiveKnowledgeBase:
    """Holds the last good knowledge base and renderer; `reload()` and the watcher swap in new
    valid versions atomically (one attribute assignment)."""

    def __init__(self, content_dir: Path | str, *, on_errors: OnErrors | None = None,
                 env: jinja2.Environment | None = None, poll_interval: float = 1.0,
                 cache_dir: Path | None = None) -> None:
        self.content_dir = Path(content_dir)
        # With a cache folder, each version is validated in a child process and served from
        # its cache file (bot/kbcache.py); without one (tests, one-off commands), here.
        self.cache_dir = cache_dir
        self.on_errors = on_errors  # settable later: `serve` wires it once the client exists
        self.on_change: list[OnChange] = []  # each called once per newly served version
        self.env = env or build_env()
        warm(self.env)
        self.poll_interval = poll_interval
        self.refused: ReloadResult | None = None  # the latest broken version, if any
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._stamps = _Stamps(self.content_dir)
        self._seen = self._stamps.now()  # before loading: a later edit is noticed
        version = content_version(self.content_dir)
        # The search index is built with it, so the first search is as fast as the rest.
        kb, problems = kbcache.load(self.content_dir, cache_dir, version)
        if kb is None:  # never start on bad content
            raise ContentInvalid(sorted(p for p in problems if not p.warning))
        self._current = Snapshot(kb, Renderer(self.env, kb), version)

    @property
    def current(self) -> Snapshot:
        return self._current

    def reload(self) -> ReloadResult:
        """Load the folder again; serve it if valid, otherwise keep the last good version."""
        with self._lock:
            version = content_version(self.content_dir)
            if version == self._current.version:
                return ReloadResult(False, version)
            if self.refused is not None and self.refused.version == version:
                return self.refused  # already logged and reported
            kb, problems = kbcache.load(self.content_dir, self.cache_dir, version)
            errors = [p for p in problems if not p.warning]
            if kb is None or errors:
                return self._refuse(version, errors or problems)
            old = self._current.kb
            self._current = Snapshot(kb, Renderer(self.env, kb), version)
            self.refused = None
            for listener in self.on_change:
                try:
                    listener(old, kb, version)
                except Exception:  # a listener must never stop the watcher
                    log.exception("a content-change listener failed")
            counts = ", ".join(f"{n} {k}" for k, n in kb.counts().items())
            log.info("content version %s now serving (%s)", version[:12], counts)
            return ReloadResult(True, version)

    def _refuse(self, version: str, problems: list[Problem]) -> ReloadResult:
        log.error("content version %s has %d problem(s); still serving version %s",
                  version[:12], len(problems), self._current.version[:12])
        for problem in problems:
            log.error("content problem: %s", problem)
        self.refused = result = ReloadResult(False, version, sorted(problems))
        if self.on_errors is not None:
            try:
                self.on_errors(result.problems, version)
            except Exception:  # reporting must never stop the watcher
                log.exception("could not report the content problems")
        return result

    # --- watching ---------------------------------------------------------------------------

    def start(self) -> LiveKnowledgeBase:
        """Watch the folder in a daemon thread; changes are picked up within about a second."""
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._watch, name="content-watcher",
                                            daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> LiveKnowledgeBase:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _safe_reload(self) -> None:
        try:
            self.reload()
        except Exception:  # a bug in loading must not kill the watcher
            log.exception("content reload failed")

    def _watch(self) -> None:
        """File events for speed, plus a scan of file times and sizes every `poll_interval`
        as a safety net: it catches an edit made before the watcher was ready, and file
        systems that send no events (some container bind mounts)."""
        try:
            import watchfiles
        except ImportError:  # pragma: no cover (a dependency, but polling works without it)
            self._poll()
            return
        try:
            for changes in watchfiles.watch(
                    self.content_dir, stop_event=self._stop, debounce=200, step=50,
                    watch_filter=lambda _change, path: path.endswith(CONTENT_SUFFIXES),
                    rust_timeout=max(100, int(self.poll_interval * 1000)),
                    yield_on_timeout=True, raise_interrupt=False):
                stamps = self._stamps.now()
                if changes or stamps != self._seen:
                    self._seen = stamps
                    self._safe_reload()
        except Exception:  # e.g. inotify limits on a shared host, or the folder vanished
            log.warning("file watching failed; polling %s every %.1f s", self.content_dir,
                        self.poll_interval, exc_info=True)
            self._poll()

    def _poll(self) -> None:
        while not self._stop.wait(self.poll_interval):
            stamps = self._stamps.now()
            if stamps != self._seen:
                self._seen = stamps
                self._safe_reload()


class _Stamps:
    """The times and sizes of the files a version is made of, read every second by the watcher
    as its safety net. Listing them (`watched_files`, with its checks on links) took 25 ms of
    the interpreter at 43 forces, every second, in the serving process; so the list is made
    again only when one of the folders holding them changed its own time (a file added,
    removed or renamed into place, as editors save), and otherwise the listed files are
    looked at (31 -> 6 ms a look at 43 forces)."""

    def __init__(self, content_dir: Path) -> None:
        self.content_dir = content_dir
        self._names: list[str] = []  # the files, as last listed
        self._folders: list[str] = []  # the folders holding them, and the content's own
        self._times: list[int] | None = None  # those folders' times when they were listed

    def now(self) -> tuple[tuple[str, int, int], ...]:
        if self._times is None or _times(self._folders) != self._times:
            files = watched_files(self.content_dir)
            self._names = [str(p) for p in files]
            self._folders = _folders(self.content_dir, files)
            self._times = _times(self._folders)
        out = []
        for name in self._names:
            try:
                st = os.stat(name)
            except OSError:
                self._times = None  # gone: list the files again next time
                continue
            out.append((name, st.st_mtime_ns, st.st_size))
        return tuple(out)


def _folders(content_dir: Path, files: list[Path]) -> list[str]:
    """The content folder, its sources/, and every folder between it and a listed file (a new
    folder changes its parent's time, however deep it is made)."""
    out = {str(content_dir), str(content_dir / "sources")}
    for parent in {p.parent for p in files}:
        while parent not in (content_dir, parent.parent) and str(parent) not in out:
            out.add(str(parent))
            parent = parent.parent
    return sorted(out)


def _times(names: list[str]) -> list[int]:
    out = []
    for name in names:
        try:
            out.append(os.stat(name).st_mtime_ns)
        except OSError:
            out.append(-1)
    return out


__all__ = ["LiveKnowledgeBase", "Snapshot", "ReloadResult", "ContentInvalid", "content_version"]

"""No silent write: every HTTP request that changes a table also writes the journal.

`watch(app, engine)` wraps the app of the test fixtures: a listener sees every INSERT, UPDATE
and DELETE that changes rows (the request is known through a context variable, which Starlette
copies into its worker threads); when the request wrote to a table and not to `audit_log`, the
request is recorded as a violation. The `app` fixture asserts there is none, so every flow of
every vault test — all routes, all roles, successes and refusals — checks the rule.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event
from starlette.types import ASGIApp, Receive, Scope, Send

WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
# Book-keeping that is not an act on anybody's data: attempt counters, the journal's own head.
EXEMPT = {"rate_limits", "audit_head"}


@dataclass
class Seen:
    method: str
    path: str
    tables: set[str] = field(default_factory=set)


CURRENT: contextvars.ContextVar[Seen | None] = contextvars.ContextVar("journal_watch", default=None)


class Watch:
    def __init__(self, app: ASGIApp, violations: list[str]) -> None:
        self.app = app
        self.violations = violations

    def __getattr__(self, name: str) -> Any:  # state, routes, router: the app's own
        return getattr(self.app, name)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        seen = Seen(scope["method"], scope["path"])
        token = CURRENT.set(seen)
        try:
            await self.app(scope, receive, send)
        finally:
            CURRENT.reset(token)
            written = seen.tables - EXEMPT
            if written and "audit_log" not in written:
                self.violations.append(
                    f"{seen.method} {seen.path} écrit {sorted(written)} sans journal"
                )


def watch(app: Any, engine: Engine, violations: list[str]) -> Any:
    """Rows changed count when their transaction commits (a rolled-back write changed nothing)."""

    def executed(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        match = WRITE.match(statement)
        # Only rows really changed count: an UPDATE that matched nothing changed nothing.
        if match and (cursor.rowcount is None or cursor.rowcount != 0):
            conn.info.setdefault("journal_watch", set()).add(match.group(1).lower())

    def committed(conn: Any) -> None:
        seen = CURRENT.get()
        pending = conn.info.pop("journal_watch", set())
        if seen is not None:
            seen.tables |= pending

    def rolled_back(conn: Any) -> None:
        conn.info.pop("journal_watch", None)

    listeners: list[tuple[str, Callable[..., None]]] = [
        ("after_cursor_execute", executed),
        ("commit", committed),
        ("rollback", rolled_back),
    ]
    for name, listener in listeners:
        event.listen(engine, name, listener)
    app.state.journal_watch = (engine, listeners)
    return Watch(app, violations)


def unwatch(app: Any) -> None:
    engine, listeners = app.state.journal_watch
    for name, listener in listeners:
        event.remove(engine, name, listener)

"""robots.txt, fetched once per origin and read with protego, per RFC 9309."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

MAX_ROBOTS_BYTES = 500 * 1024  # RFC 9309 asks parsers to read at least 500 KiB


@dataclass(frozen=True)
class RobotsAnswer:
    """What fetching /robots.txt gave: a status and the body, if it succeeded."""

    status: int
    text: str = ""


RobotsLoader = Callable[[str], Awaitable[RobotsAnswer]]


class RobotsPolicy:
    """The rules of one origin."""

    def __init__(self, parser: Protego | None, *, allow_all: bool) -> None:
        self._parser = parser
        self._allow_all = allow_all

    @classmethod
    def from_answer(cls, answer: RobotsAnswer) -> RobotsPolicy:
        """Read a robots.txt answer: 2xx is parsed, 4xx allows all, anything else disallows all."""
        if 200 <= answer.status < 300:
            return cls(Protego.parse(answer.text), allow_all=False)
        # 429 means "slow down", not "no robots.txt": treat it like a server error.
        if 400 <= answer.status < 500 and answer.status != 429:
            return cls(None, allow_all=True)
        return cls(None, allow_all=False)

    def allows(self, url: str, user_agent: str) -> bool:
        """Whether ``user_agent`` may fetch ``url``."""
        if self._parser is None:
            return self._allow_all
        return bool(self._parser.can_fetch(url, product_token(user_agent)))


def product_token(user_agent: str) -> str:
    """The name robots.txt groups match against: 'LeadexBot' of 'LeadexBot/1.0 (+url)'."""
    return user_agent.split("/", 1)[0].split(None, 1)[0] if user_agent.strip() else "*"


def robots_url(url: str) -> str:
    """The robots.txt that governs ``url``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


class RobotsCache:
    """Fetches each origin's robots.txt once (concurrent callers share the fetch)."""

    def __init__(self, loader: RobotsLoader, user_agent: str) -> None:
        self._loader = loader
        self._user_agent = user_agent
        self._policies: dict[str, asyncio.Task[RobotsPolicy]] = {}

    def close(self) -> None:
        """Cancel robots.txt fetches still under way."""
        for task in self._policies.values():
            task.cancel()
        self._policies.clear()

    async def allows(self, url: str) -> bool:
        """Whether the origin's robots.txt lets our user agent fetch ``url``."""
        policy = await self._policy(robots_url(url))
        return policy.allows(url, self._user_agent)

    async def _policy(self, robots: str) -> RobotsPolicy:
        task = self._policies.get(robots)
        if task is None:
            task = asyncio.ensure_future(self._load(robots))
            # Callers may all be cancelled; the outcome is still read, so nothing is logged.
            task.add_done_callback(lambda done: done.cancelled() or done.exception())
            self._policies[robots] = task
        try:
            return await asyncio.shield(task)
        except Exception:
            # A robots.txt we could not reach is not remembered: the next URL tries again.
            if self._policies.get(robots) is task:
                del self._policies[robots]
            raise

    async def _load(self, robots: str) -> RobotsPolicy:
        return RobotsPolicy.from_answer(await self._loader(robots))

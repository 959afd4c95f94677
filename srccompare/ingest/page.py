"""Page: a web page as fetched, and where pages are kept between runs.

Apart from ``fetch`` (which makes pages) and ``cache`` (which stores them) so
that both can name it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Protocol


@dataclass(frozen=True)
class Page:
    """A web page as fetched: ``url`` as asked for, ``final_url`` after redirects."""

    url: str
    final_url: str
    status: int
    content_type: str  # the media type alone, lower case ("text/html"); "" when the server sent none
    fetched_at: str  # ISO 8601, UTC, seconds
    body: bytes
    charset: str | None = None  # from the Content-Type header, when given
    from_cache: bool = False

    def age(self, now: datetime) -> float:
        """Seconds since the page was fetched (a cached page's age)."""
        try:
            fetched = datetime.fromisoformat(self.fetched_at)
        except ValueError:
            return float("inf")  # an unreadable time: as good as expired
        if fetched.tzinfo is None:
            fetched = fetched.replace(tzinfo=timezone.utc)
        return max(0.0, (now - fetched).total_seconds())


class PageStore(Protocol):
    """Where fetched pages are kept between runs (``srccompare.ingest.cache.PageCache``)."""

    def get(self, url: str) -> Page | None: ...

    def put(self, page: Page) -> None: ...

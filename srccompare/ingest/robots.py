"""robots.txt: read once a site a run, with Python's urllib.robotparser, through the same checked fetcher.

What a robots.txt answer means follows RFC 9309: a 2xx body holds the rules;
a 4xx means there are none (everything allowed); a 5xx, or no answer, means
the site cannot say, so everything is disallowed for this run. The body is
cut at 500 KiB, as RFC 9309 allows (Google's limit).
"""

from __future__ import annotations

import threading
import urllib.robotparser
from collections.abc import Callable
from urllib.parse import urlsplit

from srccompare.ingest.http import Deadline, FetchFailure, Response, status_text

ROBOTS_MAX_BYTES = 500 * 1024


class Robots:
    """Allowed or not, for URLs of any number of sites; one robots.txt a site, fetched once (thread-safe)."""

    def __init__(self, agent: str, fetch: Callable[[str, Deadline], Response]) -> None:
        self._agent = agent
        self._fetch = fetch  # GET without a robots check (it would ask for robots.txt again)
        self._rules: dict[str, urllib.robotparser.RobotFileParser | str] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def refusal(self, url: str, deadline: Deadline) -> str | None:
        """Why robots.txt forbids fetching ``url``, or None when it may be fetched."""
        parts = urlsplit(url)
        site = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        rules = self._rules_for(site, deadline)
        if isinstance(rules, str):
            return rules
        if not rules.can_fetch(self._agent, url):
            return f"disallowed by {site}/robots.txt (see web.obey_robots_txt)"
        return None

    def _rules_for(self, site: str, deadline: Deadline) -> urllib.robotparser.RobotFileParser | str:
        with self._lock:
            lock = self._locks.setdefault(site, threading.Lock())
        with lock:  # two workers on one site: the second waits for the first's answer
            if site not in self._rules:
                self._rules[site] = self._read(site, deadline)
            return self._rules[site]

    def _read(self, site: str, deadline: Deadline) -> urllib.robotparser.RobotFileParser | str:
        rules = urllib.robotparser.RobotFileParser(site + "/robots.txt")
        try:
            response = self._fetch(site + "/robots.txt", deadline)
        except FetchFailure as failure:
            if not failure.transient:  # about the site, not its robots.txt (refused, not found, no TLS): said as is
                return failure.problem
            return f"{site}/robots.txt could not be read ({failure.problem}), so nothing there is fetched " \
                   f"(see web.obey_robots_txt)"
        if response.status >= 500:
            return f"{site}/robots.txt answered {status_text(response.status)}, so nothing there is fetched " \
                   f"(see web.obey_robots_txt)"
        if 200 <= response.status < 300:
            text = response.body[:ROBOTS_MAX_BYTES].decode("utf-8", "replace")
            rules.parse(text.splitlines())
        else:
            rules.allow_all = True  # no robots.txt (4xx): no rules
        return rules

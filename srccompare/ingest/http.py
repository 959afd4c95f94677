"""One web page over HTTP(S), with urllib3: every limit in [web] holds.

``get(url, client, deadline)`` follows redirects and retries, and either
returns a ``Response`` or raises ``FetchFailure`` with one line saying why.

- The host's addresses are looked up first and checked
  (``srccompare.ingest.addresses``); the connection goes to a checked address
  while the Host header, TLS SNI and the certificate check keep the name. A
  refused host gets no connection at all, and one message whatever the address
  (no hint whether a port is open).
- One ``Deadline`` covers the whole page: look-up, connects, reads, retries,
  waits asked for by Retry-After, redirects and robots.txt. A watchdog shuts
  the socket when it passes, so a server sending one byte a second (headers or
  body) is cut off at the deadline as surely as a silent one.
- Response headers are bounded by http.client (100 headers, 65,536 bytes a
  line) and by ``web.max_header_bytes`` in all; bodies by
  ``web.max_page_bytes`` after decompression (urllib3 decompresses in bounded
  steps, so a gzip bomb is stopped at the limit).
"""

from __future__ import annotations

import http.client
import os
import socket
import ssl
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import ConnectTimeoutError, HTTPError, NewConnectionError, ReadTimeoutError
from urllib3.util import connection as urllib3_connection

from srccompare.ingest.addresses import parse_address, refused
from srccompare.settings import WebSettings

REDIRECTS = {301, 302, 303, 307, 308}
# Answers worth asking again after a pause (overload, rate limit, a gateway's hiccup).
RETRY_STATUSES = {429, 500, 502, 503, 504}
CHUNK = 65_536
REFUSED = ("refused: not a public internet address; srccompare connects only to public addresses "
           "(see web.allow_private_addresses)")


class FetchFailure(Exception):
    """Why a page could not be fetched, in one line (``problem``)."""

    def __init__(self, problem: str, transient: bool = False) -> None:
        super().__init__(problem)
        self.problem = problem
        self.transient = transient  # worth another try (timeouts, dropped connections)


@dataclass(frozen=True)
class Response:
    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int
    headers: dict[str, str] = field(hash=False)  # names in lower case
    body: bytes


class Deadline:
    """The time one page may take in all; sockets registered with ``watch`` are shut when it passes,
    or at once when the run is stopped (``Stopper.stop``: Ctrl-C must not wait for slow servers)."""

    def __init__(self, seconds: float, stopper: Stopper | None = None) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.expired = False
        self.stopped = False
        self._closed = threading.Event()
        if stopper is not None:
            stopper.add(self)

    def remaining(self) -> float:
        return 0.0 if self.stopped else max(0.0, self.end - time.monotonic())

    def watch(self, sock: socket.socket) -> None:
        threading.Thread(target=self._guard, args=(sock,), daemon=True, name="srccompare-deadline").start()

    def _guard(self, sock: socket.socket) -> None:
        while not self._closed.wait(self.remaining()):
            if self.remaining() <= 0:  # not woken early: the deadline passed (or a polite wait moved it)
                break
        if self._closed.is_set() and not self.stopped:
            return  # the page is done
        self.expired = True
        try:
            sock.shutdown(socket.SHUT_RDWR)  # a blocked read returns at once
        except OSError:
            pass  # already closed

    def stop(self) -> None:
        self.stopped = True
        self._closed.set()

    def close(self) -> None:
        self._closed.set()

    def failure(self) -> FetchFailure:
        if self.stopped:
            return FetchFailure("interrupted")
        return FetchFailure(f"no complete answer within the deadline of {self.seconds:g} s (see web.deadline)")

    def sleep(self, seconds: float) -> None:
        self._closed.wait(min(seconds, self.remaining()))

    def wait_politely(self, seconds: float) -> None:
        """Wait for our own pacing of a host: time the server is not to blame for, so not counted."""
        self.end += seconds
        self._closed.wait(seconds)


class Stopper:
    """The deadlines of a run, to stop them all at once (an interrupt)."""

    def __init__(self) -> None:
        self._deadlines: weakref.WeakSet[Deadline] = weakref.WeakSet()
        self._lock = threading.Lock()

    def add(self, deadline: Deadline) -> None:
        with self._lock:
            self._deadlines.add(deadline)

    def stop(self) -> None:
        with self._lock:
            deadlines = list(self._deadlines)
        for deadline in deadlines:
            deadline.stop()


@dataclass(frozen=True)
class Client:
    """What every request shares: the settings, and robots.txt rules when they are to be honoured."""

    web: WebSettings
    user_agent: str
    allowed: Callable[[str, Deadline], str | None] | None = None  # a refusal, or None to go ahead
    pace: Callable[[str], float] | None = None  # books the URL's host's next slot; the seconds to wait for it
    stopper: Stopper = field(default_factory=Stopper, compare=False)


# --- connections to a checked address -------------------------------------------


class _Pinned:
    """Connects to ``address`` (checked beforehand) instead of looking the host name up again."""

    address: str
    deadline: Deadline

    def _new_conn(self) -> socket.socket:
        try:
            sock = urllib3_connection.create_connection(
                (self.address, self.port), self.timeout, socket_options=self.socket_options)  # type: ignore[attr-defined]
        except TimeoutError as error:
            raise ConnectTimeoutError(self, "connect timed out") from error
        self.deadline.watch(sock)
        return sock


class PinnedHTTPConnection(_Pinned, HTTPConnection):
    pass


class PinnedHTTPSConnection(_Pinned, HTTPSConnection):
    pass


def resolve(host: str, port: int, deadline: Deadline, timeout: float) -> list[str]:
    """The host's addresses, looked up in a helper thread so that a slow resolver cannot outlast the deadline."""
    try:
        return [str(parse_address(host))]  # an address already: nothing to look up
    except ValueError:
        pass
    found: list[list[str] | BaseException] = []

    def look_up() -> None:
        try:
            found.append([info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)])
        except (OSError, UnicodeError) as error:
            found.append(error)

    thread = threading.Thread(target=look_up, daemon=True, name="srccompare-dns")
    thread.start()
    thread.join(min(timeout, deadline.remaining()))
    if not found:
        raise deadline.failure() if deadline.remaining() <= 0 else FetchFailure("host not found (the DNS look-up timed out)")
    if isinstance(found[0], BaseException) or not found[0]:
        raise FetchFailure("host not found (DNS lookup failed)")
    return list(dict.fromkeys(found[0]))


def _connection(url: str, host: str, address: str, client: Client, deadline: Deadline) -> HTTPConnection:
    parts = urlsplit(url)
    timeout = min(client.web.timeout, deadline.remaining())  # for the connect, and then for each read
    connection: HTTPConnection
    if parts.scheme.lower() == "https":
        connection = PinnedHTTPSConnection(host, parts.port or 443, timeout=timeout,
                                           cert_reqs="CERT_REQUIRED", ca_certs=_ca_file())
    else:
        connection = PinnedHTTPConnection(host, parts.port or 80, timeout=timeout)
    connection.address = address  # type: ignore[attr-defined]
    connection.deadline = deadline  # type: ignore[attr-defined]
    return connection


def _ca_file() -> str | None:
    """The certificate authorities trusted: $SSL_CERT_FILE when set (as OpenSSL reads it: a company's
    own authority, or a test's), else certifi's (as trafilatura's downloader), else the system's."""
    if os.environ.get("SSL_CERT_FILE"):
        return os.environ["SSL_CERT_FILE"]
    try:
        import certifi  # trafilatura's dependency
    except ImportError:
        return None
    return certifi.where()


# --- one exchange -----------------------------------------------------------------


def _once(url: str, client: Client, deadline: Deadline) -> Response:
    """One request to the first of the host's addresses that takes the connection (no redirects, no retries)."""
    parts = urlsplit(url)
    host = _ascii_host(parts.hostname or "")
    addresses = resolve(host, parts.port or (443 if parts.scheme.lower() == "https" else 80), deadline,
                        client.web.timeout)
    if not client.web.allow_private_addresses and refused(addresses):
        raise FetchFailure(REFUSED)
    failure = FetchFailure("no address of the host answered")
    if client.pace is not None:
        deadline.wait_politely(client.pace(url))
    for address in addresses:
        if deadline.remaining() <= 0:
            raise deadline.failure()
        connection = _connection(url, host, address, client, deadline)
        try:
            return _exchange(connection, url, client, deadline)
        except _Unreachable as unreachable:  # the next address may answer
            failure = unreachable.failure
        finally:
            connection.close()
    raise failure


class _Unreachable(Exception):
    def __init__(self, failure: FetchFailure) -> None:
        self.failure = failure


def _exchange(connection: HTTPConnection, url: str, client: Client, deadline: Deadline) -> Response:
    try:
        connection.connect()
    except (HTTPError, OSError) as error:
        failure = explain(error, client.web, deadline)
        raise (_Unreachable(failure) if not failure.transient and not deadline.expired else failure) from None
    try:
        connection.request("GET", urllib3.util.parse_url(url).request_uri, headers=_request_headers(client),
                           preload_content=False)
        response = connection.getresponse()
        headers = _checked_headers(response, client.web)
        body = b"" if response.status in REDIRECTS else _read_body(response, client.web)
    except (HTTPError, OSError, http.client.HTTPException) as error:
        raise explain(error, client.web, deadline) from None
    if deadline.expired:  # the watchdog's shutdown reads as the end of the headers or of the body
        raise deadline.failure()
    return Response(url=url, final_url=url, status=response.status, headers=headers, body=body)


def _request_headers(client: Client) -> dict[str, str]:
    headers = urllib3.util.make_headers(accept_encoding=True, user_agent=client.user_agent)
    headers["Accept"] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    headers["Connection"] = "close"
    return headers


def _checked_headers(response: urllib3.BaseHTTPResponse, web: WebSettings) -> dict[str, str]:
    """The response headers (names in lower case), refused when larger in all than web.max_header_bytes."""
    items = list(response.headers.iteritems())
    if sum(len(name) + len(value) + 4 for name, value in items) > web.max_header_bytes:
        raise FetchFailure(f"response headers larger than the limit of {web.max_header_bytes:,} bytes "
                           f"(see web.max_header_bytes)")
    return {name.lower(): value for name, value in items}


def _read_body(response: urllib3.BaseHTTPResponse, web: WebSettings) -> bytes:
    too_large = FetchFailure(f"page is larger than the limit of {web.max_page_bytes:,} bytes (see web.max_page_bytes)")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > web.max_page_bytes:
        raise too_large
    chunks, size = [], 0
    for chunk in response.stream(CHUNK, decode_content=True):
        size += len(chunk)
        if size > web.max_page_bytes:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _ascii_host(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        raise FetchFailure("not a valid host name") from None


def explain(error: BaseException, web: WebSettings, deadline: Deadline) -> FetchFailure:
    """One line for what went wrong in an exchange."""
    if deadline.expired:
        return deadline.failure()
    cause = _root(error)
    if isinstance(cause, (TimeoutError, ConnectTimeoutError, ReadTimeoutError)):
        return FetchFailure(f"no answer within {web.timeout} s (see web.timeout)", transient=True)
    if isinstance(cause, ConnectionRefusedError):
        return FetchFailure("connection refused by the server")
    if isinstance(cause, (ssl.SSLError, ssl.CertificateError, urllib3.exceptions.SSLError)):
        return FetchFailure("secure connection failed (TLS certificate or handshake)")
    if isinstance(cause, http.client.LineTooLong):
        return FetchFailure(f"a response header line is longer than {http.client._MAXLINE:,} bytes")
    if isinstance(cause, http.client.HTTPException) and "headers" in str(cause):
        return FetchFailure(f"more than {http.client._MAXHEADERS} response headers")
    if isinstance(cause, urllib3.exceptions.DecodeError):
        return FetchFailure("the page's compressed data is broken")
    if isinstance(cause, (ConnectionError, http.client.IncompleteRead, http.client.RemoteDisconnected,
                          urllib3.exceptions.ProtocolError)):
        return FetchFailure("the server closed the connection", transient=True)
    if isinstance(cause, http.client.BadStatusLine):
        return FetchFailure("the server's answer is not HTTP")
    if isinstance(cause, NewConnectionError | OSError):
        return FetchFailure(f"cannot connect to the server ({getattr(cause, 'strerror', None) or cause})")
    return FetchFailure(f"download failed ({str(cause)[:200]})")


def _root(error: BaseException) -> BaseException:
    """The error underneath urllib3's wrappers (a refused connection inside NewConnectionError, ...)."""
    seen = 0
    while seen < 5 and isinstance(error, (NewConnectionError, urllib3.exceptions.ProtocolError)):
        inner = error.__cause__ or error.__context__ or (error.args[1] if len(error.args) > 1 else None)
        if not isinstance(inner, BaseException):
            break
        error, seen = inner, seen + 1
    return error


# --- redirects and retries ----------------------------------------------------------

# Seconds before the first retry, doubling after each (1, 2, 4 ...), unless the server says Retry-After.
BACKOFF = 1.0


def get(url: str, client: Client, deadline: Deadline) -> Response:
    """The page at ``url``, redirects followed (each hop checked like the first), within ``deadline``."""
    current = url
    for _ in range(client.web.max_redirects + 1):
        if client.allowed is not None:
            refusal = client.allowed(current, deadline)
            if refusal is not None:
                raise FetchFailure(refusal)
        response = _with_retries(current, client, deadline)
        location = response.headers.get("location")
        if response.status not in REDIRECTS or not location:
            return Response(url, current, response.status, response.headers, response.body)
        current = _redirect_target(current, location)
    raise FetchFailure(f"too many redirects (more than {client.web.max_redirects}; see web.max_redirects)")


def _redirect_target(current: str, location: str) -> str:
    target = urljoin(current, location.strip())
    parts = urlsplit(target)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FetchFailure("redirected to something that is not an http:// or https:// address")
    return target


def _with_retries(url: str, client: Client, deadline: Deadline) -> Response:
    """One exchange, tried again after a pause on a timeout, a dropped connection, 429 or a 5xx."""
    for attempt in range(client.web.retries + 1):
        last = attempt == client.web.retries
        try:
            response = _once(url, client, deadline)
        except FetchFailure as failure:
            if not failure.transient or last or BACKOFF * 2**attempt >= deadline.remaining():
                raise
            deadline.sleep(BACKOFF * 2**attempt)
            continue
        if response.status not in RETRY_STATUSES or last:
            return response
        asked = retry_after(response.headers.get("retry-after", ""))
        pause = BACKOFF * 2**attempt if asked is None else asked
        if pause >= deadline.remaining():
            if asked is None:
                return response  # reported by its status
            raise FetchFailure(f"{status_text(response.status)}, asking to wait {pause:g} s, past the deadline "
                               f"of {deadline.seconds:g} s (see web.deadline)")
        deadline.sleep(pause)
    raise deadline.failure()  # not reached: the last attempt returns or raises


def retry_after(value: str) -> float | None:
    """Seconds a Retry-After header asks for (a number or an HTTP date), None when absent or unreadable."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def status_text(status: int) -> str:
    """"HTTP 404 Not Found"."""
    try:
        return f"HTTP {status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status} (an unexpected status)"

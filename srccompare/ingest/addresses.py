"""Which network addresses srccompare may connect to when fetching pages.

A page, a feed or a redirect names a host; the host's addresses are looked up
once, every one of them is checked here, and the connection then goes to a
checked address (``srccompare.ingest.http``), so a name cannot resolve to a
public address for the check and to a private one for the connection.

Refused unless ``web.allow_private_addresses``: loopback, private, shared
(100.64/10), link-local (which holds the cloud metadata address
169.254.169.254), multicast, reserved and unspecified addresses, in IPv4 and
IPv6, including IPv4 addresses carried inside IPv6 ones (IPv4-mapped
``::ffff:127.0.0.1``, 6to4, Teredo, NAT64) that the operating system may
route to the IPv4 address they carry.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# The well-known NAT64 prefix (RFC 6052): 64:ff9b::a.b.c.d reaches a.b.c.d.
NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Python 3.11's is_global misses some of these (multicast counts as global).
NOT_PUBLIC = ("is_private", "is_loopback", "is_link_local", "is_multicast", "is_reserved", "is_unspecified")


def parse_address(text: str) -> IPAddress:
    """An address as getaddrinfo gives it (an IPv6 zone such as ``%eth0`` dropped)."""
    return ipaddress.ip_address(text.split("%", 1)[0])


def is_public(address: IPAddress) -> bool:
    """True for an address on the public internet, and for nothing that reaches a local network."""
    carried = carried_ipv4(address)
    if carried is not None and not is_public(carried):
        return False
    if carried is not None and (address in NAT64 or address.ipv4_mapped is not None):  # type: ignore[union-attr]
        return True  # stands for a public IPv4 address (DNS64 gives IPv6-only networks these for every IPv4 site)
    if any(getattr(address, flag) for flag in NOT_PUBLIC):
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        return False
    return address.is_global


def carried_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for, if it carries one."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refused(addresses: Iterable[str]) -> bool:
    """True when any of a host's addresses is not public (one bad address refuses the host:
    which of them a connection would use is up to the order DNS gives)."""
    return any(not is_public(parse_address(address)) for address in addresses)

"""Which network interface the hall's sACN multicast leaves by.

sACN (E1.31) is multicast: universe ``u`` goes to the group 239.255.hi.lo on port 5568, and
a receiver (a DMX node, a console, OLA on this PC) joins the groups of its universes *on one
interface*. A group joined on the lighting network's interface never hears a packet that
left by another one, so the sender has to pick the interface the lighting network is on.
``hall.yaml`` has no field for it, so it is chosen the way a lighting technician expects
from a show PC:

1. the interface the routing table gives for the group: the default route, or a route an
   installer adds for the lighting network (``ip route add 239.255.0.0/16 dev eth1``);
2. with no route for it (a lighting network without a gateway, the usual case), the first
   interface that is up, can multicast, is not loopback and has an IPv4 address;
3. with no network at all, loopback (127.0.0.1): a receiver on this PC still hears it.

Packets are sent with TTL 1 (they stay on the hall's own network segment; no router
passes them on) and with loopback on, so a receiver on the same PC hears them too. Step 2
lists interfaces the Linux way (ioctl); elsewhere it is skipped.
"""

from __future__ import annotations

import ipaddress
import socket
import struct
from collections.abc import Callable
from dataclasses import dataclass

LOOPBACK = "127.0.0.1"
MULTICAST_TTL = 1  # one hop: the hall's own network segment, never routed further
PROBE_PORT = 5568  # any port does for a route lookup; nothing is sent
# Linux ioctl numbers (linux/sockios.h) and interface flags (linux/if.h).
SIOCGIFFLAGS = 0x8913
SIOCGIFADDR = 0x8915
IFF_UP = 0x1
IFF_LOOPBACK = 0x8
IFF_MULTICAST = 0x1000


@dataclass(frozen=True)
class Interface:
    """One network interface as the system lists it."""

    name: str
    address: str  # its IPv4 address
    up: bool
    loopback: bool
    multicast: bool


@dataclass(frozen=True)
class MulticastRoute:
    """The interface multicast leaves by (its IPv4 address goes to ``IP_MULTICAST_IF``), and why."""

    address: str
    name: str | None
    reason: str

    def __str__(self) -> str:
        return f"{self.name or 'interface'} {self.address} ({self.reason})"


def is_multicast(host: str) -> bool:
    """Whether ``host`` is an IPv4 multicast address (224.0.0.0/4)."""
    try:
        return ipaddress.IPv4Address(host).is_multicast
    except ValueError:
        return False


def routed_address(group: str) -> str | None:
    """The local address the routing table would send to ``group`` from; None without a route.

    ``connect`` on a UDP socket looks the route up and sends nothing.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect((group, PROBE_PORT))
            address = str(sock.getsockname()[0])
        except OSError:
            return None
    return None if address == "0.0.0.0" else address


def system_interfaces() -> list[Interface]:
    """The interfaces with an IPv4 address, in the system's order (Linux; empty elsewhere)."""
    try:
        import fcntl
    except ImportError:
        return []
    found: list[Interface] = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for _index, name in socket.if_nameindex():
            request = struct.pack("256s", name.encode()[:15])
            try:
                flags = struct.unpack("H", fcntl.ioctl(sock.fileno(), SIOCGIFFLAGS, request)[16:18])[0]
                address = socket.inet_ntoa(fcntl.ioctl(sock.fileno(), SIOCGIFADDR, request)[20:24])
            except OSError:
                continue  # no IPv4 address (or gone meanwhile)
            found.append(Interface(name, address, bool(flags & IFF_UP), bool(flags & IFF_LOOPBACK),
                                   bool(flags & IFF_MULTICAST)))
    return found


def choose_route(group: str, route: Callable[[str], str | None] = routed_address,
                 interfaces: Callable[[], list[Interface]] = system_interfaces) -> MulticastRoute:
    """The interface multicast to ``group`` should leave by, in the order the module describes."""
    listed = interfaces()
    routed = route(group)
    if routed is not None:
        name = next((i.name for i in listed if i.address == routed), None)
        return MulticastRoute(routed, name, f"the route to {group}")
    for interface in listed:
        if interface.up and interface.multicast and not interface.loopback:
            return MulticastRoute(interface.address, interface.name,
                                  f"no route to {group}: the first interface up with multicast")
    name = next((i.name for i in listed if i.address == LOOPBACK), None)
    return MulticastRoute(LOOPBACK, name, f"no route to {group} and no network: loopback, for receivers on this PC")


def set_multicast_options(sock: socket.socket, route: MulticastRoute) -> None:
    """TTL one hop, loopback on, and the outgoing interface, on a UDP socket."""
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, MULTICAST_TTL)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(route.address))


__all__ = ["Interface", "MulticastRoute", "choose_route", "is_multicast", "routed_address", "set_multicast_options",
           "system_interfaces"]

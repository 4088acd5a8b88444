"""Which interface sACN multicast leaves by, and real multicast datagrams from the UDP transport."""

from __future__ import annotations

import select
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from exhibit.effects.multicast import (
    LOOPBACK,
    Interface,
    MulticastRoute,
    choose_route,
    is_multicast,
    routed_address,
    system_interfaces,
)
from exhibit.effects.transport import UdpTransport
from tests.effects.olad import free_port

GROUP = "239.255.0.9"
LO = Interface("lo", "127.0.0.1", up=True, loopback=True, multicast=False)
OFFICE = Interface("eth0", "10.1.2.3", up=True, loopback=False, multicast=True)
LIGHTING = Interface("eth1", "192.168.50.10", up=True, loopback=False, multicast=True)
DOWN = Interface("eth2", "172.16.0.1", up=False, loopback=False, multicast=True)
TUNNEL = Interface("tun0", "10.8.0.2", up=True, loopback=False, multicast=False)


def test_the_routing_table_decides_when_it_has_a_route() -> None:
    asked = []
    route = choose_route(GROUP, route=lambda g: asked.append(g) or "192.168.50.10",
                         interfaces=lambda: [LO, OFFICE, LIGHTING])
    assert asked == [GROUP]
    assert route == MulticastRoute("192.168.50.10", "eth1", f"the route to {GROUP}")
    assert str(route) == f"eth1 192.168.50.10 (the route to {GROUP})"


def test_without_a_route_the_first_interface_up_with_multicast_and_not_loopback() -> None:
    route = choose_route(GROUP, route=lambda g: None, interfaces=lambda: [LO, DOWN, TUNNEL, LIGHTING, OFFICE])
    assert (route.name, route.address) == ("eth1", "192.168.50.10")
    assert route.reason == f"no route to {GROUP}: the first interface up with multicast"


def test_without_any_network_loopback_so_a_receiver_on_this_pc_hears_it() -> None:
    route = choose_route(GROUP, route=lambda g: None, interfaces=lambda: [LO, DOWN, TUNNEL])
    assert (route.name, route.address) == ("lo", "127.0.0.1")
    assert "loopback" in route.reason


def test_is_multicast() -> None:
    assert is_multicast("239.255.0.1") and is_multicast("224.0.0.1")
    assert not is_multicast("127.0.0.1") and not is_multicast("10.0.0.7") and not is_multicast("hall-node.local")


def test_this_machine_s_interfaces_and_route_as_the_system_reports_them() -> None:
    listed = system_interfaces()
    assert any(i.loopback and i.address == LOOPBACK for i in listed), listed
    chosen = choose_route(GROUP)
    assert chosen.address in {i.address for i in listed}
    routed = routed_address(GROUP)
    if routed is not None:
        assert chosen.address == routed


@contextmanager
def receiver(group: str, port: int, interface: str) -> Iterator[socket.socket]:
    """A socket that joined ``group`` on the interface with address ``interface``, as a DMX node does."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("0.0.0.0", port))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton(group) + socket.inet_aton(interface))
    try:
        yield sock
    finally:
        sock.close()


def received(sock: socket.socket, timeout: float = 1.0) -> bytes | None:
    if not select.select([sock], [], [], timeout)[0]:
        return None
    return sock.recv(2048)


def test_multicast_leaves_by_the_chosen_interface_with_ttl_1_and_loopback_on() -> None:
    port = free_port(socket.SOCK_DGRAM)
    chosen = choose_route(GROUP)
    transport = UdpTransport(None, port)
    try:
        with receiver(GROUP, port, chosen.address) as sock:
            transport.send(b"first", GROUP)
            assert received(sock) == b"first", f"a receiver on this PC, joined on {chosen}, heard nothing"
        assert transport.route == chosen
        opts = transport.sock
        assert opts.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL) == 1
        assert opts.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP) == 1
        assert socket.inet_ntoa(opts.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, 4)) == chosen.address
    finally:
        transport.close()


def test_on_loopback_only_a_receiver_joined_on_loopback_hears_it() -> None:
    """A PC without a network: IP_MULTICAST_IF 127.0.0.1 delivers through lo without any route."""
    port = free_port(socket.SOCK_DGRAM)
    loopback = MulticastRoute(LOOPBACK, "lo", "test")
    transport = UdpTransport(None, port, choose=lambda group: loopback)
    try:
        with receiver(GROUP, port, LOOPBACK) as sock:
            transport.send(b"on lo", GROUP)
            assert received(sock) == b"on lo"
    finally:
        transport.close()


def test_the_interface_is_chosen_again_after_ten_seconds() -> None:
    now = [0.0]
    routes = iter([MulticastRoute(LOOPBACK, "lo", "no network yet"), choose_route(GROUP)])
    asked = []

    def choose(group: str) -> MulticastRoute:
        asked.append((now[0], group))
        return next(routes)

    port = free_port(socket.SOCK_DGRAM)
    transport = UdpTransport(None, port, choose=choose, monotonic=lambda: now[0])
    try:
        for t in (0.0, 5.0, 9.9):
            now[0] = t
            transport.send(b"x", GROUP)
        assert asked == [(0.0, GROUP)] and transport.route is not None and transport.route.name == "lo"
        now[0] = 10.0
        transport.send(b"x", GROUP)
        assert [t for t, _ in asked] == [0.0, 10.0]
        assert transport.route == choose_route(GROUP)
        address = socket.inet_ntoa(transport.sock.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, 4))
        assert address == transport.route.address
    finally:
        transport.close()


def test_unicast_sends_touch_no_multicast_setting() -> None:
    port = free_port(socket.SOCK_DGRAM)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", port))
        transport = UdpTransport("127.0.0.1", port, choose=lambda group: pytest.fail("asked for a multicast route"))
        transport.send(b"direct")
        assert received(sock) == b"direct" and transport.route is None
        transport.close()

"""sACN by multicast, as a hall without a ``host`` sends it: what a real OLA daemon on this PC receives.

The daemon's E1.31 plugin joins the multicast group of each input universe (239.255.0.2
for universe 2) on one interface, so it hears the group only from packets that leave by
that interface; here it is told to use the interface the effects host picks. Two sockets
joined the same way, each bound to one group, show what is on the wire: the data packets
and the universe discovery list.
"""

from __future__ import annotations

import json
import re
import select
import socket
import struct
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from exhibit.effects.journal import read_journal
from exhibit.effects.multicast import MulticastRoute, choose_route
from exhibit.effects.sacn import DISCOVERY_UNIVERSE, SACN_PORT, cid_for, e131_data, multicast_group
from tests.effects.olad import SACN_UNIVERSE, Olad, free_port, running_olad, wait_until
from tests.effects.processes import EXHIBIT, effects_host, exhibit, write_project

GROUP = multicast_group(SACN_UNIVERSE)  # 239.255.0.2
DISCOVERY = multicast_group(DISCOVERY_UNIVERSE)  # 239.255.250.214
HALL = {
    "hall": "mc_hall",
    "effects": {"snow": {"output": "lx", "universe": SACN_UNIVERSE, "channel": 4}},
    "outputs": {"lx": {"kind": "sacn"}},  # no host: multicast
}
SOURCE = "exhibit mc_hall"  # the source name (and CID seed) the effects host uses for this hall


@pytest.fixture(scope="module")
def route() -> MulticastRoute:
    return choose_route(GROUP)


@pytest.fixture(scope="module")
def olad(route: MulticastRoute) -> Iterator[Olad]:
    """olad whose E1.31 plugin listens where the effects host multicasts (overrides the shared fixture)."""
    with running_olad(route.address) as daemon:
        info = daemon.get_json(f"/json/universe_info?id={SACN_UNIVERSE}") or {}
        devices = [port["device"] for port in info.get("input_ports", [])]
        listening = re.findall(r"\[([\d.]+)\]", " ".join(devices))
        if listening != [route.address]:
            # OLA 0.10.9 never takes a loopback interface for E1.31 ("Skipping lo because it's a
            # loopback"), so on a machine whose multicast falls back to lo the two cannot meet.
            pytest.skip(f"the effects host multicasts by {route}, but OLA's E1.31 plugin listens on "
                        f"{listening or devices}: olad 0.10.9 uses no loopback interface for E1.31")
        yield daemon


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("sacn_mc")
    return root, write_project(root, HALL, {})


def group_socket(group: str, interface: str) -> socket.socket:
    """Bound to the group's address: only datagrams sent to that group arrive (beside olad's socket)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((group, SACN_PORT))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton(group) + socket.inet_aton(interface))
    return sock


def drain(sock: socket.socket, seconds: float) -> list[bytes]:
    packets = []
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if select.select([sock], [], [], left)[0]:
            packets.append(sock.recv(2048))
    return packets


def test_a_hall_without_a_host_multicasts_and_olad_hears_it(
    olad: Olad, route: MulticastRoute, project: tuple[Path, Path]
) -> None:
    root, hall_path = project
    port = free_port()
    with effects_host(root, hall_path, port):
        cmd = [*EXHIBIT, "--root", str(root), "effects", "set", "snow", "0.5", "--for", "1.5", "--port", str(port)]
        process = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
        try:
            assert wait_until(lambda: olad.dmx(SACN_UNIVERSE)[3:4] == [128], timeout=5), olad.dmx(SACN_UNIVERSE)[:8]
        finally:
            _out, err = process.communicate(timeout=10)
        assert process.returncode == 0, err
        assert f"snow: 0.50 (DMX 128) on sacn multicast {GROUP} universe {SACN_UNIVERSE} channel 4" in err
        assert wait_until(lambda: olad.dmx(SACN_UNIVERSE)[3] == 0, timeout=2), "released at the end of --for"
        status = exhibit(root, "effects", "status", "--json", "--port", str(port))
        assert json.loads(status.stdout)["outputs"]["lx"]["via"] == str(route)
        assert f"output lx: sacn, ok, multicast by {route}" in exhibit(root, "effects", "status", "--port",
                                                                        str(port)).stdout
    # The effects journal says where multicast went.
    routes = [r for r in read_journal(root / "var" / "log" / "effects.jsonl") if r["event"] == "output_route"]
    assert routes and (routes[-1]["interface"], routes[-1]["address"]) == (route.name, route.address)


def test_on_the_wire_the_packets_unicast_would_carry_and_the_universe_list(
    olad: Olad, route: MulticastRoute, project: tuple[Path, Path]
) -> None:
    root, hall_path = project
    port = free_port()
    data = group_socket(GROUP, route.address)
    discovery = group_socket(DISCOVERY, route.address)
    try:
        with effects_host(root, hall_path, port):
            assert exhibit(root, "effects", "set", "snow", "1", "--for", "0.5", "--port", str(port)).returncode == 0
        packets = drain(data, 0.2)
        lists = drain(discovery, 0.05)
    finally:
        data.close()
        discovery.close()

    # E1.31 makes no difference between unicast and multicast: byte for byte the same packets.
    cid = cid_for(SOURCE)
    assert len(packets) >= 10, "the universe is refreshed while the host runs"
    for packet in packets:
        assert packet == e131_data(SACN_UNIVERSE, packet[126:], packet[111], cid, SOURCE,
                                   terminated=packet[112] == 0x40)
    assert any(p[126 + 3] == 255 for p in packets), "the level set is on the wire"
    sequence = [p[111] for p in packets]
    assert all((b - a) % 256 == 1 for a, b in zip(sequence, sequence[1:], strict=False)), sequence
    assert [p[112] for p in packets[-3:]] == [0x40] * 3, "the host says goodbye on the group when it stops"
    assert olad.dmx(SACN_UNIVERSE)[3] == 0
    # The universe discovery list went to its own group: this source, universe 2 only.
    assert lists, f"no universe discovery packet on {DISCOVERY}"
    assert all(p[18:22] == b"\x00\x00\x00\x08" and p[22:38] == cid and p[120:] == struct.pack(">H", SACN_UNIVERSE)
               for p in lists)

"""Output adapters: channel levels to DMX frames (Art-Net, sACN), OSC messages, or a log.

Each adapter is staged with every channel's level (and a seat's pose) on each refresh and
then flushed: DMX universes go out when they change and at the output's refresh rate
(fixtures black out when the stream stops, so it never stops while the host runs); OSC
messages go out when they change and once a second besides, so a device that restarts
catches up. Sockets live in a :class:`~exhibit.effects.transport.Transport`, so tests
record the exact packets instead.

sACN goes to the output's ``host`` when ``hall.yaml`` gives one (unicast), and otherwise, as
E1.31 receivers expect by default, to each universe's multicast group (239.255.hi.lo), with
the list of universes sent every ten seconds to the universe discovery group; which
interface it leaves by is :mod:`exhibit.effects.multicast`'s choice.

Motion seats: on DMX a channel with ``limits`` takes three slots from its ``channel``
(pitch, roll, heave; 128 is neutral, 0 and 255 the limits); on OSC the pose goes to the
sibling address ``pose`` (``/seat/level`` -> ``/seat/pose``, three floats: degrees,
degrees, metres) while the level goes to the channel's own address.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

from pythonosc.osc_message_builder import OscMessageBuilder

from exhibit.effects import artnet, sacn
from exhibit.effects.artnet import ARTNET_PORT, DMX_SLOTS, artdmx
from exhibit.effects.journal import Journal
from exhibit.effects.motion import SeatPose
from exhibit.effects.multicast import MulticastRoute
from exhibit.effects.sacn import (
    DISCOVERY_INTERVAL,
    DISCOVERY_UNIVERSE,
    MAX_UNIVERSE,
    SACN_PORT,
    cid_for,
    e131_data,
    multicast_group,
)
from exhibit.effects.transport import Transport, UdpTransport
from exhibit.spec.errors import ExhibitError
from exhibit.spec.hall import Channel, Hall, Output

OSC_KEEPALIVE = 1.0  # seconds between repeats of unchanged OSC values
REFRESH_SLACK = 0.005  # seconds early a refresh may go out (timer jitter must not halve the rate)
SACN_TERMINATE_REPEATS = 3  # E1.31 section 6.2.6: send the "stream terminated" packet three times


def dmx_value(level: float) -> int:
    """0..1 to a DMX slot value 0..255."""
    return int(round(max(0.0, min(1.0, level)) * 255))


def dmx_axis(value: float, limit: float) -> int:
    """-limit..+limit to 0..255 with 128 as neutral (the usual centre of a motion channel)."""
    x = max(-1.0, min(1.0, value / limit)) if limit > 0 else 0.0
    return max(0, min(255, int(round(127.5 + 127.5 * x + 1e-9))))


def sacn_multicast(spec: Output) -> bool:
    """Whether an output sends sACN by multicast: an sACN output whose ``host`` the hall file leaves out.

    The model fills in a default host, so what counts is whether the file named one.
    """
    return spec.kind == "sacn" and "host" not in spec.model_fields_set


def pose_address(address: str) -> str:
    """Where a seat's pose goes: the sibling ``pose`` of its level address."""
    parent = address.rsplit("/", 1)[0]
    return f"{parent}/pose" if parent else f"{address}/pose"


class OutputAdapter(Protocol):
    name: str
    kind: str

    def patch(self, channel: Channel) -> None: ...

    def stage(self, name: str, channel: Channel, level: float, pose: SeatPose | None) -> None: ...

    def flush(self, now: float, force: bool = False) -> None: ...

    def close(self) -> None: ...

    def health(self) -> dict[str, Any]: ...


class _Sender:
    """Counts packets and remembers the last error, so /status can say whether hardware is reachable."""

    def __init__(self, name: str, kind: str, transport: Transport, journal: Journal | None) -> None:
        self.name = name
        self.kind = kind
        self.transport = transport
        self.journal = journal
        self.sent = 0
        self.errors = 0
        self.last_error: str | None = None
        self._route: MulticastRoute | None = None  # the multicast interface last logged

    def _send(self, data: bytes, to: str | None = None) -> None:
        try:
            self.transport.send(data, to)
        except OSError as exc:
            self.errors += 1
            message = f"{self.kind} output '{self.name}': {exc.strerror or exc}"
            if message != self.last_error and self.journal is not None:
                self.journal.write("output_error", output=self.name, error=message)
            self.last_error = message
            return
        self.sent += 1
        self.last_error = None
        route = self.transport.route
        if route is not None and route != self._route:
            self._route = route
            if self.journal is not None:
                self.journal.write("output_route", output=self.name, interface=route.name, address=route.address,
                                   reason=route.reason)

    def health(self) -> dict[str, Any]:
        health: dict[str, Any] = {"kind": self.kind, "ok": self.last_error is None, "sent": self.sent,
                                  "errors": self.errors, "last_error": self.last_error}
        if self.transport.route is not None:
            health["via"] = str(self.transport.route)
        return health


class DmxOutput(_Sender):
    """One Art-Net or sACN destination: a 512-slot frame per universe used.

    sACN by multicast sends each universe to its group and lists the universes on the
    discovery group every :data:`~exhibit.effects.sacn.DISCOVERY_INTERVAL` seconds.
    """

    def __init__(self, name: str, spec: Output, transport: Transport, journal: Journal | None = None,
                 source_name: str = "exhibit") -> None:
        super().__init__(name, spec.kind, transport, journal)
        self.period = 1.0 / spec.fps
        self.multicast = sacn_multicast(spec)
        self.frames: dict[int, bytearray] = {}
        self._dirty: set[int] = set()
        self._last_sent: dict[int, float] = {}
        self._sequence: dict[int, int] = {}
        self._discovered: tuple[list[int], float] | None = None  # universes last listed, and when
        self.source_name = source_name
        self.cid = cid_for(source_name)

    def patch(self, channel: Channel) -> None:
        if channel.universe not in self.frames:
            self.frames[channel.universe] = bytearray(DMX_SLOTS)
            self._dirty.add(channel.universe)

    def _set(self, universe: int, slot: int, value: int) -> None:
        if not 1 <= slot <= DMX_SLOTS:
            return
        frame = self.frames.setdefault(universe, bytearray(DMX_SLOTS))
        if frame[slot - 1] != value:
            frame[slot - 1] = value
            self._dirty.add(universe)

    def stage(self, name: str, channel: Channel, level: float, pose: SeatPose | None) -> None:
        if channel.channel is None:
            return
        if channel.limits is not None:
            limits = channel.limits
            p = pose or SeatPose.NEUTRAL
            self._set(channel.universe, channel.channel, dmx_axis(p.pitch, limits.pitch))
            self._set(channel.universe, channel.channel + 1, dmx_axis(p.roll, limits.roll))
            self._set(channel.universe, channel.channel + 2, dmx_axis(p.heave, limits.heave))
        else:
            self._set(channel.universe, channel.channel, dmx_value(level))

    def packet(self, universe: int, terminated: bool = False) -> bytes:
        data = bytes(self.frames[universe])
        if self.kind == "sacn":
            # E1.31 counts 0..255 per universe; Art-Net 1..255 (its 0 turns sequencing off).
            seq = self._sequence[universe] = sacn.next_sequence(self._sequence.get(universe, -1))
            return e131_data(universe, data, seq, self.cid, self.source_name, terminated=terminated)
        seq = self._sequence[universe] = artnet.next_sequence(self._sequence.get(universe, 0))
        return artdmx(universe, data, seq)

    def destination(self, universe: int) -> str | None:
        """Where a universe's packets go: its multicast group, or None for the output's host."""
        return multicast_group(universe) if self.multicast else None

    def flush(self, now: float, force: bool = False) -> None:
        for universe in self.frames:
            last = self._last_sent.get(universe)
            if force or universe in self._dirty or last is None or now - last >= self.period - REFRESH_SLACK:
                self._send(self.packet(universe), self.destination(universe))
                self._last_sent[universe] = now
        self._dirty.clear()
        if self.multicast and self.frames:
            self._discovery(now)

    def _discovery(self, now: float) -> None:
        """The list of universes to the discovery group: at the start, when it changes, then every 10 s."""
        universes = sorted(self.frames)
        if self._discovered is not None:
            listed, at = self._discovered
            if listed == universes and now - at < DISCOVERY_INTERVAL - REFRESH_SLACK:
                return
        for packet in sacn.universe_discovery(universes, self.cid, self.source_name):
            self._send(packet, multicast_group(DISCOVERY_UNIVERSE))
        self._discovered = (universes, now)

    def close(self) -> None:
        if self.kind == "sacn":
            for universe in self.frames:
                for _ in range(SACN_TERMINATE_REPEATS):
                    self._send(self.packet(universe, terminated=True), self.destination(universe))
        self.transport.close()


class OscOutput(_Sender):
    """Levels (and seat poses) as OSC messages with float arguments."""

    def __init__(self, name: str, spec: Output, transport: Transport, journal: Journal | None = None) -> None:
        super().__init__(name, "osc", transport, journal)
        self.values: dict[str, tuple[float, ...]] = {}
        self._dirty: set[str] = set()
        self._last_sent = -float("inf")

    def patch(self, channel: Channel) -> None:
        if channel.address is not None and channel.address not in self.values:
            self.values[channel.address] = (channel.safe,)
            self._dirty.add(channel.address)

    def _set(self, address: str, args: tuple[float, ...]) -> None:
        if self.values.get(address) != args:
            self.values[address] = args
            self._dirty.add(address)

    def stage(self, name: str, channel: Channel, level: float, pose: SeatPose | None) -> None:
        if channel.address is None:
            return
        self._set(channel.address, (round(level, 4),))
        if pose is not None:
            self._set(pose_address(channel.address), tuple(round(x, 4) for x in pose.as_tuple()))

    @staticmethod
    def message(address: str, args: tuple[float, ...]) -> bytes:
        builder = OscMessageBuilder(address)
        for arg in args:
            builder.add_arg(float(arg), OscMessageBuilder.ARG_TYPE_FLOAT)
        return builder.build().dgram

    def flush(self, now: float, force: bool = False) -> None:
        everything = force or now - self._last_sent >= OSC_KEEPALIVE
        for address, args in self.values.items():
            if everything or address in self._dirty:
                self._send(self.message(address, args))
        if everything:
            self._last_sent = now
        self._dirty.clear()

    def close(self) -> None:
        self.transport.close()


class SimOutput:
    """The simulator: no hardware; keeps the current levels and logs every on/off edge."""

    kind = "sim"

    def __init__(self, name: str = "sim", journal: Journal | None = None, keep: int = 1000) -> None:
        self.name = name
        self.journal = journal
        self.levels: dict[str, float] = {}
        self.poses: dict[str, SeatPose] = {}
        self.edges: deque[tuple[float, str, float]] = deque(maxlen=keep)  # (time, effect, level)
        self._staged: dict[str, float] = {}
        self.sent = 0

    def patch(self, channel: Channel) -> None:
        pass

    def stage(self, name: str, channel: Channel, level: float, pose: SeatPose | None) -> None:
        self._staged[name] = level
        if pose is not None:
            self.poses[name] = pose

    def flush(self, now: float, force: bool = False) -> None:
        for name, level in self._staged.items():
            before = self.levels.get(name, 0.0)
            if (before > 0.0) != (level > 0.0):
                self.edges.append((now, name, level))
                if self.journal is not None:
                    self.journal.write("sim_effect", effect=name, level=round(level, 3))
            self.levels[name] = level
        self._staged.clear()
        self.sent += 1

    def close(self) -> None:
        pass

    def health(self) -> dict[str, Any]:
        return {"kind": "sim", "ok": True, "sent": self.sent, "errors": 0, "last_error": None}


TransportFactory = Callable[[str, Output], Transport]


def udp_transport(name: str, spec: Output) -> Transport:
    default = {"artnet": ARTNET_PORT, "sacn": SACN_PORT}.get(spec.kind)
    port = spec.port or default
    if port is None:
        raise ExhibitError(f"output '{name}' ({spec.kind}) needs a 'port' in hall.yaml")
    return UdpTransport(None if sacn_multicast(spec) else spec.host, port)


def build_outputs(hall: Hall, transport_for: TransportFactory = udp_transport,
                  journal: Journal | None = None) -> dict[str, OutputAdapter]:
    """One adapter per output in the hall, plus ``sim`` for effects mapped nowhere."""
    outputs: dict[str, OutputAdapter] = {}
    for effect, channel in hall.effects.items():
        spec = hall.outputs.get(channel.output)
        if spec is not None and spec.kind == "sacn" and not 1 <= channel.universe <= MAX_UNIVERSE:
            raise ExhibitError(f"effect '{effect}': sACN universes are 1..{MAX_UNIVERSE}, not {channel.universe} "
                               f"(output '{channel.output}' in hall.yaml)")
    for name, spec in hall.outputs.items():
        if spec.kind in ("artnet", "sacn"):
            outputs[name] = DmxOutput(name, spec, transport_for(name, spec), journal,
                                      source_name=f"exhibit {hall.hall}")
        elif spec.kind == "osc":
            outputs[name] = OscOutput(name, spec, transport_for(name, spec), journal)
        else:
            outputs[name] = SimOutput(name, journal)
    outputs.setdefault("sim", SimOutput("sim", journal))
    return outputs


def describe(channel: Channel | None, hall: Hall) -> str:
    """Where an effect goes, in words (for ``exhibit effects set``)."""
    spec = hall.outputs.get(channel.output) if channel is not None else None
    if channel is None or spec is None or spec.kind == "sim":
        return "the simulator (no hardware)"
    if spec.kind in ("artnet", "sacn") and channel.channel is not None:
        to = f"multicast {multicast_group(channel.universe)}" if sacn_multicast(spec) else spec.host
        what = f"{spec.kind} {to} universe {channel.universe} channel {channel.channel}"
        if channel.limits is not None:
            what += f"-{channel.channel + 2} (pitch, roll, heave)"
        return what
    if spec.kind == "osc" and channel.address is not None:
        return f"osc {spec.host}:{spec.port} {channel.address}"
    return f"output '{channel.output}'"


__all__ = ["DmxOutput", "OscOutput", "SimOutput", "OutputAdapter", "build_outputs", "dmx_value", "dmx_axis",
           "pose_address", "describe", "sacn_multicast"]

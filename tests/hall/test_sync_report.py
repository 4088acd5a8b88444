"""A follower reports its clock offset and show-time error in its pings; the hall keeps them.

The report rides in the ping's padding blob, so a master that predates it reads the
ping as before, and a follower that predates it reports nothing.
"""

from __future__ import annotations

import math
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pythonosc.osc_message import OscMessage

from exhibit.hall.sync import SyncMaster
from exhibit.sync.peer import Follower
from exhibit.sync.wire import PingMessage, PongMessage, decode, encode

maybe_seconds = st.none() | st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)


@given(name=st.text(min_size=1, max_size=40).filter(lambda s: "\0" not in s), offset=maybe_seconds,
       error=maybe_seconds)
def test_a_ping_carries_its_report_and_stays_a_ping_an_older_master_reads(
        name: str, offset: float | None, error: float | None) -> None:
    ping = PingMessage(name, 12.5, offset, error)
    data = encode(ping, b"key")
    assert decode(data, b"key") == ping
    body = OscMessage(data[:-16])
    # What a master before the report accepts: the name, t0 and at most one blob.
    assert body.params[:2] == [name, 12.5] and len(body.params) in (2, 3)
    assert len(data) >= len(encode(PongMessage(1, 1.0, 2.0, 3.0), b"key"))  # still no amplifier


def test_an_older_followers_ping_reports_nothing() -> None:
    old = encode(PingMessage("wall-left", 3.0))  # no report: the padding is zeros, as before
    assert OscMessage(old).params[2] == b"\0" * len(OscMessage(old).params[2])
    assert decode(old) == PingMessage("wall-left", 3.0, None, None)


def test_the_hall_sees_each_followers_offset_and_error() -> None:
    offset = 1234.5  # the follower's clock runs this far behind the master's

    def behind() -> float:
        return time.monotonic() - offset

    with SyncMaster(("127.0.0.1", 0)) as master:
        master.update("nanhu_red_boat", "zh", "playing", 10.0, 1.0)
        with Follower(master.address, name="wall-left", clock=behind) as follower:
            deadline = time.monotonic() + 5.0
            info = None
            while time.monotonic() < deadline:
                follower.read()  # a frame drawn: its error goes out with the next ping
                infos = master.followers
                info = infos[0] if infos else None
                if info is not None and info.offset is not None and info.error is not None:
                    break
                time.sleep(0.05)
    assert info is not None and info.name == "wall-left"
    assert info.offset == pytest.approx(offset, abs=0.01)
    assert info.offset_ms == pytest.approx(offset * 1000, abs=10)
    assert info.error is not None and math.isfinite(info.error) and abs(info.error) < 0.25

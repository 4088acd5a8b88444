"""The mix of one scene in one language: voice, music beds and sounds, at 48 kHz stereo.

Everything is placed where the compiled timeline says; the music envelope
(fades and ducking) is rendered from the same breakpoints that ``state(t)``
evaluates at runtime, so the file and the player agree to the sample.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from exhibit.narration.clip import MIX_RATE, Clip
from exhibit.spec.scene import SoundCue
from exhibit.timeline.model import Timeline
from exhibit.timeline.music import fade_points

CHANNELS = 2
BLOCK_FRAMES = 1 << 18  # a music bed is added at most about five seconds at a time

#: Loads a media file named in the scene (relative to the content root) as a clip.
MediaLoader = Callable[[str], Clip]


def _interp(t: np.ndarray, points: list[tuple[float, float]], outside: float = 0.0) -> np.ndarray:
    if not points:
        return np.full(t.shape, outside, dtype=np.float32)
    xs = np.array([p[0] for p in points], dtype=np.float64)
    ys = np.array([p[1] for p in points], dtype=np.float64)
    levels: np.ndarray = np.interp(t, xs, ys, left=ys[0], right=ys[-1]).astype(np.float32)
    return levels


def _place(buf: np.ndarray, clip: Clip, at: float, gain: float = 1.0) -> None:
    """Add ``clip`` (at the mix rate) into ``buf`` from time ``at``; cut off at both ends."""
    start = round(at * MIX_RATE)
    data = clip.samples
    if start < 0:
        data = data[-start:]
        start = 0
    n = min(len(data), len(buf) - start)
    if n <= 0:
        return
    part = data[:n] if clip.channels in (1, CHANNELS) else clip.mono().samples[:n]
    if gain != 1.0:
        part = part * np.float32(gain)
    buf[start : start + n] += part  # a mono clip (n, 1) goes to both channels


def _fade_and_depth(timeline: Timeline, index: int, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    tm = timeline.music[index]
    fade = _interp(t, fade_points(tm.start, tm.end, tm.music.fade_in, tm.music.fade_out))
    fade[(t < tm.start) | (t >= tm.end)] = 0.0
    return fade, _interp(t, timeline.duck.points())


def music_amplitude(timeline: Timeline, index: int, t: np.ndarray) -> np.ndarray:
    """Linear gain of music bed ``index`` at show times ``t`` (same as ``music_gain_db``)."""
    m = timeline.music[index].music
    fade, depth = _fade_and_depth(timeline, index, t)
    db = m.gain + m.duck * depth
    return (fade * np.power(np.float32(10.0), db / np.float32(20.0))).astype(np.float32)


def _segments(timeline: Timeline, index: int, start: float, end: float) -> list[tuple[int, int]]:
    """Frame ranges between the corners of a bed's envelope (fades and ducking)."""
    tm = timeline.music[index]
    corners = [t for t, _ in fade_points(tm.start, tm.end, tm.music.fade_in, tm.music.fade_out)]
    corners += [t for t, _ in timeline.duck.points()]
    frames = sorted({round(t * MIX_RATE) for t in [start, end, *corners] if start <= t <= end})
    return list(zip(frames, frames[1:], strict=False))


def _source(data: np.ndarray, first: int, count: int, loop: bool) -> np.ndarray:
    """``count`` frames of the music file from frame ``first``, wrapping round when it loops."""
    if not loop:
        return data[first : first + count]
    pieces = []
    at = first % len(data)
    while count > 0:
        take = min(count, len(data) - at)
        pieces.append(data[at : at + take])
        count -= take
        at = 0
    return pieces[0] if len(pieces) == 1 else np.concatenate(pieces)


def _add_bed(
    buf: np.ndarray, timeline: Timeline, index: int, clip: Clip, start: float, end: float
) -> None:
    """Lay music bed ``index`` over [start, end) with its envelope.

    Between two corners of the envelope the gain is either constant (one multiply)
    or a ramp, evaluated for each frame of that stretch only.
    """
    data = clip.with_channels(CHANNELS).samples
    if len(data) == 0:
        return
    origin = round(start * MIX_RATE)  # frame 0 of the music file
    loop = timeline.music[index].music.loop
    last = min(len(buf), round(end * MIX_RATE), len(buf) if loop else origin + len(data))
    for a, b in _segments(timeline, index, start, end):
        for lo in range(a, min(b, last), BLOCK_FRAMES):
            hi = min(b, last, lo + BLOCK_FRAMES)
            src = _source(data, lo - origin, hi - lo, loop)
            # Fade and depth are each a straight line between corners: equal ends, constant.
            t = np.array([lo, hi - 1], dtype=np.float64) / MIX_RATE
            fade, depth = _fade_and_depth(timeline, index, t)
            if fade[0] == fade[1] and depth[0] == depth[1]:
                buf[lo:hi] += src * music_amplitude(timeline, index, t[:1])[0]
            else:
                gain = music_amplitude(timeline, index, np.arange(lo, hi) / MIX_RATE)
                buf[lo:hi] += src * gain[:, None]


def mix(timeline: Timeline, voices: Mapping[str, Clip], media: MediaLoader) -> Clip:
    """Render the timeline's audio: each voice at its line's audio start, music, sounds."""
    frames = max(1, round(timeline.duration * MIX_RATE))
    buf = np.zeros((frames, CHANNELS), dtype=np.float32)
    for line in timeline.lines:
        voice = voices.get(line.id)
        if voice is not None:
            _place(buf, voice, line.audio_start)
    for i, tm in enumerate(timeline.music):
        start, end = max(0.0, tm.start), min(tm.end, timeline.duration)
        if end > start:
            _add_bed(buf, timeline, i, media(tm.music.file), start, end)
    for ts in timeline.sounds:
        _place(buf, media(ts.sound.file), ts.start, 10 ** (ts.sound.gain / 20))
    for tc in timeline.cues:
        if isinstance(tc.cue, SoundCue):
            _place(buf, media(tc.cue.file), tc.start, 10 ** (tc.cue.gain / 20))
    return Clip(buf, MIX_RATE)

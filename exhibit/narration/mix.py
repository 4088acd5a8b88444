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
CONTROL_FRAMES = 48  # the music envelope is computed every millisecond ...
BLOCK_FRAMES = 1 << 18  # ... and the bed is added about five seconds at a time

#: Loads a media file named in the scene (relative to the content root) as a clip.
MediaLoader = Callable[[str], Clip]


def _interp(t: np.ndarray, points: list[tuple[float, float]], outside: float = 0.0) -> np.ndarray:
    if not points:
        return np.full(t.shape, outside, dtype=np.float32)
    xs = np.array([p[0] for p in points], dtype=np.float64)
    ys = np.array([p[1] for p in points], dtype=np.float64)
    return np.interp(t, xs, ys, left=ys[0], right=ys[-1]).astype(np.float32)


def _place(buf: np.ndarray, clip: Clip, at: float, gain: np.ndarray | float = 1.0) -> None:
    """Add ``clip`` (at the mix rate) into ``buf`` from time ``at``; cut off at both ends."""
    start = round(at * MIX_RATE)
    data = clip.with_channels(CHANNELS).samples
    if start < 0:
        data = data[-start:]
        if isinstance(gain, np.ndarray):
            gain = gain[-start:]
        start = 0
    n = min(len(data), len(buf) - start)
    if n <= 0:
        return
    if isinstance(gain, np.ndarray):
        buf[start : start + n] += data[:n] * gain[:n, None]
    else:
        buf[start : start + n] += data[:n] * np.float32(gain)


def music_amplitude(timeline: Timeline, index: int, t: np.ndarray) -> np.ndarray:
    """Linear gain of music bed ``index`` at show times ``t`` (same as ``music_gain_db``)."""
    tm = timeline.music[index]
    m = tm.music
    fade = _interp(t, fade_points(tm.start, tm.end, m.fade_in, m.fade_out))
    fade[(t < tm.start) | (t >= tm.end)] = 0.0
    depth = _interp(t, timeline.duck.points())
    db = m.gain + m.duck * depth
    return (fade * np.power(np.float32(10.0), db / np.float32(20.0))).astype(np.float32)


def _envelope(timeline: Timeline, index: int, start: float, frames: int) -> np.ndarray:
    """The bed's gain for every frame from ``start``: exact at each millisecond, linear between.

    Evaluating at 1 kHz and interpolating costs a fraction of evaluating every sample, and a
    gain that moves at most 10 dB in 250 ms is a straight line over a millisecond.
    """
    step = CONTROL_FRAMES
    points = -(-frames // step) + 1
    t = start + np.arange(points, dtype=np.float64) * step / MIX_RATE
    at = music_amplitude(timeline, index, t)
    ramp = np.arange(step, dtype=np.float32) / np.float32(step)
    gain = at[:-1, None] + (at[1:] - at[:-1])[:, None] * ramp[None, :]
    return gain.reshape(-1)[:frames]


def _add_bed(
    buf: np.ndarray, clip: Clip, start: float, frames: int, loop: bool, gain: np.ndarray
) -> None:
    """Lay the music file over ``frames`` from ``start``: repeated when it loops, else once."""
    data = clip.with_channels(CHANNELS).samples
    if len(data) == 0:
        return
    if not loop:
        frames = min(frames, len(data))
    a = round(start * MIX_RATE)
    frames = min(frames, len(buf) - a)
    for b in range(0, frames, BLOCK_FRAMES):  # block by block: no giant temporaries
        e = min(frames, b + BLOCK_FRAMES)
        src = np.take(data, np.arange(b, e) % len(data), axis=0) if loop else data[b:e]
        buf[a + b : a + e] += src * gain[b:e, None]


def mix(timeline: Timeline, voices: Mapping[str, Clip], media: MediaLoader) -> Clip:
    """Render the timeline's audio: each voice at its line's audio start, music, sounds."""
    frames = max(1, round(timeline.duration * MIX_RATE))
    buf = np.zeros((frames, CHANNELS), dtype=np.float32)
    for line in timeline.lines:
        voice = voices.get(line.id)
        if voice is not None:
            _place(buf, voice, line.audio_start)
    for i, tm in enumerate(timeline.music):
        start = max(0.0, tm.start)
        n = round((min(tm.end, timeline.duration) - start) * MIX_RATE)
        if n > 0:
            gain = _envelope(timeline, i, start, n)
            _add_bed(buf, media(tm.music.file), start, n, tm.music.loop, gain)
    for ts in timeline.sounds:
        _place(buf, media(ts.sound.file), ts.start, 10 ** (ts.sound.gain / 20))
    for tc in timeline.cues:
        if isinstance(tc.cue, SoundCue):
            _place(buf, media(tc.cue.file), tc.start, 10 ** (tc.cue.gain / 20))
    return Clip(buf, MIX_RATE)

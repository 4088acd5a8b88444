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


def _bed(clip: Clip, frames: int, loop: bool) -> Clip:
    """The music file laid over ``frames``: repeated when it loops, else played once."""
    data = clip.with_channels(CHANNELS).samples
    if len(data) == 0:
        return Clip(np.zeros((0, CHANNELS), np.float32), MIX_RATE)
    if loop and len(data) < frames:
        data = np.tile(data, (-(-frames // len(data)), 1))
    return Clip(data[:frames], MIX_RATE)


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
        if n <= 0:
            continue
        bed = _bed(media(tm.music.file), n, tm.music.loop)
        t = start + np.arange(bed.frames, dtype=np.float64) / MIX_RATE
        _place(buf, bed, start, music_amplitude(timeline, i, t))
    for ts in timeline.sounds:
        _place(buf, media(ts.sound.file), ts.start, 10 ** (ts.sound.gain / 20))
    for tc in timeline.cues:
        if isinstance(tc.cue, SoundCue):
            _place(buf, media(tc.cue.file), tc.start, 10 ** (tc.cue.gain / 20))
    return Clip(buf, MIX_RATE)

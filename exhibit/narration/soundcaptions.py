"""Sound captions: what deaf and hard-of-hearing visitors would otherwise miss.

Music, sounds and felt effects that carry meaning are named in brackets, as
subtitles for the deaf do ("[风声]", "[座椅晃动]", "[wind rises]"). Each 5D effect
has a label per language below; a cue overrides it with its own ``label:``, and
``label: ""`` leaves it out. Music beds and sound files have no default label (a
bed under the voice all along says nothing by itself): a music or sound entry with
a ``label`` is captioned at its start (``"[音乐]"`` from :data:`LABELS` is there for
staff to copy). Labels that start
within half a second of each other share one caption; each shows from its start
for as long as it lasts, between 1.5 and 4 seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from exhibit.spec.common import Text
from exhibit.spec.scene import EffectCue, SoundCue
from exhibit.timeline.model import Timeline

MIN_SECONDS = 1.5
MAX_SECONDS = 4.0
TOGETHER = 0.5  # s: labels starting this close share a caption

#: effect (or "music") -> language -> label, without brackets
LABELS: dict[str, dict[str, str]] = {
    "music": {"zh": "音乐", "en": "music", "ko": "음악", "ja": "音楽"},
    "wind": {"zh": "风声", "en": "wind rises", "ko": "바람 소리", "ja": "風の音"},
    "seat": {"zh": "座椅晃动", "en": "seats move", "ko": "좌석 흔들림", "ja": "座席が揺れる"},
    "rumble": {"zh": "座椅震动", "en": "seats rumble", "ko": "좌석 진동", "ja": "座席が震える"},
    "mist": {"zh": "薄雾弥漫", "en": "mist drifts in", "ko": "안개", "ja": "霧が流れる"},
    "spray": {"zh": "水雾喷洒", "en": "water spray", "ko": "물보라", "ja": "水しぶき"},
    "snow": {"zh": "雪花飘落", "en": "snow falls", "ko": "눈이 내림", "ja": "雪が舞う"},
    "heat": {"zh": "热风", "en": "warm air", "ko": "따뜻한 바람", "ja": "温かい風"},
    "scent": {"zh": "气味", "en": "a scent", "ko": "향기", "ja": "香り"},
    "strobe": {"zh": "闪光", "en": "flashing light", "ko": "섬광", "ja": "閃光"},
    "lightning": {"zh": "雷电", "en": "thunder and lightning", "ko": "천둥 번개", "ja": "雷鳴"},
    "bubbles": {"zh": "泡泡", "en": "bubbles", "ko": "비눗방울", "ja": "シャボン玉"},
}


@dataclass(frozen=True)
class SoundCaption:
    start: float
    end: float
    text: str  # "[风声] [座椅晃动]"


def _label(own: Text | None, default: str | None, lang: str) -> str | None:
    if own is not None:
        text = own.get(lang)
        return text.strip() or None if text is not None else None
    return LABELS.get(default or "", {}).get(lang)


def _labelled(timeline: Timeline) -> list[tuple[float, float, str]]:
    lang, out = timeline.lang, []
    for tc in timeline.cues:
        cue = tc.cue
        if isinstance(cue, EffectCue) and cue.level > 0:
            label = _label(cue.label, cue.effect, lang)
        elif isinstance(cue, SoundCue):
            label = _label(cue.label, None, lang)
        else:
            continue
        if label:
            out.append((tc.start, tc.end, label))
    for ts in timeline.sounds:
        label = _label(ts.sound.label, None, lang)
        if label:
            out.append((ts.start, ts.start, label))
    for tm in timeline.music:
        label = _label(tm.music.label, None, lang)
        if label:
            out.append((tm.start, tm.end, label))
    return sorted(out)


def sound_captions(timeline: Timeline) -> list[SoundCaption]:
    """The scene's sound captions in the timeline's language, in order of their start."""
    groups: list[tuple[float, float, list[str]]] = []
    for start, end, label in _labelled(timeline):
        if start >= timeline.duration:
            continue
        shown = min(max(end - start, MIN_SECONDS), MAX_SECONDS)
        stop = min(start + shown, timeline.duration)
        if groups and start - groups[-1][0] <= TOGETHER:
            first, last, labels = groups[-1]
            if label not in labels:
                labels.append(label)
            groups[-1] = (first, max(last, stop), labels)
        else:
            groups.append((start, stop, [label]))
    out: list[SoundCaption] = []
    for start, stop, labels in groups:
        if out and out[-1].end > start:  # never two sound captions at once: the earlier one gives way
            out[-1] = SoundCaption(out[-1].start, start, out[-1].text)
        out.append(SoundCaption(start, stop, " ".join(f"[{label}]" for label in labels)))
    return [c for c in out if c.end - c.start >= 0.2]

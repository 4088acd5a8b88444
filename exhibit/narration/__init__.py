"""Narration: voices (recorded or placeholder), loudness, the mix and caption files.

Narration measures each line's audio and hands the timings to the timeline;
the mix and captions then follow the compiled timeline. No Panda3D here: the
player plays the mix file this package writes.

The entry points other packages use:

- :func:`timings_for` (cheap, for ``exhibit check``): timings of lines that already have audio.
- :func:`reading_speed_warnings`: captions too fast to read.
- :func:`build`: voices, timeline, mix, captions and timeline JSON under ``build/<scene>/``.
- :func:`is_stale`: whether ``build`` has anything to do.
- :func:`prepare_show`: from a scene name to a playable :class:`Show` (scene, language,
  timeline, mix): what the player, the hall and the CLI start from.
"""

from __future__ import annotations

from exhibit.narration.build import NarrationBuild, build, is_stale, timings_for
from exhibit.narration.reading import reading_speed_warnings
from exhibit.narration.show import Show, prepare_show
from exhibit.timeline.timing import LineTiming

__all__ = [
    "LineTiming",
    "NarrationBuild",
    "Show",
    "build",
    "is_stale",
    "prepare_show",
    "reading_speed_warnings",
    "timings_for",
]

"""Headsets through OpenXR (``pip install 'exhibit[xr]'``, pyopenxr).

- :mod:`~exhibit.render.xr.convert`: OpenXR poses and fields of view in Panda3D's axes;
- :mod:`~exhibit.render.xr.interaction`: the *select* action (trigger, or gaze dwell);
- :mod:`~exhibit.render.xr.runtime`: the runtime session (pyopenxr), its life cycle, its errors;
- :mod:`~exhibit.render.xr.display`: display mode ``xr`` for the Player;
- :mod:`~exhibit.render.xr.fallback`: a window instead, when the headset cannot be used.

Importing this package needs neither pyopenxr nor a headset.
"""

from exhibit.render.xr.runtime import XrUnavailable

__all__ = ["XrUnavailable"]

"""The world of a scene: procedural builders for every built-in kind, sky, light and fog.

The application builds a world once per scene and applies a FrameState each frame::

    world = build_world(scene, parent, project_root=root, capabilities=caps)
    world.apply(timeline.state(t))
    ...
    world.destroy()
"""

from exhibit.render.world.capabilities import Capabilities
from exhibit.render.world.world import World, build_world

__all__ = ["Capabilities", "World", "build_world"]

"""What ``exhibit check`` reads from an artist's model file: the names of its animation
clips. glTF keeps them in its JSON (a ``.gltf`` file, or the first chunk of a ``.glb``);
Panda3D's own ``.bam`` and ``.egg`` files are not read here (None: not known).
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

from exhibit.spec.errors import ExhibitError

GLB_MAGIC = b"glTF"
JSON_CHUNK = 0x4E4F534A


def clip_names(path: Path) -> list[str] | None:
    """The model's animation clip names (unnamed clips as panda3d-gltf names them), or None."""
    suffix = path.suffix.lower()
    if suffix not in (".gltf", ".glb"):
        return None
    try:
        data = path.read_bytes()
        if suffix == ".glb":
            if data[:4] != GLB_MAGIC or len(data) < 20:
                raise ValueError("not a binary glTF file")
            length, kind = struct.unpack_from("<II", data, 12)
            if kind != JSON_CHUNK:
                raise ValueError("its first chunk is not JSON")
            data = data[20 : 20 + length]
        doc = json.loads(data.decode("utf-8"))
    except (OSError, ValueError, UnicodeDecodeError, struct.error) as exc:
        raise ExhibitError(f"cannot read it as glTF ({exc})") from None
    animations = doc.get("animations", []) if isinstance(doc, dict) else []
    return [str(a.get("name") or f"anim{i}") for i, a in enumerate(animations) if isinstance(a, dict)]

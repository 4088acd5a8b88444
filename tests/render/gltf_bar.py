"""A two-bone glTF written by hand, for the animation tests: a red bar two segments tall
whose upper bone bends 90 degrees (about the view axis) over one clip of one second."""

from __future__ import annotations

import base64
import json
import math
import struct
from pathlib import Path


def write_bar(path: Path, clip: str = "bend") -> Path:
    """A skinned bar along glTF +y (Panda3D's +z): the lower segment on joint 'lower', the top
    row of vertices on joint 'upper' one metre up, which turns 90 degrees about z in 1 s."""
    pos, joints = [], []
    for y in (0.0, 1.0, 2.0):
        for x in (-0.2, 0.2):
            pos.append((x, y, 0.0))
            joints.append((1 if y > 1.5 else 0, 0, 0, 0))
    indices = [0, 1, 3, 0, 3, 2, 2, 3, 5, 2, 5, 4]
    identity = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]
    down_one = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, -1, 0, 1]  # column-major: y - 1
    half = math.sin(math.pi / 4)
    parts = [
        b"".join(struct.pack("<3f", *p) for p in pos),
        struct.pack("<3f", 0.0, 0.0, 1.0) * 6,
        b"".join(struct.pack("<4B", *j) for j in joints),
        struct.pack("<4f", 1.0, 0.0, 0.0, 0.0) * 6,
        b"".join(struct.pack("<H", i) for i in indices),
        struct.pack("<32f", *identity, *down_one),
        struct.pack("<2f", 0.0, 1.0),
        struct.pack("<8f", 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, half, half),
    ]
    views, offset = [], 0
    for part in parts:
        views.append({"buffer": 0, "byteOffset": offset, "byteLength": len(part)})
        offset += len(part) + (-len(part) % 4)
    blob = b"".join(part + bytes(-len(part) % 4) for part in parts)
    accessors = [
        {"bufferView": 0, "componentType": 5126, "count": 6, "type": "VEC3", "min": [-0.2, 0, 0], "max": [0.2, 2, 0]},
        {"bufferView": 1, "componentType": 5126, "count": 6, "type": "VEC3"},
        {"bufferView": 2, "componentType": 5121, "count": 6, "type": "VEC4"},
        {"bufferView": 3, "componentType": 5126, "count": 6, "type": "VEC4"},
        {"bufferView": 4, "componentType": 5123, "count": 12, "type": "SCALAR"},
        {"bufferView": 5, "componentType": 5126, "count": 2, "type": "MAT4"},
        {"bufferView": 6, "componentType": 5126, "count": 2, "type": "SCALAR", "min": [0.0], "max": [1.0]},
        {"bufferView": 7, "componentType": 5126, "count": 2, "type": "VEC4"},
    ]
    primitive = {
        "attributes": {"POSITION": 0, "NORMAL": 1, "JOINTS_0": 2, "WEIGHTS_0": 3},
        "indices": 4,
        "material": 0,
    }
    doc = {
        "asset": {"version": "2.0"},
        "scene": 0,
        "scenes": [{"nodes": [0, 1]}],
        "nodes": [
            {"name": "bar", "mesh": 0, "skin": 0},
            {"name": "lower", "children": [2]},
            {"name": "upper", "translation": [0.0, 1.0, 0.0]},
        ],
        "meshes": [{"primitives": [primitive]}],
        "materials": [{"pbrMetallicRoughness": {"baseColorFactor": [0.9, 0.1, 0.1, 1.0]}, "doubleSided": True}],
        "skins": [{"joints": [1, 2], "inverseBindMatrices": 5, "skeleton": 1}],
        "animations": [
            {
                "name": clip,
                "channels": [{"sampler": 0, "target": {"node": 2, "path": "rotation"}}],
                "samplers": [{"input": 6, "output": 7, "interpolation": "LINEAR"}],
            }
        ],
        "buffers": [
            {"byteLength": len(blob), "uri": "data:application/octet-stream;base64," + base64.b64encode(blob).decode()}
        ],
        "bufferViews": views,
        "accessors": accessors,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path

"""``exhibit schema``: JSON Schemas for editors, generated from the same models as the checks."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema

from exhibit.spec.common import Color, Text
from exhibit.spec.hall import Hall
from exhibit.spec.project import Project
from exhibit.spec.quiz import Bank
from exhibit.spec.scene import Scene
from exhibit.spec.timeexpr import TimeExpr

SCHEMAS: dict[str, type[BaseModel]] = {"scene": Scene, "quiz": Bank, "hall": Hall}


class _Generator(GenerateJsonSchema):
    def encode_default(self, dft: Any) -> Any:
        if isinstance(dft, Color):
            return dft.to_hex()
        if isinstance(dft, TimeExpr):
            return str(dft)
        if isinstance(dft, Text):
            return Text._serialize(dft)
        if isinstance(dft, BaseModel):
            return dft.model_dump(mode="json", by_alias=True)
        return super().encode_default(dft)


def _closed_maps(node: Any) -> None:
    """Maps keyed by id (``objects``, ``effects``) take no key outside their pattern.

    Pydantic writes ``patternProperties`` for ``dict[Id, ...]`` but leaves other keys
    open, so an editor would accept ``Boat:`` that ``exhibit check`` rejects.
    """
    if isinstance(node, dict):
        if "patternProperties" in node and "properties" not in node:
            node.setdefault("additionalProperties", False)
        for value in node.values():
            _closed_maps(value)
    elif isinstance(node, list):
        for value in node:
            _closed_maps(value)


def schema_for(name: str) -> dict[str, Any]:
    model = SCHEMAS[name]
    schema = model.model_json_schema(by_alias=True, schema_generator=_Generator)
    _closed_maps(schema)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://exhibit.local/schema/{name}.schema.json"
    return schema


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "schema",
        help="write JSON Schemas for editors",
        description="Write scene, quiz bank and hall JSON Schemas (default: build/schema/).",
    )
    p.add_argument("-o", "--output", default=None, help="folder to write into")
    p.add_argument(
        "--markdown",
        default=None,
        metavar="DIR",
        help="instead, regenerate the field and command tables of the reference pages in DIR (docs/reference)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.markdown:
        from exhibit.cli.reference import write

        for path in write(Path(args.markdown)):
            print(path, file=sys.stderr)
        return 0
    out = Path(args.output) if args.output else Project.at(args.root).build_dir / "schema"
    out.mkdir(parents=True, exist_ok=True)
    for name in SCHEMAS:
        path = out / f"{name}.schema.json"
        path.write_text(json.dumps(schema_for(name), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(path, file=sys.stderr)
    return 0

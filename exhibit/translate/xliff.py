"""XLIFF 1.2, the exchange format of translation agencies' tools.

One ``<file>`` per content file (``original`` is its path), one ``<trans-unit>`` per
string with the stable id as its ``id``; the unit's ``<note>`` says what the string
is. Target states follow the standard's values: ``translated``, ``needs-translation``,
and ``final`` for a text that is the same in every language.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from exhibit.spec.common import LANG_PATTERN
from exhibit.spec.errors import ExhibitError, Location
from exhibit.translate.rows import Row, Sheet

NS = "urn:oasis:names:tc:xliff:document:1.2"
_STATES = {"translated": "translated", "missing": "needs-translation", "universal": "final"}
_BACK = {v: k for k, v in _STATES.items()}


def write(path: Path, sheet: Sheet) -> None:
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}xliff", {"version": "1.2"})
    files: dict[str, ET.Element] = {}
    for row in sheet.rows:
        body = files.get(row.file)
        if body is None:
            attrs = {
                "original": row.file,
                "source-language": sheet.source_lang,
                "target-language": sheet.lang,
                "datatype": "plaintext",
            }
            body = ET.SubElement(ET.SubElement(root, f"{{{NS}}}file", attrs), f"{{{NS}}}body")
            files[row.file] = body
        unit = ET.SubElement(body, f"{{{NS}}}trans-unit", {"id": row.id, "xml:space": "preserve"})
        ET.SubElement(unit, f"{{{NS}}}source").text = row.source
        target = ET.SubElement(unit, f"{{{NS}}}target", {"state": _STATES.get(row.state, "new")})
        target.text = row.target or ""
        if row.note:
            ET.SubElement(unit, f"{{{NS}}}note").text = row.note
    ET.indent(root, space="  ")
    path.write_bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n")


def _line_of(text: str, ident: str) -> int:
    found = re.search(r'\bid="' + re.escape(ident.replace("&", "&amp;").replace('"', "&quot;")) + '"', text)
    return text.count("\n", 0, found.start()) + 1 if found else 0


def _inner(element: ET.Element | None) -> str:
    return "".join(element.itertext()) if element is not None else ""


def read(path: Path) -> Sheet:
    raw = path.read_bytes()
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        line, column = exc.position
        raise ExhibitError(f"{path}:{line}:{column + 1}: not well-formed XML ({exc.msg})") from None
    if root.tag != f"{{{NS}}}xliff" or root.get("version") != "1.2":
        raise ExhibitError(f'{path}: not an XLIFF 1.2 file (the root must be <xliff version="1.2" xmlns="{NS}">)')
    text = raw.decode("utf-8", errors="replace")
    langs: set[tuple[str, str]] = set()
    rows = []
    for file in root.iter(f"{{{NS}}}file"):
        source_lang, lang = file.get("source-language", ""), file.get("target-language", "")
        if not (re.match(LANG_PATTERN, source_lang) and re.match(LANG_PATTERN, lang)):
            raise ExhibitError(f"{path}: each <file> needs source-language and target-language codes like zh and ko")
        langs.add((source_lang, lang))
        for unit in file.iter(f"{{{NS}}}trans-unit"):
            ident = unit.get("id", "")
            target = unit.find(f"{{{NS}}}target")
            value = _inner(target)
            rows.append(
                Row(
                    ident,
                    _inner(unit.find(f"{{{NS}}}source")),
                    value if value.strip() else None,
                    _BACK.get(target.get("state", "") if target is not None else "", ""),
                    file.get("original", ""),
                    "",
                    Location(str(path), _line_of(text, ident), 1),
                )
            )
    if len(langs) != 1:
        raise ExhibitError(f"{path}: every <file> must have the same source-language and target-language")
    source_lang, lang = langs.pop()
    return Sheet(source_lang, lang, tuple(rows))

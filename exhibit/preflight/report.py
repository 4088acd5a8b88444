"""The preflight report: findings by section, on the terminal and as one HTML file.

The HTML page holds its pictures inline (PNG as data: URIs) and no scripts or
links, so it opens on a laptop with no network, sent as a single attachment.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field
from enum import IntEnum

from exhibit.spec.errors import Location


class Status(IntEnum):
    """How bad a finding is; the report's status is its worst finding's."""

    PASS = 0
    NOTE = 1
    WARN = 2
    FAIL = 3

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Finding:
    section: str  # captions, loudness, flashing, comfort, effects, content, hall
    subject: str  # what was checked: a scene and language, a channel, the database
    status: Status
    message: str
    location: Location | None = None

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.status.label}: [{self.section}] {self.subject}: {self.message}"


@dataclass(frozen=True)
class Picture:
    title: str
    png: bytes


@dataclass
class Report:
    title: str
    findings: list[Finding] = field(default_factory=list)
    pictures: dict[str, list[Picture]] = field(default_factory=dict)  # per subject (a scene)
    measured: list[tuple[str, str]] = field(default_factory=list)  # what was measured, for the summary

    def add(self, found: list[Finding]) -> None:
        self.findings.extend(found)

    def picture(self, subject: str, title: str, png: bytes) -> None:
        self.pictures.setdefault(subject, []).append(Picture(title, png))

    @property
    def status(self) -> Status:
        return max((f.status for f in self.findings), default=Status.PASS)

    def count(self, status: Status) -> int:
        return sum(f.status is status for f in self.findings)

    def summary(self) -> str:
        return (
            f"preflight {self.status.label}: {self.count(Status.FAIL)} failed, {self.count(Status.WARN)} warning(s), "
            f"{self.count(Status.NOTE)} note(s), {self.count(Status.PASS)} passed"
        )

    def terminal(self, *, passes: bool = False) -> str:
        shown = [f for f in self.findings if passes or f.status is not Status.PASS]
        shown.sort(key=lambda f: (-f.status, f.section, f.subject))
        return "\n".join([str(f) for f in shown] + [self.summary()])

    def html(self) -> str:
        e = html.escape
        parts = [
            "<!doctype html><html><head><meta charset='utf-8'>",
            f"<title>{e(self.title)}</title><style>{_CSS}</style></head><body>",
            f"<h1>{e(self.title)}</h1><p class='{self.status.label}'>{e(self.summary())}</p>",
        ]
        if self.measured:
            parts.append("<table>" + "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in self.measured))
            parts.append("</table>")
        parts.append("<h2>Findings</h2><table><tr><th>status</th><th>check</th><th>what</th><th>finding</th></tr>")
        for f in sorted(self.findings, key=lambda f: (-f.status, f.section, f.subject)):
            where = f"<br><code>{e(str(f.location))}</code>" if f.location else ""
            parts.append(
                f"<tr class='{f.status.label}'><td>{f.status.label}</td><td>{e(f.section)}</td>"
                f"<td>{e(f.subject)}</td><td>{e(f.message)}{where}</td></tr>"
            )
        parts.append("</table>")
        for subject, pictures in self.pictures.items():
            parts.append(f"<h2>{e(subject)}</h2><div class='pics'>")
            for p in pictures:
                data = base64.b64encode(p.png).decode("ascii")
                parts.append(f"<figure><img alt='{e(p.title)}' src='data:image/png;base64,{data}'>")
                parts.append(f"<figcaption>{e(p.title)}</figcaption></figure>")
            parts.append("</div>")
        parts.append("</body></html>\n")
        return "".join(parts)


_CSS = (
    "body{font-family:sans-serif;margin:2em;color:#111;background:#fff}"
    "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #999;padding:4px 8px;"
    "text-align:left;vertical-align:top}"
    ".fail{background:#f6d5d5}.warn{background:#fbefc8}.note{background:#eef}"
    ".pics{display:flex;flex-wrap:wrap;gap:8px}figure{margin:0}img{max-width:100%;border:1px solid #999}"
    "figcaption{font-size:90%}"
)

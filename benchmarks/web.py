"""A crowd on the phone quiz: 200 phones answering at once against ``exhibit hall`` on loopback.

The hall runs as its own process (``exhibit hall --headless``, as in the hall, with the
bundled question bank in a scratch content root); this process plays the phones on one
asyncio loop with plain HTTP/1.1 keep-alive connections, one per phone, each opening
``/quiz``, playing rounds with a visitor's think time between answers, and leaving a
nickname. Measured: answers per second, the time from sending an answer to its feedback
(p50/p95/p99), every non-200 answer as an error, and, after the hall stops, that every
round played is in the database (none lost).

Target on a 2-core machine: 0 errors, 0 rounds lost, p95 answer-to-feedback under 150 ms.

    python benchmarks/web.py [--phones 200] [--rounds 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
P95_TARGET_MS = 150.0
THINK_S = (0.5, 1.5)  # a visitor reads and taps: well inside the hall's per-phone rate


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Phone:
    """One phone: a keep-alive connection, its cookie, JSON in and out."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookie = ""
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        data = json.dumps(body).encode() if body is not None else b""
        head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(data)}\r\n" + (f"Cookie: {self.cookie}\r\n" if self.cookie else "") + "\r\n")
        self.writer.write(head.encode() + data)
        await self.writer.drain()
        status = int((await self.reader.readline()).split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "set-cookie":
                self.cookie = value.strip().split(";", 1)[0]
        return status, await self.reader.readexactly(length)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def play(port: int, rounds: int, latencies: list[float], errors: list[str], rng: random.Random,
               start: asyncio.Event) -> int:
    """One visitor's rounds; the number of rounds it finished."""
    phone = Phone(port)
    finished = 0
    try:
        await phone.request("GET", "/quiz")
        await start.wait()
        for _ in range(rounds):
            code, raw = await phone.request("POST", "/quiz/api/start", {"lang": rng.choice(["zh", "en"])})
            if code != 200:
                errors.append(f"start {code} {raw[:80]!r}")
                continue
            reply = json.loads(raw)
            while reply.get("question") is not None:
                await asyncio.sleep(rng.uniform(*THINK_S))
                q = reply["question"]
                chosen = [rng.randrange(len(q["options"]))]
                sent = time.perf_counter()
                code, raw = await phone.request("POST", "/quiz/api/answer",
                                                {"round": reply["round"], "position": q["position"], "chosen": chosen})
                latencies.append(time.perf_counter() - sent)
                if code != 200:
                    errors.append(f"answer {code} {raw[:80]!r}")
                    break
                reply = {**json.loads(raw), "round": reply["round"]}
            else:
                finished += 1
                await phone.request("POST", "/quiz/api/nickname", {"round": reply["round"], "nickname": "bench"})
    except (OSError, ValueError, asyncio.IncompleteReadError) as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        await phone.close()
    return finished


async def crowd(port: int, phones: int, rounds: int) -> tuple[list[float], list[str], int, float]:
    latencies: list[float] = []
    errors: list[str] = []
    start = asyncio.Event()
    tasks = [asyncio.create_task(play(port, rounds, latencies, errors, random.Random(i), start)) for i in range(phones)]
    await asyncio.sleep(1.0)  # every phone has opened /quiz
    began = time.perf_counter()
    start.set()
    finished = sum(await asyncio.gather(*tasks))
    return latencies, errors, finished, time.perf_counter() - began


def start_hall(root: Path, port: int) -> subprocess.Popen[bytes]:
    (root / "quiz").mkdir()
    (root / "scenes").mkdir()
    shutil.copy(ROOT / "quiz" / "party_history.yaml", root / "quiz")
    (root / "hall.yaml").write_text(
        f"hall: bench_hall\nremote:\n  http: {{bind: 127.0.0.1, port: {port}}}\nquiz:\n  questions: 5\n"
        "  time_limit: 20\n", encoding="utf-8")
    hall = subprocess.Popen([sys.executable, "-m", "exhibit", "--root", str(root), "hall", "--headless", "--no-sync",
                             "--no-schedule"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=1):
                return hall
        except OSError:
            time.sleep(0.2)
    hall.kill()
    raise SystemExit(f"the hall did not start: {hall.stderr.read().decode() if hall.stderr else ''}")


def stored_rounds(path: Path) -> int:
    """Rounds in the hall's database (the scratch root holds only the phones' rounds)."""
    from exhibit.quiz.store import QuizStore

    with QuizStore(f"sqlite:///{path}", create=False) as store:
        return store.counts()[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="exhibit-web-bench-") as folder:
        root, port = Path(folder), free_port()
        hall = start_hall(root, port)
        try:
            latencies, errors, finished, took = asyncio.run(crowd(port, args.phones, args.rounds))
        finally:
            hall.send_signal(signal.SIGTERM)
            hall.wait(30)
        stored = stored_rounds(root / "var" / "quiz.sqlite3")
    ms = np.array(latencies) * 1000 if latencies else np.zeros(1)
    p50, p95, p99 = (float(np.percentile(ms, q)) for q in (50, 95, 99))
    lost = finished - stored
    print(f"{args.phones} phones x {args.rounds} rounds: {len(latencies)} answers in {took:.1f} s "
          f"({len(latencies) / took:.0f} answers/s, think time {THINK_S[0]}-{THINK_S[1]} s)")
    print(f"answer to feedback: p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms, worst {ms.max():.1f} ms")
    print(f"errors {len(errors)}; rounds finished {finished}, stored {stored}, lost {lost}")
    for error in sorted(set(errors))[:5]:
        print(f"  {error}")
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    ok = not errors and lost == 0 and p95 < P95_TARGET_MS
    print(f"target: 0 errors, 0 lost, p95 < {P95_TARGET_MS:.0f} ms: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

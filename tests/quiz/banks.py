"""A small question bank and content root for quiz tests (used by the render tests too)."""

from __future__ import annotations

import textwrap
from pathlib import Path

BANK_YAML = textwrap.dedent("""\
    bank: demo
    title: {zh: 测试题库, en: Test bank}
    questions:
      - id: boat
        type: single
        category: 建党
        difficulty: 1
        tags: [nanhu, "1921"]
        stem: {zh: 中共一大最后一天的会议转移到了哪里？, en: Where did the last day of the First Congress move to?}
        options:
          - {zh: 嘉兴南湖的一艘游船上, en: A boat on South Lake}
          - {zh: 杭州西湖, en: West Lake}
          - {zh: 上海博文女校, en: Bowen Girls' School}
        answer: A
        explanation: {zh: 会议转移到嘉兴南湖的游船上举行。, en: The meeting moved to a boat on South Lake.}
        source: test
      - id: founding_year
        type: single
        category: 建党
        difficulty: 2
        tags: [nanhu]
        stem: {zh: 中国共产党成立于哪一年？, en: In which year was the Party founded?}
        options: ["1919", "1921", "1927", "1949"]
        answer: B
        explanation: {zh: 1921年。, en: In 1921.}
        source: test
      - id: two_cities
        type: multiple
        category: 建党
        difficulty: 3
        tags: [nanhu]
        stem: {zh: 中共一大在哪两座城市举行？, en: In which two cities did the First Congress meet?}
        options:
          - {zh: 上海, en: Shanghai}
          - {zh: 北京, en: Beijing}
          - {zh: 嘉兴, en: Jiaxing}
          - {zh: 广州, en: Guangzhou}
        answer: [A, C]
        explanation: {zh: 上海和嘉兴。, en: Shanghai and Jiaxing.}
        source: test
      - id: zunyi_year
        type: truefalse
        category: 长征
        difficulty: 2
        tags: [long_march]
        stem: {zh: 遵义会议于1935年召开。, en: The Zunyi Conference was held in 1935.}
        answer: true
        explanation: {zh: 1935年1月。, en: In January 1935.}
        source: test
      - id: luding
        type: single
        category: 长征
        difficulty: 4
        tags: [long_march]
        stem: {zh: 飞夺泸定桥发生在哪一年？, en: In which year was the Luding Bridge taken?}
        options: ["1934", "1935", "1936"]
        answer: B
        explanation: {zh: 1935年5月。, en: In May 1935.}
        source: test
      - id: draft_one
        type: single
        stem: {zh: 草稿, en: Draft}
        options: [a, b]
        answer: A
        status: draft
        source: test
        explanation: x
    """)


def write_project(root: Path, bank: str = BANK_YAML, hall: str | None = None) -> Path:
    (root / "quiz").mkdir(parents=True, exist_ok=True)
    (root / "scenes").mkdir(exist_ok=True)
    (root / "quiz" / "demo.yaml").write_text(bank, encoding="utf-8")
    if hall is not None:
        (root / "hall.yaml").write_text(hall, encoding="utf-8")
    return root

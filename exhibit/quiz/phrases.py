"""The words the quiz says to visitors, in every language it speaks.

Kept in one table so that a translator finds them all in one place, and so that the
kiosk, the in-scene panel and the terminal say the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping

PHRASES: Mapping[str, Mapping[str, str]] = {
    "quiz_title": {"zh": "党史知识问答", "en": "Party History Quiz"},
    "invite": {"zh": "轻触下方按钮，开始答题", "en": "Touch a button below to start"},
    "start": {"zh": "开始答题", "en": "Start"},
    "language": {"zh": "English", "en": "中文"},
    "did_you_know": {"zh": "你知道吗？", "en": "Did you know?"},
    "question_of": {"zh": "第 {n} / {total} 题", "en": "Question {n} of {total}"},
    "kind_single": {"zh": "单选题", "en": "Choose one"},
    "kind_multiple": {"zh": "多选题（选出所有正确答案）", "en": "Choose all that apply"},
    "kind_truefalse": {"zh": "判断题", "en": "True or false"},
    "true": {"zh": "正确", "en": "True"},
    "false": {"zh": "错误", "en": "False"},
    "submit": {"zh": "提交", "en": "Submit"},
    "next": {"zh": "下一题", "en": "Next"},
    "see_result": {"zh": "查看成绩", "en": "See my score"},
    "correct": {"zh": "回答正确！", "en": "Correct!"},
    "partly": {"zh": "部分正确", "en": "Partly right"},
    "wrong": {"zh": "回答错误", "en": "Not quite"},
    "timed_out": {"zh": "时间到", "en": "Time is up"},
    "points": {"zh": "+{points} 分", "en": "+{points} points"},
    "answer_is": {"zh": "正确答案：{letters}", "en": "Answer: {letters}"},
    "explanation": {"zh": "解析：{text}", "en": "Why: {text}"},
    "result_title": {"zh": "你的成绩", "en": "Your score"},
    "result_line": {
        "zh": "答对 {correct} / {total} 题，得分 {score}",
        "en": "{correct} of {total} right, {score} points",
    },
    "nickname_prompt": {
        "zh": "输入昵称，登上排行榜（请勿填写真实姓名）",
        "en": "Enter a nickname for the board (not your real name)",
    },
    "save": {"zh": "上榜", "en": "Save"},
    "skip": {"zh": "跳过", "en": "Skip"},
    "backspace": {"zh": "删除", "en": "Delete"},
    "board_title": {"zh": "排行榜", "en": "Leaderboard"},
    "board_day": {"zh": "今日排行", "en": "Today"},
    "board_week": {"zh": "本周排行", "en": "This week"},
    "board_empty": {"zh": "还没有人上榜", "en": "No one on the board yet"},
    "board_unavailable": {"zh": "排行榜暂时不可用", "en": "The board is not available right now"},
    "board_row": {"zh": "{rank}. {nickname}  {score} 分", "en": "{rank}. {nickname}  {score}"},
    "again": {"zh": "再玩一次", "en": "Play again"},
    "home": {"zh": "返回首页", "en": "Home"},
    "still_there": {
        "zh": "还在吗？轻触屏幕继续（{seconds} 秒）",
        "en": "Still there? Touch the screen to continue ({seconds} s)",
    },
    "continue": {"zh": "继续答题", "en": "Continue"},
    "final_score": {
        "zh": "答题结束：答对 {correct} / {total} 题，得分 {score} / {max_score}",
        "en": "Finished: {correct} of {total} right, {score} of {max_score} points",
    },
    "ask_single": {"zh": "请输入一个字母（如 A）", "en": "Type one letter (like A)"},
    "ask_multiple": {
        "zh": "请输入所有正确选项的字母（如 AC）",
        "en": "Type every right letter (like AC)",
    },
    "ask_truefalse": {"zh": "请输入 T（正确）或 F（错误）", "en": "Type T (true) or F (false)"},
    "unreadable": {"zh": "没看懂“{text}”。", "en": "Could not read '{text}'."},
    "done": {"zh": "完成", "en": "Done"},
}


def phrase(key: str, lang: str, **values: object) -> str:
    """The phrase in ``lang`` (English when that language has none), filled in."""
    table = PHRASES[key]
    text = table.get(lang) or table.get("en") or next(iter(table.values()))
    return text.format(**values) if values else text

"""The words the quiz says to visitors, in every language it speaks.

Kept in one table so that a translator finds them all in one place, and so that the
kiosk, the in-scene panel and the terminal say the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping

PHRASES: Mapping[str, Mapping[str, str]] = {
    "quiz_title": {"zh": "党史知识问答", "en": "Party History Quiz", "ko": "당사 지식 퀴즈"},
    "invite": {
        "zh": "轻触下方按钮，开始答题",
        "en": "Touch a button below to start",
        "ko": "아래 버튼을 눌러 퀴즈를 시작하세요",
    },
    "start": {"zh": "开始答题", "en": "Start", "ko": "시작"},
    "language": {"zh": "English", "en": "中文", "ko": "中文"},
    "did_you_know": {"zh": "你知道吗？", "en": "Did you know?", "ko": "알고 계셨나요?"},
    "question_of": {"zh": "第 {n} / {total} 题", "en": "Question {n} of {total}", "ko": "{total}문제 중 {n}번"},
    "kind_single": {"zh": "单选题", "en": "Choose one", "ko": "하나를 고르세요"},
    "kind_multiple": {"zh": "多选题（选出所有正确答案）", "en": "Choose all that apply", "ko": "정답을 모두 고르세요"},
    "kind_truefalse": {"zh": "判断题", "en": "True or false", "ko": "참 또는 거짓"},
    "true": {"zh": "正确", "en": "True", "ko": "참"},
    "false": {"zh": "错误", "en": "False", "ko": "거짓"},
    "submit": {"zh": "提交", "en": "Submit", "ko": "제출"},
    "next": {"zh": "下一题", "en": "Next", "ko": "다음"},
    "see_result": {"zh": "查看成绩", "en": "See my score", "ko": "점수 보기"},
    "correct": {"zh": "回答正确！", "en": "Correct!", "ko": "정답입니다!"},
    "partly": {"zh": "部分正确", "en": "Partly right", "ko": "부분 정답"},
    "wrong": {"zh": "回答错误", "en": "Not quite", "ko": "아쉽네요"},
    "timed_out": {"zh": "时间到", "en": "Time is up", "ko": "시간이 다 되었습니다"},
    "points": {"zh": "+{points} 分", "en": "+{points} points", "ko": "+{points}점"},
    "answer_is": {"zh": "正确答案：{letters}", "en": "Answer: {letters}", "ko": "정답: {letters}"},
    "explanation": {"zh": "解析：{text}", "en": "Why: {text}", "ko": "해설: {text}"},
    "result_title": {"zh": "你的成绩", "en": "Your score", "ko": "나의 점수"},
    "result_line": {
        "zh": "答对 {correct} / {total} 题，得分 {score}",
        "en": "{correct} of {total} right, {score} points",
        "ko": "{total}문제 중 {correct}개 정답, {score}점",
    },
    "nickname_prompt": {
        "zh": "输入昵称，登上排行榜（请勿填写真实姓名）",
        "en": "Enter a nickname for the board (not your real name)",
        "ko": "순위표에 올릴 별명을 입력하세요 (실명은 쓰지 마세요)",
    },
    "save": {"zh": "上榜", "en": "Save", "ko": "저장"},
    "skip": {"zh": "跳过", "en": "Skip", "ko": "건너뛰기"},
    "backspace": {"zh": "删除", "en": "Delete", "ko": "지우기"},
    "board_title": {"zh": "排行榜", "en": "Leaderboard", "ko": "순위표"},
    "board_day": {"zh": "今日排行", "en": "Today", "ko": "오늘"},
    "board_week": {"zh": "本周排行", "en": "This week", "ko": "이번 주"},
    "board_empty": {"zh": "还没有人上榜", "en": "No one on the board yet", "ko": "아직 순위표에 아무도 없습니다"},
    "board_unavailable": {
        "zh": "排行榜暂时不可用",
        "en": "The board is not available right now",
        "ko": "지금은 순위표를 볼 수 없습니다",
    },
    "board_row": {
        "zh": "{rank}. {nickname}  {score} 分",
        "en": "{rank}. {nickname}  {score}",
        "ko": "{rank}. {nickname}  {score}점",
    },
    "again": {"zh": "再玩一次", "en": "Play again", "ko": "다시 하기"},
    "home": {"zh": "返回首页", "en": "Home", "ko": "처음으로"},
    "still_there": {
        "zh": "还在吗？轻触屏幕继续（{seconds} 秒）",
        "en": "Still there? Touch the screen to continue ({seconds} s)",
        "ko": "계신가요? 계속하려면 화면을 누르세요 ({seconds}초)",
    },
    "scan_phone": {"zh": "扫码用手机答题", "en": "Scan to play on your phone", "ko": "휴대폰으로 스캔해 참여하세요"},
    "continue": {"zh": "继续答题", "en": "Continue", "ko": "계속"},
    "final_score": {
        "zh": "答题结束：答对 {correct} / {total} 题，得分 {score} / {max_score}",
        "en": "Finished: {correct} of {total} right, {score} of {max_score} points",
        "ko": "끝: {total}문제 중 {correct}개 정답, {max_score}점 중 {score}점",
    },
    "ask_single": {
        "zh": "请输入一个字母（如 A）",
        "en": "Type one letter (like A)",
        "ko": "글자 하나를 입력하세요 (예: A)",
    },
    "ask_multiple": {
        "zh": "请输入所有正确选项的字母（如 AC）",
        "en": "Type every right letter (like AC)",
        "ko": "정답 글자를 모두 입력하세요 (예: AC)",
    },
    "ask_truefalse": {
        "zh": "请输入 T（正确）或 F（错误）",
        "en": "Type T (true) or F (false)",
        "ko": "T(참) 또는 F(거짓)를 입력하세요",
    },
    "unreadable": {
        "zh": "没看懂“{text}”。",
        "en": "Could not read '{text}'.",
        "ko": "'{text}'을(를) 읽을 수 없습니다.",
    },
    "accessible": {
        "zh": "无障碍答题：不限时、大字、朗读题目",
        "en": "Accessible quiz: no time limit, large text, read aloud",
        "ko": "접근성 퀴즈: 시간 제한 없음, 큰 글씨, 읽어 주기",
    },
    "accessible_on": {
        "zh": "无障碍答题已开启（再按关闭）",
        "en": "Accessible quiz is on (touch to turn off)",
        "ko": "접근성 퀴즈 켜짐 (누르면 꺼짐)",
    },
    "board_accessible": {"zh": "（无障碍）", "en": " (accessible)", "ko": " (접근성)"},
    "done": {"zh": "完成", "en": "Done", "ko": "완료"},
}


#: each language's name in itself (the kiosk's language button names the next one)
LANGUAGE_NAMES: Mapping[str, str] = {"zh": "中文", "en": "English", "ko": "한국어"}


def phrase(key: str, lang: str, **values: object) -> str:
    """The phrase in ``lang`` (English when that language has none), filled in."""
    table = PHRASES[key]
    text = table.get(lang) or table.get("en") or next(iter(table.values()))
    return text.format(**values) if values else text

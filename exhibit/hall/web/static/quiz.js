"use strict";
// The quiz on a visitor's phone: the hall keeps the clock and the score; this page shows them.
const WORDS = {
  zh: { title: "党史知识问答", intro: "无需登录，不保存个人信息。", start: "开始答题", accessible: "无障碍模式：不限时、大字、高对比度、朗读题目",
        submit: "提交", next: "下一题", last: "查看成绩", right: "回答正确！", wrong: "回答错误。正确答案：", timeout: "时间到。正确答案：",
        result: "得分 {score} / {max}", note: "答对 {correct} 题。留下昵称即可上榜（可不填）。", save: "上榜", saved: "已上榜：{name}",
        again: "再来一轮", read: "朗读题目", question: "第 {n} / {count} 题", score: "得分 {score}",
        accessible_rank: "无障碍模式的成绩单独排名。" },
  en: { title: "Party history quiz", intro: "No login; nothing personal is kept.", start: "Start",
        accessible: "Accessible mode: no time limit, large type, high contrast, read aloud",
        submit: "Submit", next: "Next", last: "See my score", right: "Correct!", wrong: "Not quite. The answer: ",
        timeout: "Time is up. The answer: ", result: "Score {score} / {max}",
        note: "{correct} correct. Leave a nickname to join today's board (optional).", save: "Join the board",
        saved: "On the board as {name}", again: "Play again", read: "Read aloud", question: "Question {n} of {count}",
        score: "Score {score}", accessible_rank: "Accessible rounds are ranked on their own." },
};
const $ = (id) => document.getElementById(id);
let lang = navigator.language.startsWith("zh") ? "zh" : "en";
let round = null, question = null, picked = new Set(), timer = null, answered = false, state = null;
const w = (key, values) => {
  let text = (WORDS[lang] || WORDS.en)[key];
  for (const [k, v] of Object.entries(values || {})) text = text.replace(`{${k}}`, v);
  return text;
};

function words() {
  document.documentElement.lang = lang;
  for (const [id, key] of [["title", "title"], ["intro", "intro"], ["start", "start"], ["accessible-label", "accessible"],
    ["submit", "submit"], ["read-aloud", "read"], ["save", "save"], ["again", "again"]]) $(id).textContent = w(key);
  $("langs").replaceChildren(...["zh", "en"].map((code) => {
    const b = document.createElement("button");
    b.type = "button"; b.textContent = code === "zh" ? "中文" : "English"; b.dataset.lang = code;
    b.className = code === lang ? "primary" : "";
    b.addEventListener("click", () => { lang = code; words(); });
    return b;
  }));
}

async function call(path, body) {
  const reply = await fetch(`/quiz/api/${path}`, { method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const data = await reply.json();
  $("error").textContent = data.ok ? "" : data.error;
  return data;
}

function show(screen) {
  for (const id of ["start-screen", "question-screen", "result-screen"]) $(id).hidden = id !== screen;
}

async function start() {
  const accessible = $("accessible").checked;
  document.documentElement.classList.toggle("accessible", accessible);
  const data = await call("start", { lang, accessible });
  if (!data.ok) return;
  round = data.round;
  $("read-aloud").hidden = !accessible;
  present(data);
}

function present(data) {
  state = data;
  question = data.question;
  if (!question) return finish(data);
  show("question-screen");
  picked = new Set(); answered = false;
  $("counter").textContent = w("question", { n: question.position + 1, count: question.count });
  $("score-now").textContent = w("score", { score: data.score });
  $("stem").textContent = question.stem;
  $("feedback").textContent = "";
  $("next").hidden = true;
  $("submit").hidden = !question.multiple;
  $("options").replaceChildren(...question.options.map((text, i) => {
    const b = document.createElement("button");
    b.type = "button"; b.className = "option"; b.dataset.index = i;
    b.textContent = `${question.letters[i]}. ${text}`;
    b.addEventListener("click", () => choose(i));
    return b;
  }));
  runTimer(question.time_limit);
}

function runTimer(limit) {
  clearInterval(timer);
  $("timer").hidden = !limit;
  if (!limit) return;
  const began = performance.now();
  timer = setInterval(() => {
    const left = Math.max(0, 1 - (performance.now() - began) / 1000 / limit);
    $("timer-bar").style.width = `${(left * 100).toFixed(1)}%`;
    if (left <= 0) { clearInterval(timer); if (!answered) answer(true); }
  }, 100);
}

function choose(i) {
  if (answered) return;
  if (!question.multiple) { picked = new Set([i]); answer(false); return; }
  if (picked.has(i)) picked.delete(i); else picked.add(i);
  document.querySelectorAll(".option").forEach((b) => b.classList.toggle("picked", picked.has(Number(b.dataset.index))));
}

async function answer(timeout) {
  if (answered || (!timeout && picked.size === 0)) return;
  answered = true;
  clearInterval(timer);
  const body = { round, position: question.position, chosen: [...picked], timeout };
  const data = await call("answer", body);
  const next = data.ok ? data : data.state;
  if (!next) return;
  const fb = data.feedback || { correct: false, timed_out: true, correct_shown: [], explanation: null };
  document.querySelectorAll(".option").forEach((b) => {
    const i = Number(b.dataset.index);
    b.classList.toggle("right", fb.correct_shown.includes(i));
    b.classList.toggle("wrong", picked.has(i) && !fb.correct_shown.includes(i));
  });
  const answerText = fb.correct_shown.map((i) => question.letters[i]).join("");
  $("feedback").textContent = fb.correct ? w("right") : (fb.timed_out ? w("timeout") : w("wrong")) + answerText;
  if (fb.explanation) $("feedback").textContent += ` ${fb.explanation}`;
  $("next").textContent = next.question ? w("next") : w("last");
  $("next").hidden = false;
  $("next").onclick = () => present(next);
}

function finish(data) {
  show("result-screen");
  $("result").textContent = w("result", { score: data.score, max: data.max_score });
  $("result-note").textContent = w("note", { correct: data.correct })
    + (document.documentElement.classList.contains("accessible") ? ` ${w("accessible_rank")}` : "");
  $("saved").textContent = "";
}

$("start").addEventListener("click", start);
$("submit").addEventListener("click", () => answer(false));
$("read-aloud").addEventListener("click", () => {
  $("voice").src = `/quiz/api/speech?round=${encodeURIComponent(round)}&n=${question.position}`;
  $("voice").play().catch((err) => { $("error").textContent = String(err); });
});
$("save").addEventListener("click", async () => {
  const data = await call("nickname", { round, nickname: $("nickname").value });
  if (data.ok) $("saved").textContent = w("saved", { name: data.nickname || "–" });
});
$("again").addEventListener("click", () => { document.documentElement.classList.remove("accessible"); show("start-screen"); });
words();

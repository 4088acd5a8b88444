"use strict";
// The operator console: live from /api/events (server-sent events), commands as JSON POSTs.
const WORDS = {
  zh: { panic: "紧急停止", now: "正在播放", next: "下一场", stop: "停止", seek: "跳转", reset: "复位",
        schedule: "今日场次", effects: "特效通道", test_on: "联锁测试", test_off: "解除", nodes: "节点",
        quiz: "今日答题", journal: "日志", confirm_stop: "演出正在进行，确定停止吗？", cancel: "取消",
        standby: "待机", preshow: "准备开演", show: "演出中", postshow: "散场", attract: "循环播放",
        attempts: "答题次数", mean: "平均得分", phones: "手机答题中", panicked: "紧急停止已生效：所有特效处于安全值",
        unreachable: "特效主机无响应", disable: "禁用", enable: "启用", none: "无", offset: "时差", lag: "偏差", chapter: "下一章节",
        ad: "口述影像", accessible: "无障碍答题", rounds: "轮", ago: "前", min: "分钟", sec: "秒" },
  en: { panic: "PANIC", now: "Now playing", next: "Next show", stop: "STOP", seek: "Seek", reset: "RESET",
        schedule: "Today's shows", effects: "Effect channels", test_on: "Interlock test", test_off: "Clear",
        nodes: "Nodes", quiz: "Quiz today", journal: "Journal", confirm_stop: "A show is playing. Stop it?",
        cancel: "Cancel", standby: "Standby", preshow: "Preshow", show: "Show", postshow: "Postshow",
        attract: "Attract loop", attempts: "Attempts", mean: "Mean score", phones: "Rounds on phones",
        panicked: "PANIC holds: every effect at its safe value", unreachable: "Effects host does not answer",
        disable: "Disable", enable: "Enable", none: "none", offset: "offset", lag: "behind", chapter: "Next chapter",
        ad: "Audio description", accessible: "Accessible quiz", rounds: "rounds", ago: "ago", min: "min",
        sec: "s" },
};
let ui = localStorage.getItem("exhibit-ui") || (navigator.language.startsWith("zh") ? "zh" : "en");
let last = null;
const $ = (id) => document.getElementById(id);
const t = (key) => (WORDS[ui] || WORDS.en)[key] || key;

function clockText(s) {
  if (s === null || s === undefined) return "–";
  const m = Math.floor(s / 60), r = Math.floor(s % 60);
  return `${m}:${String(r).padStart(2, "0")}`;
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v; else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function fillSelect(select, values) {
  const keep = select.value;
  if ([...select.options].map((o) => o.value).join() === values.join()) return;
  select.replaceChildren(...values.map((v) => el("option", { value: v }, v)));
  if (values.includes(keep)) select.value = keep;
}

function render(data) {
  last = data;
  const s = data.status;
  document.documentElement.lang = ui;
  document.querySelectorAll("[data-t]").forEach((n) => { n.textContent = t(n.dataset.t); });
  $("ui-lang").textContent = ui === "zh" ? "EN" : "中文";
  $("hall-name").textContent = s.hall;
  $("clock").textContent = (s.time || "").slice(11, 19);
  $("state").textContent = t(s.state) + (s.panic ? " · PANIC" : "");
  $("scene").textContent = s.scene || "";
  const extras = (s.audio_description ? ", AD" : "") + (s.accessible_quiz ? ", " + t("accessible") : "");
  $("lang").textContent = s.lang ? `(${s.lang}${extras})` : "";
  $("show-time").textContent = clockText(s.show_time);
  $("duration").textContent = clockText(s.duration);
  const share = s.show_time && s.duration ? Math.min(1, s.show_time / s.duration) : 0;
  $("progress").style.width = `${(share * 100).toFixed(1)}%`;
  $("next-show").textContent = s.next_show ? `${s.next_show.at.slice(11, 16)} ${s.next_show.scene}` : "–";
  const c = data.next_chapter;
  $("next-chapter").textContent = c ? `${clockText(c.at)} (${Math.ceil(c.in_s)}s) ${c.text}` : "–";
  const effects = s.effects || {};
  const banner = effects.panic || s.panic ? t("panicked") : (!effects.reachable ? t("unreachable") : "");
  $("banner").textContent = banner;
  $("banner").classList.toggle("on", Boolean(banner));
  fillSelect($("scene-select"), data.scenes);
  fillSelect($("lang-select"), data.languages);
  fillSelect($("input-select"), data.inputs);
  $("attract").textContent = `${t("attract")}: ${s.attract || t("none")}`;
  $("schedule").replaceChildren(...data.schedule.map((slot) =>
    el("tr", { class: slot.past ? "dim" : "" }, el("td", {}, slot.at), el("td", {}, slot.scene))));
  $("effects-health").textContent = effects.reachable === false ? t("unreachable")
    : `ok: ${effects.ok} · heartbeat: ${Object.entries(effects.sources || {}).map(([k, v]) => `${k} ${v}s`).join(", ")}`;
  $("channels").classList.toggle("panicked", Boolean(effects.panic));
  $("channels").replaceChildren(...data.channels.map(channelRow));
  $("nodes").replaceChildren(...data.nodes.map((n) => el("tr", {},
    el("td", {}, n.name), el("td", { class: n.state }, n.state),
    el("td", { class: "dim" }, n.silent_s === null ? "" : `${n.silent_s}s`),
    el("td", { class: "dim" }, n.offset_ms == null ? "" : `${t("offset")} ${n.offset_ms} ms`),
    el("td", { class: "dim" }, n.error_ms == null ? "" : `${t("lag")} ${n.error_ms} ms`))));
  const q = data.quiz;
  $("quiz").replaceChildren(
    el("div", {}, `${t("attempts")}: `, el("b", { id: "quiz-attempts" }, q.attempts)),
    el("div", {}, `${t("mean")}: ${q.mean === null ? "–" : Math.round(q.mean * 100) + "%"}`),
    el("div", { class: "dim" }, `${t("phones")}: ${q.rounds_on_phones}`),
    el("table", { id: "kiosks" }, ...(q.kiosks || []).map((k) => el("tr", {},
      el("td", {}, k.kiosk), el("td", {}, `${k.rounds} ${t("rounds")}`),
      el("td", { class: "dim" }, `${ago(k.ago_s)}`)))));
  $("journal").replaceChildren(...data.journal.slice().reverse().map((r) => el("div", {},
    `${(r.ts || "").slice(11, 19)} ${r.event} ${r.scene || r.name || r.command || r.error || r.warning || ""}`)));
}

function ago(seconds) {  // "3 min ago", "3 分钟前"
  const amount = seconds < 120 ? `${seconds} ${t("sec")}` : `${Math.round(seconds / 60)} ${t("min")}`;
  return ui === "zh" ? amount + t("ago") : `${amount} ${t("ago")}`;
}

function bar(level) {
  const fill = el("div", {});
  fill.style.width = `${(level * 100).toFixed(0)}%`;  // a style property: the CSP allows no inline style attribute
  return fill;
}

function channelRow(c) {
  const why = c.disabled ? "disabled" : c.held || "";
  return el("div", { class: "channel", "data-name": c.name, "data-level": c.level },
    el("span", {}, c.name),
    el("div", { class: "bar" }, bar(c.level)),
    el("span", { class: "level" }, c.level.toFixed(2)),
    el("span", {}, el("span", { class: "held" }, why, " "),
      el("button", { type: "button", class: "toggle", onclick: () =>
        send(c.disabled ? "enable" : "disable", { name: c.name }) }, c.disabled ? t("enable") : t("disable"))));
}

async function send(op, body) {
  try {
    const reply = await fetch(`/${op}`, { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(body || {}) });
    const data = await reply.json();
    if (!data.ok) flash(data.error || reply.statusText);
    if (reply.status === 403 || reply.status === 401) location.href = "/login";
  } catch (err) { flash(String(err)); }
}

function flash(text) {
  $("banner").textContent = text;
  $("banner").classList.add("on");
}

$("panic").addEventListener("pointerdown", (e) => { e.preventDefault(); send("panic"); });
$("panic").addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") send("panic"); });
$("go").addEventListener("click", () => send("go", {
  scene: $("scene-select").value, lang: $("lang-select").value, audio_description: $("ad").checked,
  accessible_quiz: $("accessible").checked,
}));
$("stop").addEventListener("click", () => {
  if (last && last.status.state === "show") $("confirm").showModal(); else send("stop");
});
$("confirm-yes").addEventListener("click", () => { $("confirm").close(); send("stop"); });
$("confirm-no").addEventListener("click", () => $("confirm").close());
$("seek-go").addEventListener("click", () => send("seek", { t: Number($("seek").value) }));
$("reset").addEventListener("click", () => send("reset"));
$("input-on").addEventListener("click", () => send("input", { name: $("input-select").value, active: true }));
$("input-off").addEventListener("click", () => send("input", { name: $("input-select").value, active: false }));
$("ui-lang").addEventListener("click", () => {
  ui = ui === "zh" ? "en" : "zh";
  localStorage.setItem("exhibit-ui", ui);
  if (last) render(last);
});

function listen() {
  const stream = new EventSource("/api/events");
  stream.onmessage = (e) => render(JSON.parse(e.data));
  stream.onerror = () => { stream.close(); setTimeout(listen, 1000); };
}
listen();

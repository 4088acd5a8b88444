"use strict";
// The big screen: today's ranking, refreshed every few seconds; both languages take turns.
const WORDS = {
  zh: { title: "今日排行", attempts: "今日答题人次", hardest: "本周最难的题", scenes: "今日放映", scan: "扫码用手机答题",
        empty: "还没有人上榜，快来答题！", shows: "场",
        choices: "今日观众的选择", option: "选项", hotspots: "今日打开的展品说明", times: "次" },
  en: { title: "Today's ranking", attempts: "Quiz rounds today", hardest: "Hardest questions this week", scenes: "Scenes today",
        scan: "Scan to play on your phone", empty: "Nobody on the board yet: be the first!", shows: "shows",
        choices: "What visitors chose today", option: "option", hotspots: "Info cards opened today", times: "times" },
};
const LANGS = ["zh", "en"];
let turn = 0;
const $ = (id) => document.getElementById(id);

function row(cells, tag) {
  const tr = document.createElement("tr");
  for (const c of cells) { const td = document.createElement(tag || "td"); td.textContent = c; tr.append(td); }
  return tr;
}

async function refresh() {
  const lang = LANGS[Math.floor(turn / 3) % LANGS.length];
  turn += 1;
  const w = WORDS[lang];
  try {
    const data = await (await fetch(`/api/board?lang=${lang}`)).json();
    document.documentElement.lang = lang;
    $("title").textContent = w.title;
    $("attempts-label").textContent = w.attempts;
    $("attempts").textContent = data.attempts_today;
    $("scan").textContent = w.scan;
    $("hardest-label").textContent = w.hardest;
    $("scenes-label").textContent = w.scenes;
    $("ranking").replaceChildren(...data.ranking.map((r) => row([r.rank, r.nickname, `${r.score}`, `${r.correct}/${r.asked}`])));
    $("empty").textContent = data.ranking.length ? "" : w.empty;
    $("hardest").replaceChildren(...data.hardest.map((h) => {
      const li = document.createElement("li");
      li.textContent = `${h.stem} (${Math.round(h.facility * 100)}%)`;
      return li;
    }));
    $("scenes").replaceChildren(...data.scenes.map((s) => row([s.scene, `${s.shows} ${w.shows}`])));
    $("choices-label").textContent = w.choices;
    $("choices-label").hidden = !data.choices.length;
    $("choices").replaceChildren(...data.choices.map((c) =>
      row([`${c.scene} · ${c.choice}`, `${w.option} ${c.option + 1}`, `${c.picked} ${w.times}`])));
    $("hotspots-label").textContent = w.hotspots;
    $("hotspots-label").hidden = !data.hotspots.length;
    $("hotspots").replaceChildren(...data.hotspots.map((h) => row([`${h.scene} · ${h.object}`, `${h.opened} ${w.times}`])));
  } catch (err) { /* the next refresh tries again */ }
}
refresh();
setInterval(refresh, 3000);

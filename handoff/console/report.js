/*
 * The supervisor's service report (服务报表) in the console: GET /api/report for
 * today, the last 7 or the last 30 days, shown in a dialog. The console mounts it
 * with its API client and its labels (reasons, teams, resolutions).
 */
(function (global) {
  "use strict";

  const { h, $, asText } = global.KefuStaff;

  const PERIODS = [
    { key: "today", label: "今天", days: 1 },
    { key: "7d", label: "近7天", days: 7 },
    { key: "30d", label: "近30天", days: 30 },
  ];

  /** Local midnight `days - 1` days ago, so 「今天」 starts at 00:00 of the agent's day. */
  function sinceFor(days, now) {
    const start = new Date(now);
    start.setHours(0, 0, 0, 0);
    start.setDate(start.getDate() - (days - 1));
    return start;
  }

  /** 45秒, 2分05秒, 1小时02分; — when there is nothing to measure. */
  function duration(seconds) {
    if (seconds === null || seconds === undefined) return "—";
    const s = Math.round(Number(seconds));
    if (s < 60) return `${s}秒`;
    if (s < 3600) return `${Math.floor(s / 60)}分${String(s % 60).padStart(2, "0")}秒`;
    return `${Math.floor(s / 3600)}小时${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}分`;
  }

  function percent(share) {
    return share === null || share === undefined ? "—" : `${(share * 100).toFixed(1)}%`;
  }

  function card(testid, title, value, note, tone) {
    return h("div", { class: `report-card${tone ? ` report-card--${tone}` : ""}`, dataset: { testid } }, [
      h("div", { class: "report-card-title", text: title }),
      h("div", { class: "report-card-value", text: value }),
      h("div", { class: "report-card-note", text: note || "" }),
    ]);
  }

  /** A card with a link under its note (「查看差评」 opens those chats), if `text`. */
  function withLink(el, text, onclick) {
    if (text && onclick) el.appendChild(h("button", { type: "button", class: "link-btn", "data-testid": "report-unhappy", text, onclick }));
    return el;
  }

  function table(testid, caption, head, rows) {
    return h("table", { class: "report-table", dataset: { testid } }, [
      h("caption", { text: caption }),
      h("thead", {}, [h("tr", {}, head.map((text) => h("th", { scope: "col", text })))]),
      h(
        "tbody",
        {},
        rows.length
          ? rows.map((cells) => h("tr", {}, cells.map((text) => h("td", { text: asText(text) }))))
          : [h("tr", {}, [h("td", { colspan: String(head.length), class: "report-none", text: "暂无" })])],
      ),
    ]);
  }

  function counted(counts, labels) {
    return Object.entries(counts || {})
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([code, n]) => [labels[code] || code || "—", n]);
  }

  function render(report, labels, onUnhappy) {
    const c = report.conversations;
    const m = report.messages;
    const t = report.tickets;
    const w = report.waits;
    const csat = report.csat;
    const p = report.promises;
    const urgentMissed = w.urgent_never_taken > 0;
    const cards = h("div", { class: "report-cards" }, [
      card("report-conversations", "咨询会话", String(c.total), `转人工 ${c.handed_off}`),
      card("report-bot-only", "机器人独立接待", percent(c.bot_only_share), `${c.bot_only} 个会话无需人工`, "ok"),
      card(
        "report-not-understood",
        "未理解消息",
        percent(m.not_understood_share),
        `${m.not_understood} / ${m.answered_by_bot} 条机器人接待的消息，另有 ${m.unsure} 条不确定`,
      ),
      card("report-to-agent", "转人工后接入", duration(w.to_agent.median), `中位数；P90 ${duration(w.to_agent.p90)}`),
      card(
        "report-first-reply",
        "首次人工回复",
        duration(w.to_first_reply.median),
        `中位数；P90 ${duration(w.to_first_reply.p90)}`,
      ),
      card(
        "report-urgent",
        "紧急工单接入",
        duration(w.urgent_to_agent.max),
        urgentMissed
          ? `${w.urgent_never_taken} 个紧急工单无人接入`
          : `最长等待；共 ${t.by_priority.urgent || 0} 个紧急工单`,
        urgentMissed ? "danger" : "",
      ),
      withLink(
        card(
          "report-csat",
          "满意度",
          csat.average === null ? "—" : `${csat.average.toFixed(2)} 分`,
          `${csat.rated} 人评价，满意（4–5分）${percent(csat.satisfied_share)}`,
        ),
        csat.scores["1"] + csat.scores["2"] > 0 ? "查看差评" : null,
        onUnhappy,
      ),
      card(
        "report-promises",
        "承诺按时兑现",
        percent(p.kept_share),
        `到期 ${p.due}，逾期 ${p.overdue + p.kept_late}，待兑现 ${p.open}${p.cancelled ? `，随会话关闭未兑现 ${p.cancelled}` : ""}`,
        p.overdue > 0 ? "warn" : "",
      ),
    ]);
    const agents = (report.agents || []).map((a) => [
      a.name,
      a.tickets,
      a.passed_on,
      a.closed,
      duration(a.to_first_reply.median),
      a.csat_average === null ? "—" : `${a.csat_average.toFixed(2)}（${a.rated}人）`,
    ]);
    return h("div", { class: "report-body" }, [
      cards,
      h("div", { class: "report-tables" }, [
        table("report-reasons", `转人工原因（共 ${t.opened} 个工单）`, ["原因", "工单"], counted(t.by_reason, labels.reasons)),
        table("report-teams", "各组工单", ["组", "工单"], counted(t.by_team, labels.teams)),
        table(
          "report-resolutions",
          `处理结果（已结束 ${t.closed}，进行中 ${t.open_now}）`,
          ["结果", "工单"],
          counted(t.by_resolution, labels.resolutions),
        ),
      ]),
      table("report-agents", "客服", ["客服", "接待", "转出", "已结束", "首次回复（中位）", "满意度"], agents),
      h("p", {
        class: "report-foot",
        text: "会话按顾客在所选时段内发过消息计；工单、等待、回复、满意度按所选时段内新建的工单计；转接的工单每位接待过的客服都计一次，结束和满意度计给最后接待的客服；承诺按到期时间计。",
      }),
    ]);
  }

  /**
   * Wire the report dialog: `open` shows it, the period buttons reload it.
   * `api(path)` is the console's API client; `labels` its display names;
   * `onUnhappy()` opens the chats rated 1–2.
   */
  function mount({ api, labels, onUnhappy = null, clock = () => new Date() }) {
    const dialog = $("report-dialog");
    const content = $("report-content");
    const buttons = PERIODS.map((period) =>
      h("button", {
        class: "seg-btn",
        type: "button",
        "aria-pressed": "false",
        dataset: { period: period.key },
        text: period.label,
        onclick: () => load(period),
      }),
    );
    $("report-periods").replaceChildren(...buttons);
    $("report-close").addEventListener("click", () => dialog.close());
    let loading = 0;

    async function load(period) {
      const ticket = ++loading;
      buttons.forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.period === period.key)));
      content.replaceChildren(h("p", { class: "report-status", text: "统计中…" }));
      const now = clock();
      const query = new URLSearchParams({
        since: sinceFor(period.days, now).toISOString(),
        until: now.toISOString(),
      });
      try {
        const report = await api(`/api/report?${query}`);
        if (ticket === loading) content.replaceChildren(render(report, labels, onUnhappy));
      } catch (err) {
        if (ticket !== loading) return;
        const why = err && err.message ? err.message : "网络错误";
        content.replaceChildren(h("p", { class: "report-status report-status--error", text: `报表加载失败：${why}` }));
      }
    }

    return {
      open() {
        if (typeof dialog.showModal === "function") dialog.showModal();
        else dialog.setAttribute("open", "");
        load(PERIODS[0]);
      },
    };
  }

  global.KefuReport = { mount, duration, sinceFor };
})(window);

/*
 * 历史会话 in the console: tickets past and present, filtered (closed, team, mine, unhappy
 * ratings, a shopper), with the whole transcript of the one picked. Supervisors see
 * everything; agents see other agents' tickets masked, as the API gives them.
 */
(function (global) {
  "use strict";

  const { h, $, asText, parseTime, fmtTime, label } = global.KefuStaff;
  const PAGE = 50;

  /**
   * Wire the dialog. `api(path)` is the console's API client, `renderMessage(m, {shopper})`
   * its transcript renderer, `shopperName(ticket)` the name its lists give a ticket's shopper,
   * `labels` its display names, `me()` the logged-in agent.
   */
  function mount({ api, renderMessage, shopperName, labels, me }) {
    const dialog = $("history-dialog");
    const list = $("history-list");
    const more = $("history-more");
    const detail = $("history-detail");
    const form = $("history-filters");
    const fields = {
      status: $("history-status"),
      team: $("history-team"),
      mine: $("history-mine"),
      unhappy: $("history-unhappy"),
      shopper: $("history-shopper"),
    };
    for (const [code, name] of Object.entries(labels.teams)) {
      fields.team.appendChild(h("option", { value: code, text: name }));
    }
    let offset = 0;
    let loading = 0;

    function query() {
      const q = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
      if (fields.status.value) q.set("status", fields.status.value);
      if (fields.team.value) q.set("team", fields.team.value);
      if (fields.mine.checked && me()) q.set("agent_id", String(me().id));
      if (fields.unhappy.checked) q.set("max_csat", "2");
      const shopper = fields.shopper.value.trim();
      if (shopper) q.set("shopper_id", shopper);
      return q;
    }

    function row(t) {
      const at = parseTime(t.closed_at || t.created_at);
      const result = t.resolution_code ? label(labels.resolutions, t.resolution_code) : label(labels.statuses, t.status);
      return h("li", {}, [
        h(
          "button",
          { type: "button", class: "history-row", "data-testid": "history-row", onclick: () => show(t.id) },
          [
            h("span", { class: "history-row-id", text: `#${t.id}` }),
            h("span", { class: "history-row-main", text: `${t.shopper_id || "匿名顾客"} · ${label(labels.teams, t.team)} · ${label(labels.reasons, t.reason)}` }),
            h("span", { class: "history-row-result", text: t.csat ? `${result} · ${t.csat}分` : result }),
            h("span", { class: "history-row-time", text: at ? fmtTime(at) : "" }),
          ]
        ),
      ]);
    }

    async function search({ append = false } = {}) {
      const ticket = ++loading;
      if (!append) {
        offset = 0;
        list.replaceChildren(h("li", { class: "muted small", text: "查询中…" }));
      }
      try {
        const found = (await api(`/api/tickets?${query()}`)).tickets || [];
        if (ticket !== loading) return;
        if (!append) list.replaceChildren();
        list.append(...found.map(row));
        if (!list.childNodes.length) list.appendChild(h("li", { class: "muted small", text: "没有符合条件的会话" }));
        more.hidden = found.length < PAGE;
        offset += found.length;
      } catch (err) {
        if (ticket === loading) list.replaceChildren(h("li", { class: "dialog-error", text: `查询失败：${asText(err && err.message)}` }));
      }
    }

    async function show(ticketId) {
      detail.replaceChildren(h("p", { class: "muted small", text: "加载中…" }));
      try {
        const { ticket, transcript } = await api(`/api/tickets/${ticketId}`);
        const shopper = shopperName(ticket); // not the chat open in the centre's
        const facts = [
          `#${ticket.id} · ${label(labels.teams, ticket.team)} · ${label(labels.reasons, ticket.reason)}`,
          ticket.agent_name ? `客服：${ticket.agent_name}` : "未接入",
          ticket.resolution_code ? `结果：${label(labels.resolutions, ticket.resolution_code)}` : "",
          ticket.csat ? `满意度：${ticket.csat}分` : "",
        ].filter(Boolean);
        detail.replaceChildren(
          h("div", { class: "history-head", "data-testid": "history-head" }, [
            h("div", { text: facts.join(" · ") }),
            ticket.resolution_note ? h("div", { class: "muted small", text: `备注：${ticket.resolution_note}` }) : null,
          ]),
          h("ol", { class: "transcript history-transcript", "data-testid": "history-transcript" }, transcript.map((m) => renderMessage(m, { shopper })))
        );
      } catch (err) {
        detail.replaceChildren(h("p", { class: "dialog-error", text: `加载失败：${asText(err && err.message)}` }));
      }
    }

    form.addEventListener("submit", (e) => {
      e.preventDefault();
      search();
    });
    more.addEventListener("click", () => search({ append: true }));
    $("history-close").addEventListener("click", () => dialog.close());

    return {
      /** Open the dialog; `unhappy` starts with the tickets rated 1–2, `ticketId` shows that one. */
      open({ ticketId = null, unhappy = ticketId !== null } = {}) {
        fields.unhappy.checked = unhappy;
        detail.replaceChildren(h("p", { class: "muted small", text: "选择左侧的会话查看聊天记录" }));
        if (typeof dialog.showModal === "function") dialog.showModal();
        else dialog.setAttribute("open", "");
        search();
        if (ticketId !== null) show(ticketId);
      },
    };
  }

  global.KefuHistory = { mount };
})(window);

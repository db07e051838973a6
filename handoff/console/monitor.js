/*
 * 实时监控 in the console (supervisors): the conversations going on now — the bot's, the
 * queue's and the agents' — kept live while the dialog is open, one of them read live
 * (monitor_message), and 介入 (take_over) to make a bot conversation one's own.
 * Nothing here polls: the gateway names the conversations that changed (monitor_touched,
 * at most twice a second) and the dialog fetches just those rows (monitor_rows), one request
 * at a time and at most one a second, so the gateway computes rows only for consoles watching.
 */
(function (global) {
  "use strict";

  const { h, $, asText, isObject, label, parseTime, fmtTime, pad2 } = global.KefuStaff;
  const FILTERS = [
    { key: "all", label: "全部", keeps: () => true },
    { key: "bot", label: "机器人", keeps: (r) => r.handler === "bot" },
    { key: "queue", label: "排队中", keeps: (r) => r.handler === "queue" },
    { key: "agent", label: "人工", keeps: (r) => r.handler === "agent" },
    { key: "attention", label: "需关注", keeps: (r) => flagsOf(r).length > 0 },
  ];
  const PREVIEW_SHOWN = 40; // characters of the newest message a row shows
  const FETCH_GAP_MS = 1000; // between two monitor_rows: well within the gateway's rate limit
  const ROWS_PER_FETCH = 100; // the most monitor_rows takes
  const RETRIED = new Set(["rate_limited", "timeout"]); // worth asking again
  const NEAR_BOTTOM_PX = 40;

  /** The flags worth a supervisor's look, as [key, text, tone]. */
  function flagsOf(row) {
    const f = isObject(row.flags) ? row.flags : {};
    const out = [];
    if (f.urgent) out.push(["urgent", "紧急", "urgent"]);
    if (Number(f.not_understood) > 0) out.push(["not_understood", `未理解×${Number(f.not_understood)}`, "warn"]);
    if (f.asked_for_person) out.push(["asked_for_person", "要求人工", "warn"]);
    if (f.low_rating) out.push(["low_rating", `差评${Number(f.low_rating)}分`, "urgent"]);
    return out;
  }

  /** The same name the console's lists give a shopper: the account, or the visitor's session. */
  function shopperLabel(row) {
    if (row.shopper_id) return `顾客 ${asText(row.shopper_id)}`;
    return `访客 ${asText(row.conversation_id).slice(0, 6)}`;
  }

  function handlerText(row) {
    if (row.handler === "bot") return "机器人";
    if (row.handler === "queue") return "排队中";
    return `客服·${asText(row.agent_name) || "客服"}`;
  }

  function previewText(m) {
    if (!isObject(m)) return "";
    const who = { bot: "[机器人] ", agent: `[${asText(m.agent_name) || "客服"}] `, system: "[系统] " }[m.sender] || "";
    const text = asText(m.text).replace(/\s+/g, " ").trim();
    return who + (text.length > PREVIEW_SHOWN ? `${text.slice(0, PREVIEW_SHOWN)}…` : text);
  }

  function clock(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    return `${pad2(Math.floor(s / 60))}:${pad2(s % 60)}`;
  }

  /**
   * Wire the dialog. `emit(event, payload, opts)` is the console's acknowledged emit,
   * `renderMessage(m, {shopper})` its transcript renderer, `labels` its display names,
   * `me()` the logged-in user, `onTakenOver(ticket)` opens a ticket just taken in 我的会话
   * and `onOpenMine(ticket)` one this supervisor already holds.
   */
  function mount({ emit, renderMessage, labels, me, onTakenOver, onOpenMine }) {
    const dialog = $("monitor-dialog");
    const list = $("monitor-list");
    const count = $("monitor-count");
    const note = $("monitor-note");
    const head = $("monitor-head");
    const transcript = $("monitor-transcript");
    const scroller = $("monitor-scroll");
    const rows = new Map(); // conversation_id → row
    const taking = new Set(); // conversation ids being taken over by this console
    let filter = "all";
    let windowMs = 30 * 60 * 1000;
    let skew = 0; // the gateway's clock minus this browser's
    let reading = null; // {id, loading, early: [], seen: Set}
    let starting = 0;
    let drawPending = false;
    const stale = new Set(); // conversation ids whose rows are to be fetched
    let fetching = false;
    let fetchTimer = null;
    let lastFetch = 0;

    const filterButtons = FILTERS.map((f) =>
      h("button", {
        type: "button",
        class: "seg-btn",
        "aria-pressed": String(f.key === filter),
        dataset: { filter: f.key, testid: "monitor-filter" },
        onclick: () => {
          filter = f.key;
          draw();
        },
      })
    );
    $("monitor-filters").replaceChildren(...filterButtons);

    const now = () => Date.now() + skew;

    /** Listed while someone (queue, agent) has it, or the shopper wrote within the window. */
    function isLive(row) {
      if (row.ticket) return true;
      const at = parseTime(row.shopper_at);
      return Boolean(at) && now() - at.getTime() <= windowMs;
    }

    /** Keeps the newest version of a row: pushes may pass the snapshot on the wire. */
    function upsert(row) {
      if (!isObject(row) || !row.conversation_id) return;
      const had = rows.get(row.conversation_id);
      if (had && Number(had.version) > Number(row.version)) return;
      rows.set(row.conversation_id, row);
    }

    /** Fetch the touched rows once the last fetch is over and FETCH_GAP_MS old. */
    function scheduleFetch() {
      if (fetching || fetchTimer !== null || !stale.size) return;
      const wait = Math.max(0, lastFetch + FETCH_GAP_MS - Date.now());
      fetchTimer = setTimeout(fetchRows, wait);
    }

    async function fetchRows() {
      fetchTimer = null;
      if (!dialog.open || !stale.size) return;
      const ids = [...stale].slice(0, ROWS_PER_FETCH);
      ids.forEach((id) => stale.delete(id));
      fetching = true;
      lastFetch = Date.now();
      const mine = starting;
      const r = await emit("monitor_rows", { conversation_ids: ids }, { quiet: true });
      fetching = false;
      if (mine === starting) took(ids, r); // else closed or started again meanwhile
      scheduleFetch();
    }

    function took(ids, r) {
      if (r.ok) {
        const got = new Set();
        for (const row of Array.isArray(r.conversations) ? r.conversations : []) {
          upsert(row);
          if (isObject(row)) got.add(row.conversation_id);
        }
        for (const id of ids) if (!got.has(id)) rows.delete(id); // erased meanwhile
        scheduleDraw();
      } else if (RETRIED.has(r.error && r.error.code)) {
        ids.forEach((id) => stale.add(id));
      }
    }

    function scheduleDraw() {
      if (drawPending) return;
      drawPending = true;
      requestAnimationFrame(() => {
        drawPending = false;
        draw();
      });
    }

    function draw() {
      for (const [id, row] of rows) if (!isLive(row) && !(reading && reading.id === id)) rows.delete(id);
      const live = [...rows.values()].filter(isLive).sort((a, b) => Number(b.version) - Number(a.version));
      FILTERS.forEach((f, i) => {
        filterButtons[i].textContent = `${f.label} ${live.filter(f.keeps).length}`;
        filterButtons[i].setAttribute("aria-pressed", String(f.key === filter));
      });
      const shown = live.filter(FILTERS.find((f) => f.key === filter).keeps);
      count.textContent = String(live.length);
      list.replaceChildren(...shown.map(rowItem));
      if (!shown.length) list.appendChild(h("li", { class: "muted small monitor-empty", text: "暂无进行中的会话" }));
      drawHead();
    }

    function flagBadges(row) {
      return flagsOf(row).map(([key, text, tone]) =>
        h("span", { class: `tag monitor-flag monitor-flag--${tone}`, dataset: { flag: key, testid: "monitor-flag" }, text })
      );
    }

    function handlerChip(row) {
      const since = row.handler === "queue" && row.ticket ? parseTime(row.ticket.queued_at) : null;
      return h("span", { class: `monitor-handler monitor-handler--${row.handler}`, dataset: { testid: "monitor-handler" } }, [
        handlerText(row),
        since ? h("span", { class: "monitor-wait", dataset: { since: String(since.getTime()) }, text: ` ${clock(now() - since.getTime())}` }) : null,
      ]);
    }

    function rowItem(row) {
      const last = isObject(row.last_message) ? row.last_message : null;
      const at = parseTime(last ? last.at : row.shopper_at);
      const selected = reading && reading.id === row.conversation_id;
      return h("li", {}, [
        h(
          "button",
          {
            type: "button",
            class: `monitor-row${selected ? " is-selected" : ""}`,
            "aria-current": selected ? "true" : undefined,
            dataset: { testid: "monitor-row", conversationId: row.conversation_id, handler: row.handler },
            onclick: () => read(row.conversation_id),
          },
          [
            h("span", { class: "monitor-row-top" }, [
              handlerChip(row),
              h("span", { class: "monitor-row-shopper", text: shopperLabel(row) }),
              h("time", { class: "monitor-row-time", text: at ? fmtTime(at) : "" }),
            ]),
            h("span", { class: "monitor-row-last", dataset: { testid: "monitor-last" }, title: last ? asText(last.text) : "", text: previewText(last) }),
            flagsOf(row).length ? h("span", { class: "monitor-row-flags" }, flagBadges(row)) : null,
          ]
        ),
      ]);
    }

    function drawHead() {
      const row = reading ? rows.get(reading.id) : null;
      if (!reading || !row) {
        head.replaceChildren(h("p", { class: "muted small", text: "选择左侧的会话，实时查看聊天内容（只读）" }));
        return;
      }
      const t = row.ticket;
      const facts = [handlerText(row)];
      if (t) facts.push(`#${asText(t.id)}`, label(labels.teams, t.team), label(labels.reasons, t.reason));
      const mine = row.handler === "agent" && me() && String(row.agent_id) === String(me().id);
      let action = null;
      if (row.handler === "bot" || row.handler === "queue") {
        const busy = taking.has(row.conversation_id);
        action = h("button", {
          type: "button",
          class: "btn btn--sm btn--primary",
          dataset: { testid: "monitor-take-over" },
          disabled: busy,
          title: "由您接手这个会话：机器人停止回复，顾客会收到人工已接入的提示",
          text: busy ? "介入中…" : "介入",
          onclick: () => takeOver(row.conversation_id),
        });
      } else if (mine) {
        action = h("button", { type: "button", class: "btn btn--sm", text: "打开会话", onclick: () => onOpenMine(t) });
      }
      head.replaceChildren(
        h("div", { class: "monitor-head-main" }, [
          h("strong", { dataset: { testid: "monitor-title" }, text: shopperLabel(row) }),
          h("span", { class: "muted small", text: facts.join(" · ") }),
          h("span", { class: "tag tag--muted", text: "只读" }),
          ...flagBadges(row),
        ]),
        action
      );
    }

    function nearBottom() {
      return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= NEAR_BOTTOM_PX;
    }

    function append(m) {
      const id = m.message_id !== undefined && m.message_id !== null ? String(m.message_id) : "";
      if (id && reading.seen.has(id)) return;
      if (id) reading.seen.add(id);
      const follow = nearBottom();
      const row = rows.get(reading.id);
      transcript.appendChild(renderMessage(m, { shopper: row ? shopperLabel(row) : "顾客" }));
      if (follow) scroller.scrollTop = scroller.scrollHeight;
    }

    async function read(conversationId) {
      reading = { id: conversationId, loading: true, early: [], seen: new Set() };
      transcript.replaceChildren(h("li", { class: "muted small", text: "加载中…" }));
      draw();
      const mine = reading;
      const r = await emit("monitor_open", { conversation_id: conversationId });
      if (reading !== mine) return;
      transcript.replaceChildren();
      if (!r.ok) {
        transcript.appendChild(h("li", { class: "dialog-error", text: "无法打开该会话" }));
        return;
      }
      upsert(r.conversation);
      mine.loading = false;
      for (const m of Array.isArray(r.transcript) ? r.transcript : []) if (isObject(m)) append(m);
      for (const m of mine.early) append(m);
      mine.early = [];
      scroller.scrollTop = scroller.scrollHeight;
      draw();
    }

    async function takeOver(conversationId) {
      taking.add(conversationId);
      drawHead();
      const r = await emit("take_over", { conversation_id: conversationId });
      taking.delete(conversationId);
      if (r.ok && isObject(r.ticket)) {
        dialog.close();
        onTakenOver(r.ticket);
      } else drawHead();
    }

    async function start() {
      const mine = ++starting;
      rows.clear();
      stale.clear(); // the snapshot has them all
      note.textContent = "加载中…";
      draw();
      const r = await emit("monitor_start", {});
      if (mine !== starting || !dialog.open) return;
      if (!r.ok) {
        note.textContent = "无法加载实时会话";
        return;
      }
      windowMs = Math.max(1, Number(r.window_minutes) || 30) * 60 * 1000;
      const serverNow = parseTime(r.now);
      skew = serverNow ? serverNow.getTime() - Date.now() : 0;
      note.textContent = `机器人会话：顾客${Math.round(windowMs / 60000)}分钟内有发言；排队与人工会话全部列出`;
      for (const row of Array.isArray(r.conversations) ? r.conversations : []) upsert(row);
      draw();
      if (reading) read(reading.id);
    }

    function tick() {
      if (!dialog.open) return;
      for (const el of list.querySelectorAll("[data-since]")) {
        el.textContent = ` ${clock(now() - Number(el.dataset.since))}`;
      }
      if ([...rows.values()].some((row) => !isLive(row))) draw();
    }

    dialog.addEventListener("close", () => {
      starting++;
      reading = null;
      rows.clear();
      stale.clear();
      emit("monitor_stop", {}, { quiet: true });
    });
    $("monitor-close").addEventListener("click", () => dialog.close());
    setInterval(tick, 1000);

    return {
      open() {
        reading = null;
        transcript.replaceChildren();
        if (typeof dialog.showModal === "function") dialog.showModal();
        else dialog.setAttribute("open", "");
        start();
      },
      /** `monitor_touched`: conversations whose rows changed; fetched together, soon. */
      touched(d) {
        if (!dialog.open || !isObject(d) || !Array.isArray(d.conversation_ids)) return;
        for (const id of d.conversation_ids) if (typeof id === "string" && id) stale.add(id);
        scheduleFetch();
      },
      /** `monitor_message`: a new message of the conversation being read. */
      message(d) {
        if (!dialog.open || !isObject(d) || !isObject(d.message) || !reading) return;
        if (d.conversation_id !== reading.id) return;
        if (reading.loading) reading.early.push(d.message);
        else append(d.message);
      },
      /** After a (re)connect the gateway has forgotten what this console watched. */
      reconnected() {
        if (dialog.open) start();
      },
      /** Whether this console is taking the conversation over (its ack opens the ticket). */
      takingOver(conversationId) {
        return taking.has(conversationId);
      },
    };
  }

  global.KefuMonitor = { mount };
})(window);

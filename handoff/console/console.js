/*!
 * kefu agent console — plain ES2020, no build step, no framework.
 *
 * Served by the gateway at /console (console.html), /console/static/console.js and
 * /console/static/console.css; the socket.io client comes from /vendor/socket.io.min.js, the
 * helpers shared with the trainer page from /ui/staff.js (KefuStaff) and /ui/staff.css.
 * Speaks the REST API under /api and the socket.io namespace /agent (docs/agents.md).
 *
 * Security: everything that comes from shoppers, agents or the server is rendered as
 * text (textContent / createTextNode). innerHTML is never used.
 */
(function (global) {
  "use strict";

  const { h, $, asText, isObject, label, pad2, sameDay, parseTime, fmtTime, session } = global.KefuStaff;

  const TOKEN_KEY = "kefu.agent_token";
  const PRESENCE_KEY = "kefu.agent_presence";
  const ACK_TIMEOUT_MS = 10000;
  const MAX_LEN = 2000;
  const COUNTER_FROM = 1800;
  const TYPING_IDLE_MS = 3000; // agent_typing false this long after the last key
  const TYPING_RESEND_MS = 5000; // while typing, agent_typing true at most this often
  const SHOPPER_TYPING_TIMEOUT_MS = 15000;
  const TOAST_MS = 4500;
  const BASE_TITLE = "kefu 客服工作台";
  const URGENT_TITLE = "【紧急】新工单";
  const DEADLINE_TITLE = "【紧急】工单无人接入";
  const FRAUD_DEADLINE_TITLE = "【诈骗风险】工单无人接入";
  /** What a missed claim deadline is about (`claim_deadline_missed.deadline`). */
  const DEADLINE_KINDS = {
    urgent: { label: "紧急工单", title: DEADLINE_TITLE },
    fraud: { label: "诈骗风险工单", title: FRAUD_DEADLINE_TITLE },
  };
  const deadlineKind = (kind) => DEADLINE_KINDS[kind] || DEADLINE_KINDS.urgent;
  const FLASH_FOCUSED_MS = 6000; // when the window already has focus, flash briefly only
  const SENDERS = ["shopper", "bot", "agent", "system"];
  const IMAGE_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"];
  const MAX_IMAGE_BYTES = 700000; // the gateway's limit (docs/protocol.md)
  const MAX_TRANSFER_NOTE = 200; // the gateway's limit of a note for the receiving agent
  const WAITING_PREVIEW_SHOWN = 24; // characters of a waiting shopper's newest message in the queue row

  const PRIORITIES = {
    urgent: { label: "紧急", rank: 0 },
    high: { label: "高", rank: 1 },
    normal: { label: "普通", rank: 2 },
  };
  const REASONS = {
    requested: "顾客要求转人工",
    bot_not_understanding: "机器人未能理解",
    complaint: "投诉",
    account_security: "账号安全",
    emergency: "人身安全紧急",
    bot_unavailable: "系统故障",
    parcel_missing: "显示签收未收到",
    taken_over: "主管介入",
  };
  const TEAMS = { general: "通用", after_sales: "售后", security: "账号安全", safety: "安全专组" };
  /** 「售后组」, but 「安全专组」 as it is (not 「安全专组组」). */
  const teamGroup = (code) => {
    const name = label(TEAMS, code);
    return name.endsWith("组") ? name : `${name}组`;
  };
  const RESOLUTIONS = {
    resolved: "已解决",
    no_response: "顾客未回复",
    duplicate: "重复会话",
    other: "其他",
    handed_back: "已交还机器人",
    withdrawn: "顾客取消排队",
  };
  const ROLES = { agent: "客服", supervisor: "主管", trainer: "训练师" };
  const STATUSES = { queued: "排队中", assigned: "处理中", closed: "已结束" };
  const SAFETY_CATEGORIES = {
    violence: "暴力威胁",
    self_harm: "自伤风险",
    fire: "火灾",
    medical: "医疗急救",
    missing_person: "失联",
    fraud: "诈骗风险",
    complaint: "投诉",
  };
  const PROMISE_MAX_MINUTES = 10080; // 7 days, the gateway's limit
  const PROMISE_RED_MS = 5 * 60 * 1000; // countdown turns red this long before due
  const PROMISE_DONE = ["fulfilled", "cancelled", "canceled", "done"];
  const MAX_ALERTS_SHOWN = 3;
  const TIERS = { normal: "普通会员", silver: "银卡会员", gold: "金卡会员", platinum: "白金会员" };
  const ORDER_STATUS = {
    pending_payment: "待付款",
    paid: "待发货",
    shipped: "已发货",
    delivered: "已签收",
    completed: "已完成",
    cancelled: "已取消",
  };
  const REFUND_STATUS = {
    pending_review: "审核中",
    approved: "已同意，退款中",
    rejected: "已拒绝",
    refunded: "已退款",
  };
  // colour family of a status chip
  const STATUS_TONE = {
    pending_payment: "warn",
    paid: "info",
    shipped: "info",
    delivered: "ok",
    completed: "ok",
    cancelled: "muted",
    pending_review: "warn",
    approved: "info",
    rejected: "muted",
    refunded: "ok",
  };
  // Chinese text for the error codes of the gateway (its messages may be English).
  const ERROR_TEXT = {
    ticket_already_claimed: "已被其他客服接入",
    rate_limited: "操作太频繁，请稍后再试",
    timeout: "服务器无响应，请稍后重试",
    not_connected: "网络已断开，请等待重连后再试",
    unauthorized: "登录已失效，请重新登录",
    invalid_token: "登录已失效，请重新登录",
    ticket_not_found: "工单不存在",
    ticket_closed: "该会话已结束",
    agent_at_capacity: "您的会话数已达上限，请先结束部分会话",
    not_ticket_holder: "该会话不在您名下",
    team_not_allowed: "您不在该工单所属的组",
    concurrent_update: "工单状态刚刚发生变化，请重试",
    invalid_transfer: "转接目标无效",
    resolution_note_required: "紧急工单需填写处理说明",
    promise_not_found: "该承诺不存在或已处理",
    transfer_note_too_long: `转接备注最多 ${MAX_TRANSFER_NOTE} 字，请精简后再转接`,
    not_allowed: "仅主管可以使用该功能",
    conversation_not_found: "会话不存在或已被删除",
  };

  // ---------------------------------------------------------------- helpers

  function fmtDay(d, now = new Date()) {
    if (sameDay(d, now)) return "今天";
    const y = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
    if (sameDay(d, y)) return "昨天";
    if (d.getFullYear() === now.getFullYear()) return `${d.getMonth() + 1}月${d.getDate()}日`;
    return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日`;
  }

  /** Elapsed time as mm:ss (minutes keep counting past 59). */
  function fmtWait(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    return `${pad2(Math.floor(s / 60))}:${pad2(s % 60)}`;
  }

  /** How long a ticket has waited: 「已等 08:35」 reads as a wait, a bare 08:35 as a clock time. */
  function queuedFor(ms) {
    return `已等 ${fmtClock(ms)}`;
  }

  /** A countdown: mm:ss under an hour, h:mm:ss under a day, then "N天 hh:mm:ss". */
  function fmtClock(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    const d = Math.floor(s / 86400);
    const hh = Math.floor((s % 86400) / 3600);
    const mm = Math.floor((s % 3600) / 60);
    if (s < 3600) return `${pad2(mm)}:${pad2(s % 60)}`;
    if (!d) return `${hh}:${pad2(mm)}:${pad2(s % 60)}`;
    return `${d}天 ${pad2(hh)}:${pad2(mm)}:${pad2(s % 60)}`;
  }

  /** 30 → "30分钟", 60 → "1小时", 90 → "1小时30分钟", 1440 → "24小时", 2880 → "2天". */
  function durationText(min) {
    const m = Math.round(Number(min));
    if (!Number.isFinite(m) || m <= 0) return "";
    if (m <= 1440 && m % 60 === 0) return `${m / 60}小时`;
    if (m % 1440 === 0) return `${m / 1440}天`;
    if (m < 60) return `${m}分钟`;
    const d = Math.floor(m / 1440);
    const hh = Math.floor((m % 1440) / 60);
    const mm = m % 60;
    return `${d ? `${d}天` : ""}${hh ? `${hh}小时` : ""}${mm ? `${mm}分钟` : ""}`;
  }

  /** "今天 14:05", "明天 09:30", otherwise fmtTime. */
  function dueText(d, now = new Date()) {
    if (!d) return "";
    const hm = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
    if (sameDay(d, now)) return `今天 ${hm}`;
    const t = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
    if (sameDay(d, t)) return `明天 ${hm}`;
    return fmtTime(d, now);
  }

  /**
   * A time from an ISO string, or from the gateway's shop-local label "11月23日 14:05"
   * (Asia/Shanghai) when this browser is on UTC+8 too; otherwise null.
   */
  function parseAnyTime(v) {
    if (typeof v !== "string") return null;
    if (/^[0-9]{4}-[0-9]{2}-[0-9]{2}T/.test(v)) return parseTime(v);
    const m = /^(\d{1,2})月(\d{1,2})日\s*(\d{1,2}):(\d{2})$/.exec(v.trim());
    if (!m || new Date().getTimezoneOffset() !== -480) return null;
    const now = new Date();
    const d = new Date(now.getFullYear(), Number(m[1]) - 1, Number(m[2]), Number(m[3]), Number(m[4]));
    if (d.getTime() - now.getTime() > 86400000) d.setFullYear(d.getFullYear() - 1); // "12月31日" seen in January
    return d;
  }

  /** "刚刚", "12分钟前", "3小时前", "2天前"; "" for the future or an unknown time. */
  function agoText(d, now = Date.now()) {
    if (!d) return "";
    const s = Math.floor((now - d.getTime()) / 1000);
    if (s < -60) return "";
    if (s < 60) return "刚刚";
    if (s < 3600) return `${Math.floor(s / 60)}分钟前`;
    if (s < 86400) return `${Math.floor(s / 3600)}小时前`;
    return `${Math.floor(s / 86400)}天前`;
  }

  function yuan(fen) {
    const n = Number(fen);
    if (!Number.isFinite(n)) return "";
    const sign = n < 0 ? "-" : "";
    const a = Math.round(Math.abs(n));
    return `${sign}¥${Math.floor(a / 100)}.${pad2(a % 100)}`;
  }

  function key(id) {
    return asText(id);
  }

  /** The docs call it `name`; the gateway's AgentView calls it `display_name`. */
  function agentName(a) {
    return isObject(a) ? asText(a.name || a.display_name || a.username) : "";
  }

  /** Code of a value that may be a code ("gold") or already its label ("黄金会员"). */
  function codeOf(map, value) {
    const v = asText(value);
    if (Object.prototype.hasOwnProperty.call(map, v)) return v;
    for (const [k, l] of Object.entries(map)) if (l === v) return k;
    return "";
  }

  /** An ISO time shown as fmtTime, or a pre-formatted time string shown as it is. */
  function timeText(v) {
    if (v === undefined || v === null || v === "") return "";
    const d = typeof v === "string" && /^[0-9]{4}-[0-9]{2}-[0-9]{2}T/.test(v) ? parseTime(v) : null;
    return d ? fmtTime(d) : asText(v);
  }

  /** Money given in fen (`<field>_fen`) or already formatted (`<field>`). */
  function moneyText(obj, field) {
    if (obj[`${field}_fen`] !== undefined && obj[`${field}_fen`] !== null) return yuan(obj[`${field}_fen`]);
    return obj[field] !== undefined && obj[field] !== null ? asText(obj[field]) : "";
  }

  /** The summary may be a string, a list of strings or a list of message objects. */
  function summaryText(summary) {
    if (summary === undefined || summary === null) return "";
    if (Array.isArray(summary)) {
      return summary
        .map((s) => (isObject(s) ? asText(s.title || s.text) : asText(s)))
        .filter(Boolean)
        .join(" / ");
    }
    if (isObject(summary)) return asText(summary.text);
    return asText(summary);
  }

  /** Order items as one line: `item_summary`, a string `items` or a list of {name, quantity}. */
  function itemsText(o) {
    if (!isObject(o)) return "";
    let items = asText(o.item_summary);
    if (!items && typeof o.items === "string") items = o.items;
    if (!items && Array.isArray(o.items)) {
      items = o.items
        .map((i) => (isObject(i) ? `${asText(i.name || i.title)}${i.quantity !== undefined ? ` ×${asText(i.quantity)}` : ""}` : asText(i)))
        .filter(Boolean)
        .join("，");
    }
    return items;
  }

  /** A list of strings from a list or a single string. */
  function textList(v) {
    if (Array.isArray(v)) return v.map((x) => (isObject(x) ? asText(x.text || x.phrase) : asText(x))).filter(Boolean);
    const t = asText(v).trim();
    return t ? [t] : [];
  }

  /** Returns an absolute http(s) URL when `src` is safe to show as a link or image, else null. */
  function safeUrl(src) {
    if (typeof src !== "string" || !src.trim()) return null;
    try {
      const u = new URL(src.trim(), global.location.href);
      if (u.protocol === "http:" || u.protocol === "https:") return u.href;
    } catch (_) {
      /* not a URL */
    }
    return null;
  }

  // ---------------------------------------------------------------- state

  const state = {
    token: null,
    socket: null,
    agent: null,
    connected: false,
    helloSeen: false,
    presence: "online", // as shown; the gateway's word (hello, presence_changed) wins
    presenceWanted: null, // this tab's choice, sent in the socket's auth at every (re)connect
    mine: new Map(), // ticket key -> ticket (assigned to me), in arrival order
    unread: new Map(), // ticket key -> count
    last: new Map(), // ticket key -> last message
    names: new Map(), // ticket key -> shopper name (from context)
    pending: new Map(), // ticket key -> [local agent messages waiting for their ack]
    shopperTyping: new Set(), // ticket keys
    queue: [],
    canned: [],
    openId: null, // ticket key
    openSeq: 0,
    open: null, // {ticket, context, suggestions, loading, closed, gone, error}
    early: [], // ticket_message for the open ticket while it loads
    seen: new Set(), // message ids shown in the transcript
    lastDay: null, // date of the previous message in the transcript
    closingId: null, // ticket key this console is closing / handing back / transferring
    reassigned: null, // ticket key assigned back to us while we were transferring it
    claiming: new Set(),
    promises: new Map(), // promise key -> my open promise
    promiseTickets: new Map(), // ticket key -> ticket seen with a promise event (for labels)
    dueSoon: new Set(), // promise keys highlighted by promise_due_soon
    fulfilling: new Set(), // promise keys waiting for the fulfil_promise ack
    alerts: [], // banners: {id, kind: "deadline" | "promise", ...}, newest first
    safetyCollapsed: new Set(), // ticket keys whose safety panel is folded
    offers: new Map(), // ticket key -> {note, due_in_minutes}: a reply promised in words, not yet kept as a timer
    escalated: new Map(), // ticket key -> text: chats that left me for the safety team
  };

  const typing = { on: false, ticketId: null, lastSent: 0, timer: null };
  let shopperTypingTimer = null;
  let reconnectTimer = null;
  let reconnectDelay = 2000;
  let localSeq = 0;

  const els = {};

  // ---------------------------------------------------------------- toast

  let toast = null; // toast(text, tone = "info"), made in init() on #toast

  function errorText(error) {
    if (!isObject(error)) return "操作失败";
    if (error.code && Object.prototype.hasOwnProperty.call(ERROR_TEXT, error.code)) return ERROR_TEXT[error.code];
    return asText(error.message || error.code || "操作失败");
  }

  // ---------------------------------------------------------------- sound & title

  let audioCtx = null;

  function ensureAudio() {
    try {
      if (!audioCtx) {
        const AC = global.AudioContext || global.webkitAudioContext;
        if (!AC) return null;
        audioCtx = new AC();
      }
      if (audioCtx.state === "suspended") audioCtx.resume().catch(() => {});
      return audioCtx;
    } catch (_) {
      return null;
    }
  }

  /** Two short tones made with the Web Audio API (no audio files). */
  function beep() {
    const ctx = ensureAudio();
    if (!ctx) return;
    try {
      const t0 = ctx.currentTime + 0.02;
      for (const [start, freq] of [
        [0, 880],
        [0.18, 1175],
      ]) {
        const osc = ctx.createOscillator();
        const gain = ctx.createGain();
        osc.type = "sine";
        osc.frequency.value = freq;
        gain.gain.setValueAtTime(0.0001, t0 + start);
        gain.gain.exponentialRampToValueAtTime(0.25, t0 + start + 0.015);
        gain.gain.exponentialRampToValueAtTime(0.0001, t0 + start + 0.14);
        osc.connect(gain).connect(ctx.destination);
        osc.start(t0 + start);
        osc.stop(t0 + start + 0.16);
      }
    } catch (_) {
      /* audio is a nicety */
    }
  }

  let flashTimer = null;
  let flashStopTimer = null;

  function totalUnread() {
    let n = 0;
    for (const v of state.unread.values()) n += v;
    return n;
  }

  function baseTitle() {
    const n = totalUnread();
    return n ? `(${n > 99 ? "99+" : n}) ${BASE_TITLE}` : BASE_TITLE;
  }

  function updateTitle() {
    if (!flashTimer) document.title = baseTitle();
  }

  let flashText = URGENT_TITLE;

  function flashTitle(text = URGENT_TITLE) {
    clearTimeout(flashStopTimer);
    flashText = text;
    if (!flashTimer) {
      let on = true;
      document.title = flashText;
      flashTimer = setInterval(() => {
        on = !on;
        document.title = on ? flashText : baseTitle();
      }, 1000);
    } else {
      document.title = flashText;
    }
    if (document.hasFocus()) flashStopTimer = setTimeout(stopFlash, FLASH_FOCUSED_MS);
  }

  function stopFlash() {
    clearTimeout(flashStopTimer);
    clearInterval(flashTimer);
    flashTimer = null;
    document.title = baseTitle();
  }

  // ---------------------------------------------------------------- REST

  /** fetch JSON from the gateway; a 401 on an authenticated call ends the session. */
  const api = global.KefuStaff.apiClient({ token: () => state.token, onExpired: () => expireSession() });

  // ---------------------------------------------------------------- views

  let login = null; // the login card: {show(message), hide()}, made in init()
  let cannedEditor = null; // the supervisors' quick-reply editor, made in init()
  let history = null; // 历史会话, made in init()
  let monitor = null; // 实时监控 (supervisors), made in init()
  const drafts = global.KefuDrafts.mount({ owner: () => (state.agent ? state.agent.id : null) });

  function showLogin(message) {
    login.show(message);
    document.title = BASE_TITLE;
  }

  function showApp() {
    login.hide();
    renderAgent();
    renderMine();
    renderPromises();
    renderQueue();
    renderConv();
    renderAlerts();
  }

  /**
   * `loggedIn`: the password was just entered. Logging in starts 在线; a reload (stored token)
   * keeps this tab's choice, and the gateway keeps the agent's when the tab has none.
   */
  function startSession(token, agent, { loggedIn = false } = {}) {
    resetState();
    state.token = token;
    state.agent = agent;
    session.set(TOKEN_KEY, token);
    if (loggedIn) session.set(PRESENCE_KEY, "online");
    const stored = session.get(PRESENCE_KEY);
    state.presenceWanted = stored === "away" || stored === "online" ? stored : null;
    state.presence = state.presenceWanted || "online";
    showApp();
    connect();
    // Check the stored token early and fill in the name before `hello` arrives.
    if (!agent) {
      api("/api/me")
        .then((me) => {
          const a = isObject(me) && isObject(me.agent) ? me.agent : isObject(me) && isObject(me.user) ? me.user : me;
          if (!state.agent && isObject(a)) {
            state.agent = a;
            renderAgent();
          }
        })
        .catch(() => {
          /* 401 is handled in api(); anything else: the socket will tell */
        });
    }
  }

  function resetState() {
    if (state.socket) {
      state.socket.removeAllListeners();
      state.socket.disconnect();
    }
    clearTimeout(reconnectTimer);
    stopTyping(false);
    state.socket = null;
    state.agent = null;
    state.connected = false;
    state.helloSeen = false;
    state.mine.clear();
    state.unread.clear();
    state.last.clear();
    state.names.clear();
    drafts.forgetPage();
    state.pending.clear();
    state.shopperTyping.clear();
    state.queue = [];
    state.canned = [];
    state.openId = null;
    state.open = null;
    state.early = [];
    state.seen = new Set();
    state.closingId = null;
    state.claiming.clear();
    state.promises.clear();
    state.promiseTickets.clear();
    state.dueSoon.clear();
    state.fulfilling.clear();
    state.alerts = [];
    state.safetyCollapsed.clear();
    state.offers.clear();
    state.escalated.clear();
    els.input.value = "";
    if (els.promiseDialog.open) hidePromiseDialog();
    if (els.closeDialog.open) hideCloseDialog();
    if (els.handbackDialog.open) hideHandbackDialog();
    if (els.transferDialog.open) hideTransferDialog();
    if (els.reportDialog.open) els.reportDialog.close();
    if (els.cannedDialog.open) els.cannedDialog.close();
    if (els.historyDialog.open) els.historyDialog.close();
    if (els.monitorDialog.open) els.monitorDialog.close();
    renderAlerts();
    stopFlash();
  }

  function logout() {
    drafts.forgetAll(); // a shared computer: the next person does not find half-typed replies
    resetState();
    state.token = null;
    session.remove(TOKEN_KEY);
    session.remove(PRESENCE_KEY); // the next login starts 在线 (docs/agents.md)
    showLogin();
  }

  /** The token is no longer valid (401, refused connection, unauthorized ack). */
  function expireSession() {
    if (!state.token) return;
    resetState();
    state.token = null;
    session.remove(TOKEN_KEY);
    showLogin("登录已失效，请重新登录");
  }

  // ---------------------------------------------------------------- socket

  function setConn(s) {
    els.conn.dataset.state = s;
    els.connText.textContent =
      s === "connected" ? "已连接" : s === "disconnected" ? "网络断开，正在重连…" : s === "error" ? "组件加载失败" : "连接中…";
    updateComposer();
    updateActions();
  }

  function isUnauthorized(err) {
    if (!err) return false;
    if (isObject(err.data) && err.data.code === "unauthorized") return true;
    return /unauthori[sz]ed/i.test(asText(err.message));
  }

  /**
   * The socket's auth, read at every (re)connect: the token and this tab's 在线 / 离开. The
   * gateway records the status before it routes any chat, so a reload or a reconnect never
   * hands chats to an agent on a break (and a choice made while offline is not lost).
   */
  function socketAuth(cb) {
    const auth = { token: state.token };
    if (state.presenceWanted) auth.status = state.presenceWanted;
    cb(auth);
  }

  function connect() {
    if (typeof global.io !== "function") {
      setConn("error");
      toast("socket.io 客户端未加载（/vendor/socket.io.min.js），请刷新页面重试", "error");
      return;
    }
    setConn("connecting");
    const socket = global.io("/agent", { auth: socketAuth, transports: ["websocket", "polling"] });
    state.socket = socket;
    const on = (ev, fn) =>
      socket.on(ev, (...args) => {
        if (state.socket !== socket) return;
        try {
          fn(...args);
        } catch (e) {
          console.error(`[kefu console] ${ev} handler failed`, e);
        }
      });

    on("connect", () => {
      state.connected = true;
      reconnectDelay = 2000;
      setConn("connected");
    });
    on("disconnect", (reason) => {
      state.connected = false;
      setConn(state.helloSeen ? "disconnected" : "connecting");
      stopTyping(false);
      hideShopperTyping();
      // The client reconnects by itself, except when the server closed the connection.
      if (reason === "io server disconnect") scheduleReconnect();
    });
    on("connect_error", (err) => {
      state.connected = false;
      if (isUnauthorized(err)) {
        expireSession();
        return;
      }
      setConn(state.helloSeen ? "disconnected" : "connecting");
      if (!socket.active) scheduleReconnect();
    });

    on("hello", onHello);
    on("presence_changed", (d) => isObject(d) && adoptPresence(d.status));
    on("canned_updated", onCannedUpdated);
    on("queue_updated", (d) => {
      if (isObject(d) && Array.isArray(d.queue)) {
        state.queue = d.queue.filter(isObject);
        renderQueue();
        syncDeadlineAlerts();
      }
    });
    on("queue_message", (d) => isObject(d) && onQueueMessage(d));
    on("ticket_assigned", (d) => isObject(d) && isObject(d.ticket) && onTicketAssigned(d.ticket));
    on("ticket_message", (d) => isObject(d) && onTicketMessage(d));
    on("shopper_typing", (d) => isObject(d) && onShopperTyping(d));
    on("ticket_closed", (d) => isObject(d) && isObject(d.ticket) && onTicketClosed(d.ticket));
    on("urgent_ticket", (d) => onUrgent(isObject(d) && isObject(d.ticket) ? d.ticket : null));
    on("claim_deadline_missed", (d) => isObject(d) && isObject(d.ticket) && onDeadlineMissed(d.ticket, d.waited_seconds, d.deadline));
    on("promise_due_soon", (d) => isObject(d) && isObject(d.promise) && onPromiseDueSoon(d.promise, d.ticket));
    on("promise_overdue", (d) => isObject(d) && isObject(d.promise) && onPromiseOverdue(d.promise, d.ticket));
    on("promises_updated", (d) => isObject(d) && Array.isArray(d.promises) && onPromisesUpdated(d.promises));
    on("promise_followup", (d) => isObject(d) && isObject(d.promise) && onPromiseFollowup(d));
    on("ticket_escalated", (d) => isObject(d) && isObject(d.ticket) && onTicketEscalated(d));
    on("unhappy_rating", (d) => isObject(d) && isObject(d.ticket) && onUnhappyRating(d.ticket, d.score));
    on("monitor_touched", (d) => monitor.touched(d));
    on("monitor_message", (d) => monitor.message(d));
    on("console_error", (d) => {
      // every console_error also fails an ack, which shows the toast; just log it
      console.warn("[kefu console] console_error", d);
    });
  }

  function scheduleReconnect() {
    clearTimeout(reconnectTimer);
    const delay = reconnectDelay;
    reconnectDelay = Math.min(reconnectDelay * 2, 30000);
    const socket = state.socket;
    reconnectTimer = setTimeout(() => {
      if (socket && state.socket === socket && !socket.connected) socket.connect();
    }, delay);
  }

  /**
   * Emits with an acknowledgement and a 10 s timeout. Resolves to the ack
   * ({ok: true, ...}) or {ok: false, error: {code, message}}; failures show a toast
   * unless `quiet`.
   */
  function emit(event, payload, { quiet = false } = {}) {
    return new Promise((resolve) => {
      const socket = state.socket;
      const done = (r) => {
        if (!r.ok) {
          if (r.error && r.error.code === "unauthorized") {
            expireSession();
          } else if (!quiet) {
            toast(errorText(r.error), "error");
          }
        }
        resolve(r);
      };
      // Nothing is buffered while offline: a message sent twice is worse than one refused.
      if (!socket || !socket.connected) {
        done({ ok: false, error: { code: "not_connected", message: ERROR_TEXT.not_connected } });
        return;
      }
      socket.timeout(ACK_TIMEOUT_MS).emit(event, payload, (err, resp) => {
        if (state.socket !== socket) return resolve({ ok: false, error: { code: "stale" } });
        if (err) return done({ ok: false, error: { code: "timeout", message: ERROR_TEXT.timeout } });
        if (!isObject(resp)) return done({ ok: false, error: { code: "bad_ack", message: "服务器应答无效" } });
        if (resp.ok !== true) {
          return done({ ok: false, error: isObject(resp.error) ? resp.error : { code: "error", message: "操作失败" } });
        }
        return done(resp);
      });
    });
  }

  // ---------------------------------------------------------------- server events

  function onHello(d) {
    if (!isObject(d)) return;
    const first = !state.helloSeen;
    state.helloSeen = true;
    // socket.io delivers events buffered before the namespace CONNECT packet ahead of "connect"
    if (state.socket && state.socket.connected && !state.connected) {
      state.connected = true;
      setConn("connected");
    }
    if (isObject(d.agent)) state.agent = d.agent;

    const tickets = Array.isArray(d.tickets) ? d.tickets.filter((t) => isObject(t) && t.status !== "closed") : [];
    const mine = new Map();
    for (const t of tickets) {
      mine.set(key(t.id), t);
      // after a reload (or messages missed while reconnecting) the list previews each chat's
      // newest stored message, not the handoff summary
      const had = state.last.get(key(t.id));
      const stored = t.last_message;
      if (isObject(stored) && !(had && Number(had.message_id) >= Number(stored.message_id))) {
        state.last.set(key(t.id), stored);
      }
    }
    state.mine = mine;
    for (const k of [...state.unread.keys()]) if (!mine.has(k)) state.unread.delete(k);
    drafts.keepOnly(mine.keys()); // chats closed or moved while this tab was away
    state.queue = Array.isArray(d.queue) ? d.queue.filter(isObject) : [];
    state.canned = cannedList(d.canned);
    if (els.cannedDialog.open) cannedEditor.refresh();

    if (Array.isArray(d.promises)) {
      const promises = new Map();
      for (const p of d.promises) {
        if (isObject(p) && p.id !== undefined && p.id !== null && isOpenPromise(p) && isMyPromise(p)) {
          promises.set(key(p.id), p);
          if (isFullTicket(p.ticket)) state.promiseTickets.set(key(p.ticket.id), p.ticket);
        }
      }
      for (const k of [...state.dueSoon]) if (!promises.has(k)) state.dueSoon.delete(k);
      // my overdue banners of promises fulfilled meanwhile (e.g. in another tab) go away
      state.alerts = state.alerts.filter((a) => a.kind !== "promise" || !a.mine || promises.has(a.promiseKey));
      state.promises = promises;
    }

    // Presence: the gateway says what is in effect (it applied this tab's choice at connect).
    adoptPresence(d.presence);

    renderAgent();
    renderQueue();
    renderCanned();

    if (state.openId) {
      if (mine.has(state.openId)) {
        openTicket(state.openId, { refresh: true });
      } else if (state.open && !state.open.closed && !state.open.gone) {
        markOpenGone("此会话已不在您名下（断线期间可能已回到队列）");
      }
    } else if (first && mine.size) {
      openTicket(mine.keys().next().value);
    }
    renderMine();
    renderPromises();
    syncDeadlineAlerts();
    updateTitle();
    monitor.reconnected(); // a new connection watches nothing until asked again
  }

  function onTicketAssigned(ticket) {
    const k = key(ticket.id);
    removeAlert(`deadline:${k}`);
    if (state.closingId === k) state.reassigned = k;
    const isNew = !state.mine.has(k);
    state.mine.set(k, ticket);
    state.queue = state.queue.filter((t) => key(t.id) !== k);
    renderQueue();
    if (state.claiming.has(k) || monitor.takingOver(ticket.conversation_id)) {
      // our own claim or 介入: its ack opens the ticket
    } else if (!state.openId) {
      openTicket(k);
    } else if (k === state.openId) {
      if (state.open) {
        const becameUrgent = ticket.priority === "urgent" && !state.open.safety && !state.open.loading;
        state.open.ticket = ticket;
        state.open.gone = false;
        state.open.closed = false;
        renderConvHead();
        renderBanner();
        renderSafety();
        // raised to urgent by the safety screen: fetch the safety data
        if (becameUrgent) openTicket(k, { refresh: true });
      }
    } else if (isNew) {
      toast(`新会话已分配给您：${ticketLabel(ticket)}`, "info");
    }
    renderMine();
  }

  function isOwnMessage(m) {
    if (!isObject(m) || m.sender !== "agent" || !state.agent) return false;
    if (m.agent_id !== undefined && m.agent_id !== null) return key(m.agent_id) === key(state.agent.id);
    return asText(m.agent_name) === agentName(state.agent);
  }

  function onTicketMessage(d) {
    const k = key(d.ticket_id);
    const m = d.message;
    if (!isObject(m)) return;
    const known = state.mine.has(k);
    if (!known && k !== state.openId) return;
    state.last.set(k, m);
    if (m.sender === "shopper") state.shopperTyping.delete(k);
    if (k === state.openId && state.open) {
      if (m.sender === "shopper") hideShopperTyping();
      if (state.open.loading) state.early.push(m);
      else appendStored(m);
      if (Array.isArray(d.suggestions)) {
        state.open.suggestions = d.suggestions;
        renderSuggestions();
      } else if (m.sender === "shopper") {
        els.suggestRefresh.classList.add("link-btn--hot");
      }
    } else if (!isOwnMessage(m) && m.sender !== "system") {
      state.unread.set(k, (state.unread.get(k) || 0) + 1);
      updateTitle();
    }
    renderMine();
  }

  function onShopperTyping(d) {
    const k = key(d.ticket_id);
    if (d.typing) state.shopperTyping.add(k);
    else state.shopperTyping.delete(k);
    if (k === state.openId) {
      if (d.typing) showShopperTyping();
      else hideShopperTyping();
    }
    if (state.mine.has(k)) renderMine();
  }

  function onTicketClosed(ticket) {
    const k = key(ticket.id);
    state.mine.delete(k);
    state.unread.delete(k);
    drafts.remove(k);
    state.shopperTyping.delete(k);
    if (k === state.openId && state.open && state.closingId !== k) {
      state.open.ticket = ticket;
      state.open.closed = true;
      if (transferAsk && transferAsk.k === k) hideTransferDialog();
      stopTyping(true);
      hideShopperTyping();
      renderConvHead();
      renderBanner();
      updateComposer();
      updateActions();
      toast(`${ticketLabel(ticket)} ${closedText(ticket)}`, "info");
    }
    renderMine();
    renderQueue();
    updateTitle();
  }

  function onUrgent(ticket) {
    beep();
    flashTitle();
    if (ticket && state.mine.has(key(ticket.id)) && ticket.status === "assigned") {
      // a chat I hold was raised to urgent by the safety screen
      onTicketAssigned(ticket);
      toast(`【紧急】您接待的 ${ticketLabel(ticket)} 已升级为紧急工单`, "urgent");
    } else if (ticket) {
      toast(`【紧急】新工单 ${ticketLabel(ticket)} · ${label(REASONS, ticket.reason)}`, "urgent");
      if (ticket.status === "queued" && !state.queue.some((t) => key(t.id) === key(ticket.id))) {
        state.queue.push(ticket);
        renderQueue();
      }
    } else {
      toast("【紧急】新工单", "urgent");
    }
  }

  // ---------------------------------------------------------------- agent & presence

  function renderAgent() {
    const a = state.agent || {};
    const name = agentName(a) || "—";
    els.meName.textContent = name;
    els.meAvatar.textContent = Array.from(name)[0] || "客";
    const parts = [label(ROLES, a.role || "agent")];
    if (a.role === "supervisor") parts.push("全部组");
    else if (Array.isArray(a.skills) && a.skills.length) parts.push(a.skills.map((s) => label(TEAMS, s)).join("、"));
    els.meRole.textContent = parts.filter(Boolean).join(" · ");
    els.meRole.title = els.meRole.textContent;
    els.reportOpen.hidden = a.role !== "supervisor";
    els.monitorOpen.hidden = a.role !== "supervisor";
    els.cannedManage.hidden = a.role !== "supervisor";
    renderPresence();
  }

  function renderPresence() {
    const online = state.presence === "online";
    els.presence.dataset.status = state.presence;
    els.presence.setAttribute("aria-checked", online ? "true" : "false");
    els.presenceText.textContent = online ? "在线" : "离开";
    els.presence.title = online ? "在线：接收新会话。点击切换为离开" : "离开：不再分配新会话。点击切换为在线";
  }

  function rememberPresence(status) {
    state.presence = status;
    state.presenceWanted = status;
    session.set(PRESENCE_KEY, status);
    renderPresence();
  }

  /** The status the gateway has for this agent (hello, or a change made in another tab). */
  function adoptPresence(status) {
    if (status === "online" || status === "away") rememberPresence(status);
  }

  async function setPresence(status) {
    const before = state.presence;
    rememberPresence(status);
    if (!state.socket || !state.socket.connected) return; // goes with the next connect's auth
    const r = await emit("set_presence", { status });
    if (!r.ok && r.error && r.error.code !== "not_connected" && state.presence === status) {
      rememberPresence(before);
    }
  }

  // ---------------------------------------------------------------- lists

  function priorityBadge(p, extra = "") {
    const pr = PRIORITIES[p] ? p : "normal";
    const label = PRIORITIES[pr].label;
    return h("span", { class: `badge badge--${pr} ${extra}`.trim(), title: `优先级：${label}`, text: label });
  }

  function shopperName(t) {
    const k = key(t.id);
    if (state.names.get(k)) return state.names.get(k);
    if (t.shopper_name) return asText(t.shopper_name);
    if (t.shopper_id) return `顾客 ${asText(t.shopper_id)}`;
    const conv = asText(t.conversation_id);
    return conv ? `访客 ${conv.slice(0, 6)}` : "访客";
  }

  function ticketLabel(t) {
    return `#${asText(t.id)}`;
  }

  function closedText(t) {
    const moved = state.escalated.get(key(t.id));
    if (moved) return "已转给安全专组";
    if (t.resolution_code === "handed_back") return "已交还机器人";
    // taken from me but not ended (raised to urgent and moved, requeued): not 「会话已结束」
    if (t.status && t.status !== "closed") return `已转至${teamGroup(t.team)}`;
    const r = t.resolution_code ? `（${label(RESOLUTIONS, t.resolution_code)}）` : "";
    return `会话已结束${r}`;
  }

  function byPriorityThenAge(a, b) {
    const pa = (PRIORITIES[a.priority] || PRIORITIES.normal).rank;
    const pb = (PRIORITIES[b.priority] || PRIORITIES.normal).rank;
    if (pa !== pb) return pa - pb;
    const ta = parseTime(a.created_at);
    const tb = parseTime(b.created_at);
    return (ta ? ta.getTime() : 0) - (tb ? tb.getTime() : 0);
  }

  function previewOf(m) {
    if (!isObject(m)) return "";
    const who = m.sender === "shopper" ? "" : m.sender === "bot" ? "[机器人] " : m.sender === "system" ? "[系统] " : "[我] ";
    let body = asText(m.title || m.text);
    if (!body && m.attachment) body = m.attachment.type === "image" ? "[图片]" : "[附件]";
    return `${who}${body}`.replace(/\s+/g, " ").trim();
  }

  function renderMine() {
    const list = els.myTickets;
    list.textContent = "";
    for (const [k, t] of state.mine) {
      const unread = state.unread.get(k) || 0;
      const last = state.last.get(k);
      const lastAt = parseTime(last && last.at) || parseTime(t.claimed_at) || parseTime(t.created_at);
      let preview;
      let previewClass = "ti-preview";
      if (state.shopperTyping.has(k)) {
        preview = "正在输入…";
        previewClass += " ti-preview--typing";
      } else {
        preview = last ? previewOf(last) : summaryText(t.summary) || label(REASONS, t.reason);
      }
      const btn = h(
        "button",
        {
          type: "button",
          class: "ti-btn",
          "aria-current": k === state.openId ? "true" : undefined,
          onclick: () => openTicket(k),
        },
        [
          h("div", { class: "ti-row" }, [
            h("span", { class: "ti-name", text: shopperName(t) }),
            t.priority && t.priority !== "normal" ? priorityBadge(t.priority, "badge--sm") : null,
            h("span", { class: "ti-time", text: lastAt ? fmtTime(lastAt) : "" }),
          ]),
          h("div", { class: "ti-row" }, [
            h("span", { class: previewClass, text: preview }),
            unread
              ? h("span", {
                  class: "unread",
                  "data-testid": "unread",
                  "aria-label": `${unread} 条未读`,
                  text: unread > 99 ? "99+" : String(unread),
                })
              : null,
          ]),
          h("div", { class: "ti-row ti-tags" }, [
            h("span", { class: "tag", text: label(TEAMS, t.team) }),
            h("span", { class: "ti-reason", text: label(REASONS, t.reason) }),
            h("span", { class: "ti-id", text: ticketLabel(t) }),
          ]),
        ]
      );
      list.appendChild(
        h(
          "li",
          {
            class: `ticket ticket--mine${k === state.openId ? " is-open" : ""}${unread ? " has-unread" : ""}`,
            "data-testid": "my-ticket",
            "data-ticket-id": k,
            "data-priority": t.priority || "normal",
          },
          [btn]
        )
      );
    }
    const max = state.agent && Number(state.agent.max_chats);
    els.mineCount.textContent = max ? `${state.mine.size}/${max}` : String(state.mine.size);
    els.mineEmpty.hidden = state.mine.size > 0;
    renderPromises(); // labels use the shoppers' names; the open ticket is highlighted
    updateTitle();
  }

  function renderQueue() {
    const list = els.queue;
    list.textContent = "";
    const queue = state.queue.filter((t) => !state.mine.has(key(t.id))).sort(byPriorityThenAge);
    for (const t of queue) {
      const k = key(t.id);
      const pr = PRIORITIES[t.priority] ? t.priority : "normal";
      const created = parseTime(t.created_at);
      const summary = summaryText(t.summary);
      const claimBtn = h("button", {
        type: "button",
        class: `btn btn--sm ${pr === "urgent" ? "btn--danger" : "btn--primary"} claim`,
        "data-testid": "claim",
        disabled: state.claiming.has(k),
        text: state.claiming.has(k) ? "接入中" : "接入",
        "aria-label": `接入 ${ticketLabel(t)}`,
        onclick: () => claim(t),
      });
      list.appendChild(
        h(
          "li",
          {
            class: `ticket ticket--queued ticket--${pr}`,
            "data-testid": "queue-item",
            "data-ticket-id": k,
            "data-priority": pr,
          },
          [
            h("div", { class: "qi-main" }, [
              h("div", { class: "ti-row" }, [
                priorityBadge(pr),
                h("span", { class: "tag", text: label(TEAMS, t.team) }),
                h("span", { class: "ti-id", text: ticketLabel(t) }),
                hasAlert(`deadline:${k}`) ? h("span", { class: "tag tag--late", text: "超时未接" }) : null,
                h("span", {
                  class: "wait",
                  "data-testid": "wait",
                  "data-since": created ? String(created.getTime()) : "",
                  title: created ? `创建于 ${fmtTime(created)}` : "",
                  text: created ? queuedFor(Date.now() - created.getTime()) : "",
                }),
              ]),
              h("div", { class: "qi-reason", text: label(REASONS, t.reason) }),
              summary ? h("div", { class: "qi-summary", title: summary, text: summary }) : null,
              waitingLine(t),
            ]),
            claimBtn,
          ]
        )
      );
    }
    els.queueCount.textContent = String(queue.length);
    els.queueEmpty.hidden = queue.length > 0;
  }

  /** A waiting shopper wrote again: their queue row shows it and the count since they queued. */
  function onQueueMessage(d) {
    const t = state.queue.find((q) => key(q.id) === key(d.ticket_id));
    if (!t) return; // not in this console's queue (yet): the next queue_updated carries it
    t.waiting = isObject(d.waiting) ? d.waiting : null;
    renderQueue();
  }

  /** 「顾客留言 3 条：最新的话…」 of a queue row, or null while the shopper said nothing more. */
  function waitingLine(t) {
    const w = isObject(t.waiting) ? t.waiting : null;
    const count = w ? Number(w.count) || 0 : 0;
    if (!count) return null;
    const last = isObject(w.last) ? asText(w.last.text).replace(/\s+/g, " ").trim() : "";
    const short = last.length > WAITING_PREVIEW_SHOWN ? `${last.slice(0, WAITING_PREVIEW_SHOWN)}…` : last;
    const at = parseTime(w && isObject(w.last) ? w.last.at : null);
    return h("div", { class: "qi-waiting", "data-testid": "queue-waiting", "data-count": String(count), title: last }, [
      h("span", { class: "qi-waiting-count", "data-testid": "queue-waiting-count", text: `排队中留言 ${count} 条` }),
      short ? h("span", { class: "qi-waiting-text", "data-testid": "queue-waiting-text", text: `：${short}` }) : null,
      at ? h("span", { class: "qi-waiting-at", text: ` · ${fmtTime(at)}` }) : null,
    ]);
  }

  function tickWaits() {
    const now = Date.now();
    for (const el of document.querySelectorAll("[data-since]")) {
      const since = Number(el.dataset.since);
      if (since) el.textContent = queuedFor(now - since);
    }
  }

  async function claim(t) {
    const k = key(t.id);
    if (state.claiming.has(k)) return;
    state.claiming.add(k);
    renderQueue();
    renderAlerts();
    const r = await emit("claim_ticket", { ticket_id: t.id }, { quiet: true });
    state.claiming.delete(k);
    if (r.ok) {
      const ticket = isObject(r.ticket) ? r.ticket : { ...t, status: "assigned" };
      state.mine.set(k, ticket);
      state.queue = state.queue.filter((q) => key(q.id) !== k);
      removeAlert(`deadline:${k}`);
      renderQueue();
      openTicket(k);
    } else {
      if (r.error && r.error.code === "ticket_already_claimed") {
        toast(ERROR_TEXT.ticket_already_claimed, "error");
        state.queue = state.queue.filter((q) => key(q.id) !== k);
        removeAlert(`deadline:${k}`);
      } else if (r.error && r.error.code !== "unauthorized") {
        toast(errorText(r.error), "error");
      }
      renderQueue();
    }
    renderAlerts();
  }

  /** 介入 from 实时监控 succeeded: the chat is mine now, opened with its full context. */
  function onTakenOver(ticket) {
    const k = key(ticket.id);
    state.mine.set(k, ticket);
    state.queue = state.queue.filter((q) => key(q.id) !== k);
    removeAlert(`deadline:${k}`);
    renderQueue();
    openTicket(k);
  }

  // ---------------------------------------------------------------- conversation

  /** Keeps the reply box's text for the open ticket (in sessionStorage: a reload keeps it). */
  function saveDraft() {
    if (!state.openId || !state.mine.has(state.openId)) return;
    drafts.set(state.openId, els.input.value);
  }

  async function openTicket(k, { refresh = false } = {}) {
    k = key(k);
    const ticket = state.mine.get(k) || (state.open && state.openId === k ? state.open.ticket : null);
    if (!ticket) return;
    if (!refresh || state.openId !== k) {
      if (state.openId !== k) {
        saveDraft();
        stopTyping(true);
        els.input.value = state.mine.has(k) ? drafts.get(k) : "";
      }
      state.openId = k;
      state.open = { ticket, context: null, safety: null, suggestions: [], loading: true, closed: false, gone: false };
      state.early = [];
      state.seen = new Set();
      state.lastDay = null;
      els.transcript.textContent = "";
      state.unread.delete(k);
      hideShopperTyping();
      renderConv();
      renderMine();
      if (!refresh) setTimeout(() => els.input.focus(), 0);
    }
    const seq = ++state.openSeq;
    const r = await emit("open_ticket", { ticket_id: ticket.id }, { quiet: true });
    if (seq !== state.openSeq || state.openId !== k || !state.open) return;
    if (!r.ok) {
      state.open.loading = false;
      state.open.error = errorText(r.error);
      renderConv();
      if (r.error && r.error.code !== "unauthorized") toast(`无法打开会话：${errorText(r.error)}`, "error");
      return;
    }
    const t = isObject(r.ticket) ? r.ticket : ticket;
    if (state.mine.has(k) && t.status !== "closed") state.mine.set(k, t);
    const ctx = isObject(r.context) ? r.context : null;
    const name = ctx && isObject(ctx.shopper) ? asText(ctx.shopper.name) : "";
    if (name) state.names.set(k, name);
    state.open = {
      ticket: t,
      context: ctx,
      transfers: Array.isArray(r.transfers) ? r.transfers.filter(isObject) : [],
      safety: isObject(r.safety) ? r.safety : null,
      suggestions: Array.isArray(r.suggestions) ? r.suggestions : [],
      loading: false,
      closed: t.status === "closed",
      gone: false,
    };
    els.suggestRefresh.classList.remove("link-btn--hot");
    rebuildTranscript(Array.isArray(r.transcript) ? r.transcript : []);
    renderConv();
    renderMine();
  }

  /** Leaves the open conversation: the next of my tickets, or the empty state. */
  function openNext() {
    stopTyping(true);
    state.openId = null;
    state.open = null;
    els.input.value = "";
    const next = state.mine.keys().next();
    if (!next.done) openTicket(next.value);
    else {
      renderConv();
      renderMine();
    }
  }

  function markOpenGone(text) {
    if (!state.open) return;
    state.open.gone = text;
    if (transferAsk && !transferBusy) hideTransferDialog(); // nothing left to transfer
    stopTyping(true);
    renderBanner();
    updateComposer();
    updateActions();
  }

  function renderConv() {
    const open = state.open;
    els.convEmpty.hidden = Boolean(open);
    els.conv.hidden = !open;
    els.side.hidden = !open;
    els.sideEmpty.hidden = Boolean(open);
    if (!open) {
      els.transcript.textContent = "";
      hideShopperTyping();
      return;
    }
    els.convLoading.hidden = !open.loading;
    els.convLoading.textContent = open.error ? `无法打开会话：${open.error}` : "加载中…";
    if (open.error) els.convLoading.hidden = false;
    renderConvHead();
    renderSafety();
    renderHandover();
    renderBanner();
    renderContext();
    renderSuggestions();
    renderCanned();
    renderTransferOptions();
    updateComposer();
    updateActions();
  }

  function renderConvHead() {
    const open = state.open;
    if (!open) return;
    const t = open.ticket;
    els.convTitle.textContent = shopperName(t);
    els.convBadges.textContent = "";
    // Beside the shopper's name a plain 「普通」 would read as a member tier: only raised priorities show.
    els.convBadges.append(
      t.priority && t.priority !== "normal" ? priorityBadge(t.priority) : "",
      h("span", { class: "tag", text: label(TEAMS, t.team) })
    );
    if (state.escalated.has(state.openId)) {
      els.convBadges.append(h("span", { class: "tag tag--urgent", "data-testid": "conv-moved", text: "已转安全专组" }));
    } else if (t.status === "closed") els.convBadges.append(h("span", { class: "tag tag--muted", text: "已结束" }));
    const meta = [ticketLabel(t)];
    if (t.shopper_id) meta.push(`顾客ID ${asText(t.shopper_id)}`);
    else meta.push("未登录顾客");
    const created = parseTime(t.created_at);
    const claimed = parseTime(t.claimed_at);
    if (created) meta.push(`转人工 ${fmtTime(created)}`);
    if (claimed) meta.push(`接入 ${fmtTime(claimed)}`);
    if (created && claimed) meta.push(`排队 ${fmtWait(claimed - created)}`);
    els.convMeta.textContent = meta.join(" · ");
    els.convMeta.title = t.conversation_id ? `会话 ${asText(t.conversation_id)}` : "";
    els.briefReason.textContent = label(REASONS, t.reason);
    els.briefReason.dataset.reason = asText(t.reason);
    const summary = summaryText(t.summary);
    els.briefSummary.textContent = summary || "（无）";
    els.briefSummary.title = summary;
  }

  /** One transfer as a line: 「小美 · 通用组 → 售后组 · 10:32」. */
  function transferLine(tr) {
    const who = asText(tr.by_name) || (tr.by_agent_id !== null && tr.by_agent_id !== undefined ? `客服 #${tr.by_agent_id}` : "客服");
    const to = tr.to_team ? teamGroup(tr.to_team) : asText(tr.to_agent_name) || "其他客服";
    const at = parseTime(tr.at);
    return [who, `${teamGroup(tr.from_team)} → ${to}`, at ? fmtTime(at) : ""].filter(Boolean).join(" · ");
  }

  /** 转接备注: who passed this chat on and why, newest first; older transfers fold away. */
  function renderHandover() {
    const open = state.open;
    const transfers = open && Array.isArray(open.transfers) ? open.transfers : [];
    els.handover.hidden = !transfers.length;
    if (!transfers.length) return;
    const last = transfers[transfers.length - 1];
    els.handoverWho.textContent = `${transferLine(last)} 转来`;
    const note = asText(last.note);
    els.handoverNote.textContent = note || "（转接时未留备注）";
    els.handoverNote.classList.toggle("handover-note--none", !note);
    const earlier = transfers.slice(0, -1).reverse();
    els.handoverHistory.hidden = !earlier.length;
    els.handoverHistoryTitle.textContent = `更早的转接（${earlier.length}）`;
    els.handoverList.textContent = "";
    for (const tr of earlier) {
      els.handoverList.appendChild(h("li", { text: `${transferLine(tr)}：${asText(tr.note) || "未留备注"}` }));
    }
  }

  function renderBanner() {
    const open = state.open;
    let text = "";
    const moved = open ? state.escalated.get(state.openId) : "";
    if (open && open.closed && moved) text = `${moved} 您已不能再回复。`;
    else if (open && open.closed) text = `${closedText(open.ticket)}，不能再回复。`;
    else if (open && open.gone) text = asText(open.gone);
    els.convBannerText.textContent = text;
    els.convBanner.hidden = !text;
  }

  function canReply() {
    const o = state.open;
    return Boolean(o && !o.loading && !o.error && !o.closed && !o.gone && state.connected && state.mine.has(state.openId));
  }

  function updateComposer() {
    const ok = canReply();
    const o = state.open;
    els.input.disabled = !o || Boolean(o.closed || o.gone || o.error);
    els.input.placeholder = !o
      ? ""
      : o.closed
      ? state.escalated.has(state.openId)
        ? "会话已转给安全专组"
        : "会话已结束"
      : o.gone
      ? "此会话已不在您名下"
      : !state.connected
      ? "网络断开，正在重连…"
      : "输入回复，Enter 发送，Shift+Enter 换行";
    const len = els.input.value.length;
    els.send.disabled = !ok || !els.input.value.trim() || len > MAX_LEN;
    els.replyImage.disabled = !ok;
    if (len >= COUNTER_FROM) {
      els.counter.textContent = `${len}/${MAX_LEN}`;
      els.counter.classList.toggle("composer-counter--full", len >= MAX_LEN);
    } else {
      els.counter.textContent = "";
    }
  }

  function updateActions() {
    const ok = canReply();
    els.transfer.disabled = !ok;
    updateTransferButton();
    if (transferAsk) updateTransferConfirm();
    els.handBack.disabled = !ok;
    els.closeBtn.disabled = !ok;
    els.promiseOpen.disabled = !ok;
    els.suggestRefresh.disabled = !ok;
    renderPromiseOffer();
  }

  // ------------------------------------------------------------ transcript

  function nearBottom() {
    const s = els.scroll;
    return s.scrollHeight - s.scrollTop - s.clientHeight < 120;
  }

  /**
   * Whether the transcript follows the newest message. The agent's own scrolling decides it
   * (scrolled up to read: no); content that grows by itself (a picture loading after the
   * message was placed) keeps a following transcript at the bottom.
   */
  let followNewest = true;
  const FOLLOW_SLACK_PX = 40;

  function onTranscriptScroll() {
    const s = els.scroll;
    followNewest = s.scrollHeight - s.scrollTop - s.clientHeight < FOLLOW_SLACK_PX;
  }

  function keepNewestInView() {
    if (followNewest) els.scroll.scrollTop = els.scroll.scrollHeight;
  }

  function scrollToBottom(force) {
    if (!force && !followNewest && !nearBottom()) return;
    const s = els.scroll;
    followNewest = true;
    s.scrollTop = s.scrollHeight;
    requestAnimationFrame(keepNewestInView);
  }

  function rebuildTranscript(messages) {
    els.transcript.textContent = "";
    state.seen = new Set();
    state.lastDay = null;
    for (const m of messages) appendStored(m, { scroll: false });
    for (const m of state.early) appendStored(m, { scroll: false });
    state.early = [];
    for (const rec of state.pending.get(state.openId) || []) {
      rec.el = renderLocal(rec);
      els.transcript.appendChild(rec.el);
    }
    scrollToBottom(true);
  }

  function maybeDaySeparator(d) {
    if (!d) return;
    if (!state.lastDay || !sameDay(state.lastDay, d)) {
      els.transcript.appendChild(
        h("li", { class: "day-sep", "aria-hidden": "true" }, [h("span", { text: fmtDay(d) })])
      );
    }
    state.lastDay = d;
  }

  /** Appends a stored message (from open_ticket, ticket_message or an ack) once. */
  function appendStored(m, { scroll = true } = {}) {
    if (!isObject(m)) return null;
    const id = m.message_id !== undefined && m.message_id !== null ? key(m.message_id) : "";
    if (id && state.seen.has(id)) return null;
    if (id) state.seen.add(id);
    const force = scroll && (followNewest || nearBottom() || (m.sender === "agent" && isOwnMessage(m)));
    maybeDaySeparator(parseTime(m.at));
    const li = renderMessage(m);
    // keep locally pending messages last
    const firstPending = els.transcript.querySelector(".msg--local");
    els.transcript.insertBefore(li, firstPending);
    if (scroll) scrollToBottom(force);
    return li;
  }

  /** `shopper` names the shopper of a transcript other than the open chat's (历史会话, 实时监控). */
  function senderLabel(m, shopper) {
    if (m.sender === "shopper") return shopper || state.names.get(state.openId) || "顾客";
    if (m.sender === "bot") return "机器人";
    if (m.sender === "agent") return `客服·${asText(m.agent_name) || "客服"}`;
    return "系统";
  }

  function renderMessage(m, { shopper = "" } = {}) {
    const sender = SENDERS.includes(m.sender) ? m.sender : "bot";
    const own = sender === "agent" && isOwnMessage(m);
    const li = h("li", {
      class: `msg msg--${sender}${own ? " msg--own" : ""}`,
      "data-testid": "message",
      "data-sender": sender,
      "data-message-id": m.message_id !== undefined && m.message_id !== null ? key(m.message_id) : undefined,
    });
    const at = parseTime(m.at);
    if (sender === "system") {
      li.appendChild(h("div", { class: "msg-notice" }, [h("span", { class: "sr-only", text: "系统：" }), asText(m.text)]));
      return li;
    }
    li.appendChild(
      h("div", { class: "msg-meta" }, [
        h("span", { class: "msg-who", text: senderLabel(m, shopper) }),
        at ? h("time", { class: "msg-time", datetime: at.toISOString(), text: fmtTime(at) }) : null,
      ])
    );
    const body = h("div", { class: "msg-body" });
    const picture = sender === "shopper" && isObject(m.attachment); // the picture says it all, not 「[图片]」
    const shown = sender === "shopper" ? asText(m.title || m.text) : asText(m.text);
    if (shown && !picture) body.appendChild(h("div", { class: "bubble", text: shown }));
    if (sender === "shopper" && m.title && m.text && m.title !== m.text) {
      body.appendChild(h("div", { class: "msg-payload", title: "顾客点击的按钮发送的内容", text: asText(m.text) }));
    }
    if (m.attachment !== undefined && m.attachment !== null) body.appendChild(renderAttachment(m.attachment));
    if (m.custom !== undefined && m.custom !== null) body.appendChild(renderJson("自定义消息", m.custom));
    const qrs = Array.isArray(m.quick_replies) ? m.quick_replies.filter(isObject) : [];
    if (qrs.length) {
      body.appendChild(
        h(
          "div",
          { class: "msg-qrs", "aria-label": "给顾客的快捷按钮" },
          qrs.map((q) => h("span", { class: "msg-qr", title: asText(q.payload), text: asText(q.title || q.payload) }))
        )
      );
    }
    if (!body.childNodes.length) body.appendChild(h("div", { class: "bubble bubble--empty", text: "[空消息]" }));
    li.appendChild(body);
    return li;
  }

  function renderAttachment(att) {
    if (!isObject(att)) {
      const url = safeUrl(att);
      return url
        ? h("div", { class: "bubble" }, [h("a", { href: url, target: "_blank", rel: "noopener noreferrer", text: url })])
        : renderJson("附件", att);
    }
    const payload = isObject(att.payload) ? att.payload : {};
    if (att.type === "image") {
      const url = safeUrl(payload.src || payload.url);
      if (!url) return h("div", { class: "bubble", text: "[图片]" });
      return h("a", { class: "msg-image-link", href: url, target: "_blank", rel: "noopener noreferrer", title: "查看大图" }, [
        h("img", { class: "msg-image", src: url, alt: "图片", loading: "lazy", referrerpolicy: "no-referrer" }),
      ]);
    }
    if (att.type === "template" && Array.isArray(payload.elements)) {
      return h(
        "div",
        { class: "msg-cards" },
        payload.elements.filter(isObject).map((el) =>
          h("div", { class: "msg-card" }, [
            h("div", { class: "msg-card-title", text: asText(el.title) }),
            el.subtitle ? h("div", { class: "msg-card-sub", text: asText(el.subtitle) }) : null,
          ])
        )
      );
    }
    const url = safeUrl(payload.src || payload.url);
    if (url) {
      return h("div", { class: "bubble" }, [
        h("a", { href: url, target: "_blank", rel: "noopener noreferrer", text: asText(payload.name || payload.title || url) }),
      ]);
    }
    return renderJson("附件", att);
  }

  function renderJson(title, value) {
    let dump;
    try {
      dump = JSON.stringify(value, null, 2);
    } catch (_) {
      dump = asText(value);
    }
    return h("details", { class: "msg-json" }, [h("summary", { text: title }), h("pre", { text: dump })]);
  }

  /** A message this console sent that has no ack yet (sending) or failed. */
  function renderLocal(rec) {
    const li = h("li", {
      class: `msg msg--agent msg--own msg--local msg--${rec.status}`,
      "data-testid": "message",
      "data-sender": "agent",
      "data-status": rec.status,
    });
    li.appendChild(
      h("div", { class: "msg-meta" }, [
        h("span", { class: "msg-who", text: `客服·${agentName(state.agent) || "我"}` }),
        h("span", { class: "msg-time", text: rec.status === "sending" ? "发送中…" : "发送失败" }),
      ])
    );
    const shown = rec.image
      ? h("img", { class: "msg-image", src: rec.image, alt: "图片" })
      : h("div", { class: "bubble", text: rec.text });
    const row = h("div", { class: "msg-body" }, [shown]);
    if (rec.status === "failed") {
      row.appendChild(
        h("div", { class: "msg-fail" }, [
          h("span", { text: rec.error ? `未发送：${rec.error}` : "未发送" }),
          h("button", { type: "button", class: "link-btn", "data-testid": "retry", text: "重发", onclick: () => retry(rec) }),
          h("button", { type: "button", class: "link-btn", text: "删除", onclick: () => dropLocal(rec) }),
        ])
      );
    }
    li.appendChild(row);
    return li;
  }

  function pendingFor(k) {
    if (!state.pending.has(k)) state.pending.set(k, []);
    return state.pending.get(k);
  }

  function dropLocal(rec) {
    const list = state.pending.get(rec.ticketKey) || [];
    const i = list.indexOf(rec);
    if (i >= 0) list.splice(i, 1);
    if (!list.length) state.pending.delete(rec.ticketKey);
    if (rec.el) rec.el.remove();
  }

  function refreshLocal(rec) {
    if (!rec.el || !rec.el.parentNode) return;
    const el = renderLocal(rec);
    rec.el.replaceWith(el);
    rec.el = el;
  }

  async function sendRec(rec) {
    const r = rec.image
      ? await emit("agent_image", { ticket_id: rec.ticketId, image: rec.file }, { quiet: true }) // a File goes as binary
      : await emit("agent_message", { ticket_id: rec.ticketId, text: rec.text }, { quiet: true });
    if (r.ok) {
      dropLocal(rec);
      if (state.openId === rec.ticketKey && state.open && isObject(r.message)) {
        appendStored(r.message);
      }
      if (isObject(r.message)) {
        state.last.set(rec.ticketKey, r.message);
        renderMine();
      }
      if (isObject(r.promise_offer) && asText(r.promise_offer.note)) {
        state.offers.set(rec.ticketKey, r.promise_offer);
        renderPromiseOffer();
      }
    } else {
      rec.status = "failed";
      rec.error = errorText(r.error);
      if (r.error && r.error.code !== "unauthorized") toast(`消息未发送：${rec.error}`, "error");
      refreshLocal(rec);
    }
  }

  /** Send a picture (a size chart, where to find the order number) as it is. */
  function sendImageFile(file) {
    if (!canReply() || !file) return;
    if (!IMAGE_TYPES.includes(file.type) || file.size > MAX_IMAGE_BYTES) {
      toast("图片需为 JPG、PNG、GIF 或 WebP 格式，且不超过 700KB", "error");
      return;
    }
    const k = state.openId;
    const ticketId = state.open.ticket.id;
    const reader = new FileReader();
    reader.onload = () => {
      const rec = { localId: `l${++localSeq}`, ticketKey: k, ticketId, text: "", file, image: String(reader.result), status: "sending", el: null };
      pendingFor(k).push(rec);
      if (state.openId === k) {
        rec.el = renderLocal(rec);
        els.transcript.appendChild(rec.el);
        scrollToBottom(true);
      }
      sendRec(rec);
    };
    reader.onerror = () => toast("无法读取这张图片", "error");
    reader.readAsDataURL(file);
  }

  function sendReply() {
    if (!canReply()) return;
    const text = els.input.value.trim();
    if (!text) return;
    if (text.length > MAX_LEN) {
      toast(`回复最多 ${MAX_LEN} 字`, "error");
      return;
    }
    const k = state.openId;
    const rec = {
      localId: `l${++localSeq}`,
      ticketKey: k,
      ticketId: state.open.ticket.id,
      text,
      status: "sending",
      el: null,
    };
    pendingFor(k).push(rec);
    rec.el = renderLocal(rec);
    els.transcript.appendChild(rec.el);
    scrollToBottom(true);
    els.input.value = "";
    drafts.remove(k);
    stopTyping(true);
    updateComposer();
    sendRec(rec);
  }

  function retry(rec) {
    if (rec.status !== "failed" || !canReply() || state.openId !== rec.ticketKey) return;
    rec.status = "sending";
    rec.error = undefined;
    if (rec.el) rec.el.remove();
    rec.el = renderLocal(rec);
    els.transcript.appendChild(rec.el);
    scrollToBottom(true);
    sendRec(rec);
  }

  // ------------------------------------------------------------ typing

  function onComposerInput() {
    saveDraft();
    updateComposer();
    if (!canReply()) return;
    if (!els.input.value) {
      stopTyping(true);
      return;
    }
    const now = Date.now();
    if (!typing.on || typing.ticketId !== state.open.ticket.id || now - typing.lastSent >= TYPING_RESEND_MS) {
      if (typing.on && typing.ticketId !== state.open.ticket.id) stopTyping(true);
      typing.on = true;
      typing.ticketId = state.open.ticket.id;
      typing.lastSent = now;
      emit("agent_typing", { ticket_id: typing.ticketId, typing: true }, { quiet: true });
    }
    clearTimeout(typing.timer);
    typing.timer = setTimeout(() => stopTyping(true), TYPING_IDLE_MS);
  }

  /** Ends "typing" (telling the server when `send` and it was told we were typing). */
  function stopTyping(send) {
    clearTimeout(typing.timer);
    typing.timer = null;
    if (typing.on && send && state.connected) {
      emit("agent_typing", { ticket_id: typing.ticketId, typing: false }, { quiet: true });
    }
    typing.on = false;
    typing.ticketId = null;
  }

  function showShopperTyping() {
    clearTimeout(shopperTypingTimer);
    const wasBottom = nearBottom();
    els.typing.hidden = false;
    if (wasBottom) scrollToBottom(true);
    shopperTypingTimer = setTimeout(hideShopperTyping, SHOPPER_TYPING_TIMEOUT_MS);
  }

  function hideShopperTyping() {
    clearTimeout(shopperTypingTimer);
    els.typing.hidden = true;
  }

  function insertText(text) {
    const el = els.input;
    text = asText(text);
    if (!text) return;
    if (!canReply()) {
      toast(state.connected ? "当前会话不能回复" : ERROR_TEXT.not_connected, "error");
      return;
    }
    const start = typeof el.selectionStart === "number" ? el.selectionStart : el.value.length;
    const end = typeof el.selectionEnd === "number" ? el.selectionEnd : el.value.length;
    const room = MAX_LEN - (el.value.length - (end - start));
    if (room <= 0) {
      toast(`回复最多 ${MAX_LEN} 字`, "error");
      return;
    }
    if (text.length > room) {
      text = text.slice(0, room);
      toast(`已达 ${MAX_LEN} 字上限，插入的内容被截断`, "error");
    }
    el.focus();
    el.setRangeText(text, start, end, "end");
    onComposerInput();
  }

  // ------------------------------------------------------------ right column

  function row(k, v, cls) {
    return h("div", { class: `kv${cls ? ` ${cls}` : ""}` }, [h("span", { class: "kv-k", text: k }), h("span", { class: "kv-v", text: v })]);
  }

  function statusChip(map, status) {
    const tone = STATUS_TONE[codeOf(map, status)] || "muted";
    return h("span", { class: `chip chip--${tone}`, text: label(map, status) });
  }

  function subTitle(text, n) {
    return h("h3", { class: "ctx-title" }, [text, n !== undefined ? h("span", { class: "count", text: String(n) }) : null]);
  }

  function renderContext() {
    const box = els.context;
    box.textContent = "";
    const open = state.open;
    if (!open) return;
    if (open.loading) {
      box.appendChild(h("p", { class: "muted", text: "加载中…" }));
      return;
    }
    const ctx = open.context;
    const t = open.ticket;
    const shopper = ctx && isObject(ctx.shopper) ? ctx.shopper : null;
    if (!shopper) {
      box.appendChild(
        h("p", { class: "muted", text: t.shopper_id ? "暂无该顾客的店铺数据" : "顾客未登录（匿名访客），没有订单等店铺数据" })
      );
      return;
    } else {
      const tier = asText(shopper.tier);
      const tierCode = codeOf(TIERS, tier);
      box.appendChild(
        h("div", { class: "ctx-shopper" }, [
          h("div", { class: "ctx-name-row" }, [
            h("span", { class: "ctx-name", "data-testid": "shopper-name", text: asText(shopper.name) || "—" }),
          ]),
          h("div", { class: "kv-grid" }, [
            h("div", { class: "kv" }, [
              h("span", { class: "kv-k", text: "会员等级" }),
              tier
                ? h("span", { class: `tier tier--${tierCode || "other"}`, "data-testid": "tier", text: label(TIERS, tier) })
                : h("span", { class: "kv-v", text: "—" }),
            ]),
            row("积分", shopper.points !== undefined && shopper.points !== null ? Number(shopper.points).toLocaleString("zh-CN") : "—"),
            t.shopper_id ? row("顾客ID", asText(t.shopper_id), "kv--mono") : null,
            shopper.phone ? row("手机", asText(shopper.phone), "kv--mono") : null,
          ]),
        ])
      );
    }
    if (!ctx) return;

    const orders = Array.isArray(ctx.orders) ? ctx.orders.filter(isObject) : [];
    box.appendChild(subTitle("最近订单", orders.length));
    if (!orders.length) box.appendChild(h("p", { class: "muted small", text: "无订单" }));
    for (const o of orders) {
      const created = timeText(o.created_at || o.created);
      const total = moneyText(o, "total");
      const items = itemsText(o);
      box.appendChild(
        h("div", { class: "ctx-card", "data-testid": "order" }, [
          h("div", { class: "ctx-card-head" }, [h("span", { class: "mono", text: asText(o.id || o.order_id) }), statusChip(ORDER_STATUS, o.status)]),
          items ? h("div", { class: "ctx-line", text: items }) : null,
          h("div", { class: "ctx-line muted" }, [
            total ? h("span", { class: "money", text: total }) : null,
            created ? h("span", { text: `${total ? " · " : ""}下单 ${created}` }) : null,
          ]),
        ])
      );
    }

    const ships = Array.isArray(ctx.shipments) ? ctx.shipments.filter(isObject) : [];
    box.appendChild(subTitle("物流", ships.length));
    if (!ships.length) box.appendChild(h("p", { class: "muted small", text: "无物流信息" }));
    for (const s of ships) {
      // `latest` is an event {at, location, description}, or its description with the time in `at`
      let ev = isObject(s.latest) ? s.latest : Array.isArray(s.events) && isObject(s.events[0]) ? s.events[0] : null;
      if (!ev && typeof s.latest === "string" && s.latest) ev = { description: s.latest, at: s.at, location: s.location };
      const evAt = ev ? timeText(ev.at) : "";
      box.appendChild(
        h("div", { class: "ctx-card", "data-testid": "shipment" }, [
          h("div", { class: "ctx-card-head" }, [
            h("span", { text: asText(s.carrier) || "快递" }),
            h("span", { class: "mono", text: asText(s.tracking_no || s.tracking) }),
          ]),
          s.order_id ? h("div", { class: "ctx-line muted", text: `订单 ${asText(s.order_id)}` }) : null,
          ev
            ? h("div", { class: "ctx-event" }, [
                h("div", { text: asText(ev.description || ev.text) }),
                h("div", {
                  class: "muted small",
                  text: [asText(ev.location), evAt].filter(Boolean).join(" · "),
                }),
              ])
            : h("div", { class: "ctx-line muted", text: "暂无物流轨迹" }),
          s.courier_name || s.courier_phone
            ? h("div", { class: "ctx-line muted small", text: `快递员 ${asText(s.courier_name)} ${asText(s.courier_phone)}`.trim() })
            : null,
        ])
      );
    }

    const refunds = Array.isArray(ctx.refunds) ? ctx.refunds.filter(isObject) : [];
    box.appendChild(subTitle("退款", refunds.length));
    if (!refunds.length) box.appendChild(h("p", { class: "muted small", text: "无退款记录" }));
    for (const r of refunds) {
      const created = timeText(r.created_at || r.created);
      const amount = moneyText(r, "amount");
      box.appendChild(
        h("div", { class: "ctx-card", "data-testid": "refund" }, [
          h("div", { class: "ctx-card-head" }, [
            h("span", { text: `订单 ${asText(r.order_id)}` }),
            statusChip(REFUND_STATUS, r.status),
          ]),
          h("div", { class: "ctx-line" }, [
            amount ? h("span", { class: "money", text: amount }) : null,
            r.fast_track ? h("span", { class: "chip chip--info chip--inline", text: "极速退款" }) : null,
            created ? h("span", { class: "muted", text: `${amount ? " · " : ""}申请 ${created}` }) : null,
          ]),
          h("div", { class: "ctx-line", "data-testid": "refund-goods", text: r.goods ? `商品：${asText(r.goods)}` : "整单" }),
          r.reason ? h("div", { class: "ctx-line muted", text: `原因：${asText(r.reason)}` }) : null,
        ])
      );
    }
  }

  function renderSuggestions() {
    const box = els.suggestions;
    box.textContent = "";
    const open = state.open;
    if (!open || open.loading) return;
    const list = (open.suggestions || []).filter((s) => isObject(s) && s.text);
    if (!list.length) {
      box.appendChild(h("p", { class: "muted small", text: "暂无推荐回复" }));
      return;
    }
    for (const s of list) {
      const conf = Number(s.confidence);
      const tone = !Number.isFinite(conf) ? "" : conf >= 0.7 ? "conf--high" : conf >= 0.4 ? "conf--mid" : "conf--low";
      box.appendChild(
        h(
          "button",
          {
            type: "button",
            class: "chip-btn chip-btn--suggest",
            "data-testid": "suggestion",
            title: `${asText(s.text)}\n\n点击插入输入框（不会直接发送）`,
            onclick: () => insertText(s.text),
          },
          [
            h("span", { class: "chip-btn-text", text: asText(s.text) }),
            h("span", { class: "chip-btn-meta" }, [
              h("span", { class: "intent", text: asText(s.intent) }),
              Number.isFinite(conf) ? h("span", { class: `conf ${tone}`, text: `${Math.round(conf * 100)}%` }) : null,
            ]),
          ]
        )
      );
    }
  }

  function cannedList(list) {
    return Array.isArray(list)
      ? list
          .filter((c) => isObject(c) && (c.text || c.title))
          .map((c) => ({ id: c.id, title: asText(c.title), text: asText(c.text) }))
      : [];
  }

  /** A supervisor changed the team's quick replies (in this console or another). */
  function onCannedUpdated(d) {
    if (!isObject(d)) return;
    state.canned = cannedList(d.canned);
    renderCanned();
    if (els.cannedDialog.open) cannedEditor.refresh();
  }

  function renderCanned() {
    const box = els.cannedList;
    box.textContent = "";
    const q = els.cannedFilter.value.trim().toLowerCase();
    const list = state.canned.filter((c) => !q || c.title.toLowerCase().includes(q) || c.text.toLowerCase().includes(q));
    els.cannedFilter.hidden = state.canned.length <= 6;
    if (!state.canned.length) {
      box.appendChild(h("p", { class: "muted small", text: "暂无快捷回复" }));
      return;
    }
    if (!list.length) box.appendChild(h("p", { class: "muted small", text: "没有匹配的快捷回复" }));
    for (const c of list) {
      const name = c.title || (Array.from(c.text).length > 10 ? `${Array.from(c.text).slice(0, 10).join("")}…` : c.text);
      box.appendChild(
        h("button", {
          type: "button",
          class: "canned",
          "data-testid": "canned",
          title: `${c.text}\n\n点击插入输入框（不会直接发送）`,
          text: name,
          onclick: () => insertText(c.text),
        })
      );
    }
  }

  let transferListFor = null; // ticket key the 「转接到…」 list was filled for

  /** The teams of 「转接到…」; a team picked for the same ticket stays picked. */
  function renderTransferOptions() {
    const sel = els.transfer;
    const current = state.open ? state.open.ticket.team : null;
    const picked = transferListFor === state.openId ? sel.value : "";
    transferListFor = state.openId;
    sel.textContent = "";
    sel.appendChild(h("option", { value: "", text: "转接到…" }));
    for (const code of Object.keys(TEAMS)) {
      // shown but not choosable: 转接 to its own team would only put the chat back in the queue
      const here = code === current;
      const text = here ? `${teamGroup(code)}（当前）` : teamGroup(code);
      sel.appendChild(h("option", { value: code, text, disabled: here }));
    }
    sel.value = picked && picked !== current ? picked : "";
    updateTransferButton();
  }

  /** The team picked in 「转接到…」 if the open ticket can go there (not its own team). */
  function transferTarget() {
    const team = els.transfer.value;
    if (!team || !Object.prototype.hasOwnProperty.call(TEAMS, team)) return null;
    return state.open && state.open.ticket.team !== team ? team : null;
  }

  /** Choosing a team only arms 「转接」; nothing moves until its dialog is confirmed. */
  function updateTransferButton() {
    els.transferOpen.disabled = !canReply() || state.closingId !== null || !transferTarget();
  }

  // ------------------------------------------------------------ actions

  /** After transfer / close / hand back of the open ticket. */
  function finishOpen(k, message) {
    state.mine.delete(k);
    state.unread.delete(k);
    drafts.remove(k);
    state.pending.delete(k);
    state.closingId = null;
    toast(message, "info");
    renderQueue(); // a queue_updated that came before this ack may list the ticket again
    if (state.openId === k) openNext();
    else renderMine();
  }

  let transferAsk = null; // {k, team}: what the open transfer dialog asks to do
  let transferBusy = false;

  function openTransferDialog() {
    const team = transferTarget();
    if (!team || !canReply() || state.closingId !== null) return;
    const t = state.open.ticket;
    transferAsk = { k: state.openId, team };
    transferBusy = false;
    // a note written for this chat stays if the transfer failed; another chat starts empty
    if (transferNoteFor !== state.openId) els.transferNote.value = "";
    transferNoteFor = state.openId;
    showTransferNoteError("");
    updateTransferNote();
    els.transferTicket.textContent = `${ticketLabel(t)} · ${shopperName(t)}`;
    els.transferRoute.textContent = `${teamGroup(t.team)} → ${teamGroup(team)}`;
    els.transferHint.textContent = `会话将回到${teamGroup(team)}排队，由该组客服接入；顾客会收到「正在为您转接」的提示。`;
    // the draft cannot follow the chat: say so before it is dropped
    els.transferDraft.hidden = !els.input.value.trim();
    setTransferUrgent(isUrgent(t));
    if (typeof els.transferDialog.showModal === "function") els.transferDialog.showModal();
    else els.transferDialog.setAttribute("open", "");
    (isUrgent(t) ? els.transferUrgentAck : els.transferConfirm).focus();
  }

  function hideTransferDialog() {
    transferAsk = null;
    if (typeof els.transferDialog.close === "function" && els.transferDialog.open) els.transferDialog.close();
    else els.transferDialog.removeAttribute("open");
  }

  /** An urgent chat is not transferred without ticking 「我确认要转接这张紧急工单」. */
  function setTransferUrgent(on) {
    const team = transferAsk ? teamGroup(transferAsk.team) : "";
    els.transferUrgent.hidden = !on;
    els.transferUrgentAck.checked = false;
    els.transferUrgentText.textContent = on
      ? `转接后顾客会重新排队，${team}有人接入之前没有人跟进这位顾客。请先确认已告诉顾客如何报警或求助。`
      : "";
    els.transferDialog.classList.toggle("dialog--urgent", on);
    els.transferConfirm.className = on ? "btn btn--danger" : "btn btn--primary";
    els.transferConfirm.textContent = on ? "确认转接紧急工单" : "确认转接";
    updateTransferConfirm();
  }

  function updateTransferConfirm() {
    const stale = !transferAsk || transferAsk.k !== state.openId || !canReply();
    const unacknowledged = !els.transferUrgent.hidden && !els.transferUrgentAck.checked;
    els.transferConfirm.disabled = transferBusy || stale || unacknowledged || transferNoteTooLong();
  }

  let transferNoteFor = null; // ticket key the note in the dialog was written for

  function transferNoteTooLong() {
    return els.transferNote.value.trim().length > MAX_TRANSFER_NOTE;
  }

  function showTransferNoteError(text) {
    els.transferNoteError.textContent = text;
    els.transferNoteError.hidden = !text;
  }

  /** The note's counter; over the limit it says so and 确认转接 waits. */
  function updateTransferNote() {
    const len = els.transferNote.value.trim().length;
    const over = len > MAX_TRANSFER_NOTE;
    els.transferNoteCount.textContent = `${len}/${MAX_TRANSFER_NOTE}`;
    els.transferNoteCount.classList.toggle("field-count--over", over);
    showTransferNoteError(over ? ERROR_TEXT.transfer_note_too_long : "");
    updateTransferConfirm();
  }

  async function confirmTransfer() {
    const ask = transferAsk;
    if (!ask || transferBusy) return;
    if (ask.k !== state.openId || !canReply()) {
      hideTransferDialog();
      return;
    }
    if (isUrgent(state.open.ticket) && els.transferUrgent.hidden) {
      setTransferUrgent(true); // raised to urgent while the dialog was open: ask again
      return;
    }
    if (!els.transferUrgent.hidden && !els.transferUrgentAck.checked) return;
    transferBusy = true;
    updateTransferConfirm();
    const r = await transfer(ask.team, els.transferNote.value.trim());
    transferBusy = false;
    if (r && !r.ok && r.error && r.error.code === "transfer_note_too_long") {
      showTransferNoteError(ERROR_TEXT.transfer_note_too_long); // the agent shortens it and confirms again
      updateTransferConfirm();
      return;
    }
    if (r && r.ok) {
      els.transferNote.value = "";
      transferNoteFor = null;
    }
    hideTransferDialog();
  }

  /** Sends `transfer_ticket` with the note for the receiving agent; only the dialog calls it. */
  async function transfer(team, note) {
    if (!team || !canReply()) return null;
    const k = state.openId;
    const t = state.open.ticket;
    state.closingId = k;
    state.reassigned = null;
    els.transfer.disabled = true;
    updateTransferButton();
    const payload = { ticket_id: t.id, to_team: team };
    if (note) payload.note = note;
    const r = await emit("transfer_ticket", payload);
    state.closingId = null;
    if (!r.ok) {
      updateActions(); // the team stays picked and the draft stays: the agent may try again
      return r;
    }
    els.transfer.value = "";
    let nt = isObject(r.ticket) ? r.ticket : null;
    // routing may hand it straight back to us (ticket_assigned came before this ack)
    if (state.reassigned === k && state.mine.has(k)) nt = state.mine.get(k);
    state.reassigned = null;
    const stillMine = nt && nt.status === "assigned" && state.agent && key(nt.agent_id) === key(state.agent.id);
    if (stillMine) {
      state.mine.set(k, nt);
      if (state.openId === k && state.open) state.open.ticket = nt;
      renderConv();
      renderMine();
      toast(`已转接到${teamGroup(team)}，仍由您接待`, "info");
    } else {
      finishOpen(k, `${ticketLabel(t)} 已转接到${teamGroup(team)}`);
    }
    return r;
  }

  function handBack() {
    if (!canReply()) return;
    const open = ticketPromises(state.openId);
    if (!open.length) {
      doHandBack();
      return;
    }
    els.handbackPromises.textContent = promisesWarning(open, "交还机器人");
    if (typeof els.handbackDialog.showModal === "function") els.handbackDialog.showModal();
    else els.handbackDialog.setAttribute("open", "");
    els.handbackCancel.focus();
  }

  function hideHandbackDialog() {
    if (typeof els.handbackDialog.close === "function" && els.handbackDialog.open) els.handbackDialog.close();
    else els.handbackDialog.removeAttribute("open");
  }

  function confirmHandBack() {
    hideHandbackDialog();
    doHandBack();
  }

  async function doHandBack() {
    if (!canReply()) return;
    const k = state.openId;
    const t = state.open.ticket;
    state.closingId = k;
    els.handBack.disabled = true;
    const r = await emit("hand_back", { ticket_id: t.id }, { quiet: true });
    if (!r.ok) {
      state.closingId = null;
      updateActions();
      if (r.error && r.error.code === "resolution_note_required") {
        toast("紧急工单需填写处理说明，请通过「结束会话」填写后结束", "error");
      } else if (r.error && r.error.code !== "unauthorized") {
        toast(errorText(r.error), "error");
      }
      return;
    }
    finishOpen(k, `${ticketLabel(t)} 已交还机器人`);
  }

  let closeNoteRequired = false;
  let closeBusy = false;

  function isUrgent(t) {
    return isObject(t) && t.priority === "urgent";
  }

  function setCloseNoteRequired(on) {
    closeNoteRequired = on;
    els.closeNoteLabel.textContent = on ? "处理说明（紧急工单必填）" : "备注（选填）";
    els.closeNote.placeholder = on
      ? "已采取的措施：是否已报警、联系了谁、顾客目前的状况…（仅内部可见）"
      : "处理情况、后续跟进等，仅内部可见";
    els.closeNote.required = on;
    els.closeNote.setAttribute("aria-required", on ? "true" : "false");
    els.closeDialog.classList.toggle("dialog--urgent", on);
    updateCloseConfirm();
  }

  function updateCloseConfirm() {
    els.closeConfirm.disabled = closeBusy || (closeNoteRequired && !els.closeNote.value.trim());
  }

  function showCloseError(text) {
    els.closeError.textContent = text || "";
    els.closeError.hidden = !text;
  }

  function openCloseDialog() {
    if (!canReply()) return;
    const required = isUrgent(state.open.ticket) || Boolean(state.open.noteRequired);
    els.resolution.value = "resolved";
    els.closeNote.value = "";
    closeBusy = false;
    showCloseError("");
    setCloseNoteRequired(required);
    const open = ticketPromises(state.openId);
    els.closePromises.textContent = open.length ? promisesWarning(open, "结束") : "";
    els.closePromises.hidden = !open.length;
    if (typeof els.closeDialog.showModal === "function") els.closeDialog.showModal();
    else els.closeDialog.setAttribute("open", "");
    (required ? els.closeNote : els.resolution).focus();
  }

  function hideCloseDialog() {
    if (typeof els.closeDialog.close === "function" && els.closeDialog.open) els.closeDialog.close();
    else els.closeDialog.removeAttribute("open");
  }

  async function confirmClose() {
    if (!canReply()) {
      hideCloseDialog();
      return;
    }
    if (closeBusy) return;
    const k = state.openId;
    const t = state.open.ticket;
    const payload = { ticket_id: t.id, resolution_code: els.resolution.value || "resolved" };
    const note = els.closeNote.value.trim();
    if (closeNoteRequired && !note) {
      showCloseError(ERROR_TEXT.resolution_note_required);
      els.closeNote.focus();
      return;
    }
    if (note) payload.note = note;
    state.closingId = k;
    closeBusy = true;
    showCloseError("");
    updateCloseConfirm();
    const r = await emit("close_ticket", payload, { quiet: true });
    closeBusy = false;
    updateCloseConfirm();
    if (!r.ok) {
      state.closingId = null;
      if (r.error && r.error.code === "resolution_note_required") {
        // the server knows better (e.g. raised to urgent a moment ago)
        if (state.open && state.openId === k) state.open.noteRequired = true;
        setCloseNoteRequired(true);
        showCloseError(ERROR_TEXT.resolution_note_required);
        els.closeNote.focus();
      } else if (r.error && r.error.code !== "unauthorized") {
        showCloseError(errorText(r.error));
        toast(errorText(r.error), "error");
      }
      return;
    }
    hideCloseDialog();
    finishOpen(k, `${ticketLabel(t)} 已结束（${label(RESOLUTIONS, payload.resolution_code)}）`);
  }

  // ------------------------------------------------------------ safety panel (urgent tickets)

  /** A labelled block of the safety panel; nothing when it has no lines. */
  function safetyCell(title, testid, lines, cls = "") {
    const shown = lines.filter((l) => l !== null && l !== undefined && l !== "");
    if (!shown.length) return null;
    return h("div", { class: `safety-cell ${cls}`.trim(), "data-testid": testid }, [
      h("div", { class: "safety-cell-title", text: title }),
      ...shown.map((l) => (typeof l === "string" ? h("div", { class: "safety-line", text: l }) : l)),
    ]);
  }

  function safetyOrder(o) {
    if (!isObject(o)) return typeof o === "string" && o ? [o] : [];
    const id = asText(o.id || o.order_id);
    const total = moneyText(o, "total");
    return [
      id || o.status
        ? h("div", { class: "safety-line safety-line--head" }, [
            id ? h("span", { class: "mono", text: id }) : null,
            o.status ? statusChip(ORDER_STATUS, o.status) : null,
          ])
        : null,
      itemsText(o),
      total ? h("div", { class: "safety-line muted", text: total }) : null,
    ];
  }

  function safetyShipment(s) {
    if (!isObject(s)) return typeof s === "string" && s ? [s] : [];
    const tracking = asText(s.tracking_no || s.tracking);
    const latest = isObject(s.latest) ? asText(s.latest.description || s.latest.text) : asText(s.latest || s.status);
    return [
      asText(s.carrier),
      tracking ? h("div", { class: "safety-line mono selectable", text: tracking }) : null,
      latest ? h("div", { class: "safety-line muted", text: latest }) : null,
    ];
  }

  function safetyPerson(p, extra = []) {
    if (typeof p === "string") return p ? [p] : [];
    if (!isObject(p)) return [];
    const phone = asText(p.phone || p.mobile || p.tel);
    return [
      asText(p.name || p.display_name),
      phone ? h("div", { class: "safety-line safety-phone mono selectable", text: phone }) : null,
      ...extra.map((f) => asText(p[f])),
    ];
  }

  /** The shopper's name and phone, then the order's receiver (if someone else) and address. */
  function safetyContact(c) {
    if (!isObject(c)) return safetyPerson(c);
    const lines = safetyPerson(c);
    const name = asText(c.name);
    const phone = asText(c.phone || c.mobile);
    const rName = asText(c.receiver || c.receiver_name);
    const rPhone = asText(c.receiver_phone);
    if ((rName && rName !== name) || (rPhone && rPhone !== phone)) {
      lines.push(
        h("div", { class: "safety-line" }, [
          h("span", { class: "muted", text: "收货人 " }),
          rName,
          rPhone ? h("span", { class: "mono selectable", text: ` ${rPhone}` }) : null,
        ])
      );
    }
    lines.push(asText(c.address), asText(c.email));
    return lines;
  }

  function safetyLocation(loc) {
    if (typeof loc === "string") return loc ? [loc] : [];
    if (!isObject(loc)) return [];
    const place = asText(loc.location || loc.address || loc.place || loc.city || loc.name);
    let detail = asText(loc.description || loc.text);
    if (detail === place) detail = "";
    const lat = loc.lat ?? loc.latitude;
    const lng = loc.lng ?? loc.lon ?? loc.longitude;
    const raw = loc.at || loc.time || loc.updated_at;
    const at = parseAnyTime(raw);
    const iso = typeof raw === "string" && /^[0-9]{4}-[0-9]{2}-[0-9]{2}T/.test(raw);
    // a pre-formatted time is shown as it is, with how long ago when it can be read
    const when = at ? [iso ? dueText(at) : asText(raw), agoText(at)].filter(Boolean).join(" · ") : asText(raw);
    return [
      place ? h("div", { class: "safety-line safety-place", text: place }) : null,
      detail,
      lat !== undefined && lat !== null && lng !== undefined && lng !== null
        ? h("div", { class: "safety-line mono selectable", text: `坐标 ${asText(lat)}, ${asText(lng)}` })
        : null,
      when ? h("div", { class: "safety-line safety-when", text: when }) : null,
    ];
  }

  function renderSafety() {
    const box = els.safety;
    box.textContent = "";
    const open = state.open;
    const s = open && isObject(open.safety) ? open.safety : null;
    if (!open || (!s && !isUrgent(open.ticket))) {
      box.hidden = true;
      return;
    }
    box.hidden = false;
    const k = state.openId;
    const collapsed = state.safetyCollapsed.has(k);
    box.classList.toggle("is-collapsed", collapsed);
    const cat = s ? asText(s.category) : "";
    const summary = s ? asText(s.police_summary).trim() : "";

    const copyBtn = h("button", {
      type: "button",
      class: "btn btn--sm btn--alarm safety-copy",
      "data-testid": "police-summary-copy",
      disabled: !summary,
      title: summary ? "复制给报警时使用的事件摘要" : "暂无报警摘要",
      text: "复制报警摘要",
      onclick: () => copyPoliceSummary(summary),
    });
    const toggle = h("button", {
      type: "button",
      class: "link-btn safety-toggle",
      "aria-expanded": collapsed ? "false" : "true",
      "aria-controls": "safety-body",
      text: collapsed ? "展开" : "收起",
      onclick: () => {
        if (state.safetyCollapsed.has(k)) state.safetyCollapsed.delete(k);
        else state.safetyCollapsed.add(k);
        renderSafety();
      },
    });
    box.appendChild(
      h("div", { class: "safety-head" }, [
        h("span", { class: "safety-icon", "aria-hidden": "true", text: "!" }),
        h("h2", { class: "safety-title", id: "safety-title", text: "紧急 · 人身安全" }),
        cat
          ? h("span", { class: "safety-cat", "data-testid": "safety-category", "data-category": cat, text: label(SAFETY_CATEGORIES, cat) })
          : null,
        h("span", { class: "safety-spacer" }),
        copyBtn,
        toggle,
      ])
    );
    if (collapsed) return;

    const body = h("div", { class: "safety-body", id: "safety-body" });
    box.appendChild(body);
    if (open.loading) {
      body.appendChild(h("p", { class: "safety-note", text: "正在获取订单、物流和位置信息…" }));
      return;
    }
    const matched = s ? textList(s.matched) : [];
    if (matched.length) {
      body.appendChild(
        h("div", { class: "safety-matched", "data-testid": "safety-matched" }, [
          h("span", { class: "safety-k", text: "触发内容" }),
          ...matched.map((m) => h("span", { class: "safety-phrase", text: m })),
        ])
      );
    }
    const said = s ? textList(s.messages) : [];
    if (said.length) {
      // the shopper's own flagged messages, verbatim: what to read out to the police
      body.appendChild(
        h("div", { class: "safety-messages", "data-testid": "safety-messages" }, [
          h("span", { class: "safety-k", text: "顾客原话" }),
          ...said.map((m) => h("blockquote", { class: "safety-said selectable", "data-testid": "safety-message", text: m })),
        ])
      );
    }
    const ship = s && isObject(s.shipment) ? s.shipment : null;
    let courier = s ? s.courier : null;
    if (!courier && ship && (ship.courier_name || ship.courier_phone)) courier = { name: ship.courier_name, phone: ship.courier_phone };
    const cells = s
      ? [
          safetyCell("订单", "safety-order", safetyOrder(s.order)),
          safetyCell("物流", "safety-shipment", safetyShipment(s.shipment)),
          safetyCell("快递员", "safety-courier", safetyPerson(courier)),
          // a tracking scan of the parcel, never where the shopper is
          safetyCell("包裹最后位置（快递扫描）", "safety-location", safetyLocation(s.last_location), "safety-cell--wide"),
          safetyCell("顾客联系方式", "safety-contact", safetyContact(s.contact), "safety-cell--wide"),
        ].filter(Boolean)
      : [];
    if (cells.length) body.appendChild(h("div", { class: "safety-grid" }, cells));
    else {
      body.appendChild(
        h("p", {
          class: "safety-note",
          text: "暂未查到相关订单、物流或联系方式，请直接向顾客确认所在位置、联系方式和当前状况。",
        })
      );
    }
    if (summary) {
      body.appendChild(
        h("details", { class: "safety-summary", id: "police-summary" }, [
          h("summary", { text: "报警摘要（复制前可先核对）" }),
          h("pre", { class: "safety-summary-text", "data-testid": "police-summary", text: summary }),
        ])
      );
    }
  }

  /** Copies with the async clipboard API, falling back to a selected textarea + execCommand. */
  async function copyText(text) {
    const clip = global.navigator && global.navigator.clipboard;
    if (clip && typeof clip.writeText === "function") {
      try {
        await clip.writeText(text);
        return true;
      } catch (_) {
        /* not allowed (insecure origin, no permission): try the old way */
      }
    }
    const ta = els.copyBuffer;
    const active = document.activeElement;
    let ok = false;
    try {
      ta.value = text;
      ta.focus();
      ta.select();
      ta.setSelectionRange(0, text.length);
      ok = document.execCommand("copy");
    } catch (_) {
      ok = false;
    }
    ta.value = "";
    if (active && typeof active.focus === "function") active.focus();
    return ok;
  }

  async function copyPoliceSummary(text) {
    if (!text) return;
    if (await copyText(text)) {
      toast("已复制", "info");
      return;
    }
    // show the text selected so that Ctrl+C works
    const details = document.getElementById("police-summary");
    if (details) {
      details.open = true;
      const pre = details.querySelector("pre");
      const sel = global.getSelection && global.getSelection();
      if (pre && sel) {
        const range = document.createRange();
        range.selectNodeContents(pre);
        sel.removeAllRanges();
        sel.addRange(range);
      }
    }
    toast("无法自动复制，已选中报警摘要，请按 Ctrl+C 复制", "error");
  }

  // ------------------------------------------------------------ promises

  function isOpenPromise(p) {
    return !PROMISE_DONE.includes(asText(p.status));
  }

  function isMyPromise(p) {
    if (!state.agent || p.agent_id === undefined || p.agent_id === null) return true;
    return key(p.agent_id) === key(state.agent.id);
  }

  function promiseDue(p) {
    const d = parseTime(p.due_at);
    return d ? d.getTime() : null;
  }

  function promiseTicket(p) {
    const tk = key(p.ticket_id);
    return state.mine.get(tk) || state.promiseTickets.get(tk) || null;
  }

  /** A ticket object that tells who the shopper is (promise events may send only {id}). */
  function isFullTicket(t) {
    return isObject(t) && t.id !== undefined && ("shopper_id" in t || "conversation_id" in t || "shopper_name" in t);
  }

  /** "#1024 小林" when the shopper is known, else "#1024". */
  function promiseTicketLabel(p, ticket) {
    const tk = key(p.ticket_id !== undefined && p.ticket_id !== null ? p.ticket_id : ticket && ticket.id);
    const t = promiseTicket(p) || (isFullTicket(ticket) ? ticket : null);
    const name = state.names.get(tk) || (t ? shopperName(t) : "");
    return `#${tk}${name ? ` ${name}` : ""}`;
  }

  /** Keeps my open promises; anything else (fulfilled, someone else's) leaves the list. */
  function upsertPromise(p, ticket) {
    if (!isObject(p) || p.id === undefined || p.id === null) return;
    if (isFullTicket(ticket)) state.promiseTickets.set(key(ticket.id), ticket);
    if (isFullTicket(p.ticket)) state.promiseTickets.set(key(p.ticket.id), p.ticket);
    const k = key(p.id);
    if (!isMyPromise(p)) return;
    if (isOpenPromise(p)) state.promises.set(k, { ...(state.promises.get(k) || {}), ...p });
    else {
      state.promises.delete(k);
      state.dueSoon.delete(k);
    }
  }

  /** open | overdue: the server's status, or overdue once the due time has passed here. */
  function promiseState(p, now) {
    const due = promiseDue(p);
    if (asText(p.status) === "overdue" || (due !== null && due <= now)) return "overdue";
    return asText(p.status) || "open";
  }

  function updatePromiseRow(li, p, now) {
    const due = promiseDue(p);
    const st = promiseState(p, now);
    const left = due === null ? null : due - now;
    li.dataset.status = st;
    li.classList.toggle("is-overdue", st === "overdue");
    li.classList.toggle("is-near", st !== "overdue" && left !== null && left < PROMISE_RED_MS);
    li.classList.toggle("is-due-soon", state.dueSoon.has(key(p.id)));
    const cd = li.querySelector(".pr-countdown");
    if (!cd) return;
    if (left === null) cd.textContent = "--:--";
    else if (left > 0) cd.textContent = fmtClock(Math.ceil(left / 1000) * 1000);
    else cd.textContent = `已逾期 ${fmtClock(-left)}`;
  }

  function renderPromises() {
    const list = els.promises;
    list.textContent = "";
    const now = Date.now();
    const promises = [...state.promises.values()].sort((a, b) => (promiseDue(a) ?? Infinity) - (promiseDue(b) ?? Infinity));
    for (const p of promises) {
      const pk = key(p.id);
      const tk = key(p.ticket_id);
      const due = promiseDue(p);
      const canOpen = state.mine.has(tk);
      const mainChildren = [
        h("div", { class: "pr-row" }, [
          h("span", { class: "pr-ticket", text: promiseTicketLabel(p) }),
          h("span", { class: "pr-countdown", "data-testid": "promise-countdown", title: due ? `到期 ${dueText(new Date(due))}` : "" }),
        ]),
        h("div", { class: "pr-note", title: asText(p.note), text: asText(p.note) || "（无说明）" }),
      ];
      const main = canOpen
        ? h("button", { type: "button", class: "pr-main", title: "打开会话", onclick: () => openTicket(tk) }, mainChildren)
        : h("div", { class: "pr-main" }, mainChildren);
      const busy = state.fulfilling.has(pk);
      const li = h(
        "li",
        {
          class: `promise${tk === state.openId ? " is-open" : ""}`,
          "data-testid": "promise",
          "data-promise-id": pk,
          "data-ticket-id": tk,
        },
        [
          main,
          h("button", {
            type: "button",
            class: "btn btn--sm pr-done",
            "data-testid": "promise-done",
            disabled: busy,
            title: "已兑现承诺（已回复顾客）",
            text: busy ? "…" : "已完成",
            onclick: () => fulfilPromise(p),
          }),
        ]
      );
      updatePromiseRow(li, p, now);
      list.appendChild(li);
    }
    els.promisesCount.textContent = String(promises.length);
    els.promisesEmpty.hidden = promises.length > 0;
  }

  function tickPromises() {
    const now = Date.now();
    for (const li of els.promises.children) {
      const p = state.promises.get(li.dataset.promiseId);
      if (p) updatePromiseRow(li, p, now);
    }
  }

  async function fulfilPromise(p) {
    const pk = key(p.id);
    if (state.fulfilling.has(pk)) return;
    state.fulfilling.add(pk);
    renderPromises();
    const r = await emit("fulfil_promise", { promise_id: p.id });
    state.fulfilling.delete(pk);
    if (r.ok) {
      state.promises.delete(pk);
      state.dueSoon.delete(pk);
      removeAlert(`promise:${pk}`);
      toast(`已完成承诺：${promiseTicketLabel(p)} · ${asText(p.note)}`, "info");
    }
    renderPromises();
  }

  function onPromiseDueSoon(p, ticket) {
    upsertPromise(p, ticket);
    if (!isMyPromise(p)) return;
    const pk = key(p.id);
    state.dueSoon.add(pk);
    renderPromises();
    const due = promiseDue(p);
    const left = due !== null ? ` · 剩余 ${fmtClock(Math.max(0, due - Date.now()))}` : "";
    toast(`承诺即将到期：${promiseTicketLabel(p, ticket)} · ${asText(p.note)}${left}`, "warn");
  }

  function onPromiseOverdue(p, ticket) {
    upsertPromise({ ...p, status: p.status || "overdue" }, ticket);
    const mine = isMyPromise(p);
    const pk = key(p.id);
    if (mine) state.dueSoon.delete(pk);
    renderPromises();
    const t = promiseTicket(p) || (isFullTicket(ticket) ? ticket : null);
    let whose = "";
    if (!mine) whose = asText(p.agent_name) || (t && asText(t.agent_name)) || (p.agent_id !== undefined ? `#${asText(p.agent_id)}` : "");
    // a supervisor's own promise comes twice (their room and the supervisors' room): one beep
    const again = hasAlert(`promise:${pk}`);
    addAlert({
      id: `promise:${pk}`,
      kind: "promise",
      promiseKey: pk,
      ticketKey: key(p.ticket_id !== undefined ? p.ticket_id : t && t.id),
      promise: p,
      ticket: t,
      mine,
      whose,
    });
    if (!again) beep();
  }

  let promiseTarget = null; // {k, ticket} the dialog records a promise for
  let promiseAutoNote = "";
  let promiseBusy = false;

  /** The chosen number of minutes, or null when the custom value is not valid. */
  function promiseMinutes() {
    const custom = els.promiseCustom.value.trim();
    if (custom) {
      const n = Number(custom);
      return Number.isInteger(n) && n >= 1 && n <= PROMISE_MAX_MINUTES ? n : null;
    }
    const pressed = els.promiseMinutes.querySelector('[aria-pressed="true"]');
    return pressed ? Number(pressed.dataset.minutes) : null;
  }

  function pressPromiseChoice(minutes) {
    for (const b of els.promiseMinutes.querySelectorAll("[data-minutes]")) {
      b.setAttribute("aria-pressed", Number(b.dataset.minutes) === minutes ? "true" : "false");
    }
  }

  /** After a choice: the note follows it unless the agent has written their own. */
  function onPromiseChoice() {
    const min = promiseMinutes();
    const note = els.promiseNote.value.trim();
    if (min && (!note || note === promiseAutoNote)) {
      promiseAutoNote = `${durationText(min)}内回复您`;
      els.promiseNote.value = promiseAutoNote;
    }
    updatePromiseForm();
  }

  function updatePromiseForm() {
    const min = promiseMinutes();
    const custom = els.promiseCustom.value.trim();
    els.promiseCustom.classList.toggle("input--invalid", Boolean(custom) && !min);
    if (custom && !min) {
      els.promiseDue.textContent = `请输入 1–${PROMISE_MAX_MINUTES} 之间的整数分钟（最长 7 天）`;
      els.promiseDue.classList.add("dialog-hint--error");
    } else {
      els.promiseDue.classList.remove("dialog-hint--error");
      els.promiseDue.textContent = min ? `到期时间：${dueText(new Date(Date.now() + min * 60000))}，到期前会提醒您` : "请选择回复时限";
    }
    els.promiseConfirm.disabled = promiseBusy || !min || !els.promiseNote.value.trim();
  }

  function openPromiseDialog() {
    if (!canReply()) return;
    promiseTarget = { k: state.openId, ticket: state.open.ticket };
    promiseBusy = false;
    els.promiseTicket.textContent = `${ticketLabel(promiseTarget.ticket)} · ${shopperName(promiseTarget.ticket)}`;
    els.promiseCustom.value = "";
    pressPromiseChoice(60);
    els.promiseNote.value = "";
    promiseAutoNote = "";
    onPromiseChoice();
    if (typeof els.promiseDialog.showModal === "function") els.promiseDialog.showModal();
    else els.promiseDialog.setAttribute("open", "");
    const pressed = els.promiseMinutes.querySelector('[aria-pressed="true"]');
    if (pressed) pressed.focus();
  }

  function hidePromiseDialog() {
    if (typeof els.promiseDialog.close === "function" && els.promiseDialog.open) els.promiseDialog.close();
    else els.promiseDialog.removeAttribute("open");
  }

  async function confirmPromise() {
    const min = promiseMinutes();
    const note = els.promiseNote.value.trim();
    if (!promiseTarget || !min || !note || promiseBusy) return;
    const target = promiseTarget;
    promiseBusy = true;
    updatePromiseForm();
    const r = await emit("set_promise", { ticket_id: target.ticket.id, due_in_minutes: min, note });
    promiseBusy = false;
    updatePromiseForm();
    if (!r.ok) return;
    const p = isObject(r.promise) ? r.promise : null;
    if (p) {
      upsertPromise(
        {
          ticket_id: target.ticket.id,
          agent_id: state.agent ? state.agent.id : undefined,
          note,
          status: "open",
          due_at: new Date(Date.now() + min * 60000).toISOString(),
          ...p,
        },
        target.ticket
      );
    }
    renderPromises();
    hidePromiseDialog();
    const due = p ? parseTime(p.due_at) : new Date(Date.now() + min * 60000);
    toast(`已记录承诺：${note}${due ? `（${dueText(due)} 到期）` : ""}`, "info");
  }

  /** My open promises on a ticket, soonest first. */
  function ticketPromises(k) {
    return [...state.promises.values()]
      .filter((p) => key(p.ticket_id) === k)
      .sort((a, b) => (promiseDue(a) ?? Infinity) - (promiseDue(b) ?? Infinity));
  }

  /** 「该会话还有 1 条未兑现的承诺…」 for the close and hand-back dialogs. */
  function promisesWarning(list, verb) {
    const now = Date.now();
    const items = list.map((p) => {
      const due = promiseDue(p);
      const when = due === null ? "" : due <= now ? "，已逾期" : `，${dueText(new Date(due))} 到期`;
      return `「${asText(p.note)}」${when}`;
    });
    return (
      `该会话还有 ${list.length} 条未兑现的承诺：${items.join("；")}。` +
      `${verb}后承诺将随会话关闭、不再提醒；顾客再来消息时会通知您。`
    );
  }

  /** The server's list of the promises I answer for now (a ticket moved or closed). */
  function onPromisesUpdated(list) {
    const promises = new Map();
    for (const p of list) {
      if (isObject(p) && p.id !== undefined && p.id !== null && isOpenPromise(p) && isMyPromise(p)) {
        promises.set(key(p.id), { ...(state.promises.get(key(p.id)) || {}), ...p });
      }
    }
    for (const k of [...state.dueSoon]) if (!promises.has(k)) state.dueSoon.delete(k);
    state.alerts = state.alerts.filter((a) => a.kind !== "promise" || !a.mine || promises.has(a.promiseKey));
    state.promises = promises;
    renderPromises();
    renderAlerts();
  }

  /** 「您承诺了「1小时内回复您」」 with one click to keep it as a timer. */
  function renderPromiseOffer() {
    const box = els.promiseOffer;
    box.textContent = "";
    const k = state.openId;
    const offer = k ? state.offers.get(k) : null;
    if (!offer || !state.open || !canReply()) {
      box.hidden = true;
      return;
    }
    box.hidden = false;
    const min = Number.isInteger(offer.due_in_minutes) ? offer.due_in_minutes : null;
    box.append(
      h("span", { class: "promise-offer-text", text: `您答应了顾客「${asText(offer.note)}」，要记为承诺并按时提醒吗？` }),
      h("button", {
        type: "button",
        class: "btn btn--sm btn--primary",
        "data-testid": "promise-offer-record",
        "data-minutes": min === null ? "" : String(min),
        text: min === null ? "记录承诺…" : `记录承诺（${durationText(min)}）`,
        onclick: () => recordOffer(k, offer),
      }),
      h("button", {
        type: "button",
        class: "link-btn",
        "data-testid": "promise-offer-dismiss",
        text: "不用",
        onclick: () => {
          state.offers.delete(k);
          renderPromiseOffer();
        },
      })
    );
  }

  async function recordOffer(k, offer) {
    if (!state.open || state.openId !== k) return;
    const min = Number.isInteger(offer.due_in_minutes) ? offer.due_in_minutes : null;
    const note = asText(offer.note);
    if (min === null) {
      // no time said (「稍后回复您」): the agent picks it, the words are kept
      state.offers.delete(k);
      renderPromiseOffer();
      openPromiseDialog();
      els.promiseNote.value = note;
      promiseAutoNote = "";
      updatePromiseForm();
      return;
    }
    const ticket = state.open.ticket;
    const r = await emit("set_promise", { ticket_id: ticket.id, due_in_minutes: min, note });
    if (!r.ok) return;
    state.offers.delete(k);
    if (isObject(r.promise)) upsertPromise(r.promise, ticket);
    renderPromises();
    renderPromiseOffer();
    const due = isObject(r.promise) ? parseTime(r.promise.due_at) : null;
    toast(`已记录承诺：${note}${due ? `（${dueText(due)} 到期）` : ""}`, "info");
  }

  /** The shopper wrote again after a chat closed with a promise to them unkept. */
  function onPromiseFollowup(d) {
    const p = d.promise;
    const pk = key(p.id);
    const t = isObject(d.ticket) ? d.ticket : { id: p.ticket_id };
    const text = isObject(d.message) ? asText(d.message.text) : "";
    addAlert({ id: `followup:${pk}`, kind: "followup", promise: p, ticket: t, text, ticketKey: key(t.id) });
    beep();
    toast(`顾客又来消息了：${promiseTicketLabel(p, t)}「${text}」`, "warn");
  }

  /** My chat was raised to urgent and went to the safety team (after ticket_closed). */
  function onTicketEscalated(d) {
    const t = d.ticket;
    const k = key(t.id);
    const text = asText(d.text) || `${ticketLabel(t)} 已转给安全专组优先处理。`;
    state.escalated.set(k, text);
    beep();
    flashTitle();
    toast(text, "urgent");
    addAlert({ id: `escalated:${k}`, kind: "escalated", ticketKey: k, ticket: t, text });
    if (k === state.openId && state.open) {
      state.open.ticket = t;
      state.open.closed = true;
      renderConvHead();
      renderBanner();
      updateComposer();
      updateActions();
    }
  }

  // ------------------------------------------------------------ alert banners

  function hasAlert(id) {
    return state.alerts.some((a) => a.id === id);
  }

  function addAlert(alert) {
    const i = state.alerts.findIndex((a) => a.id === alert.id);
    if (i >= 0) state.alerts.splice(i, 1);
    state.alerts.unshift(alert);
    renderAlerts();
  }

  function removeAlert(id) {
    const n = state.alerts.length;
    state.alerts = state.alerts.filter((a) => a.id !== id);
    if (state.alerts.length !== n) {
      renderAlerts();
      renderQueue();
    }
  }

  /** Can this agent see (and claim) the ticket in their queue? */
  function canTake(t) {
    const a = state.agent;
    if (!a) return true;
    if (a.role === "supervisor") return true;
    return !Array.isArray(a.skills) || !t.team || a.skills.includes(t.team);
  }

  function onDeadlineMissed(ticket, waited, kind) {
    const k = key(ticket.id);
    if (state.mine.has(k)) return; // already ours
    const secs = Number(waited);
    const since = Date.now() - (Number.isFinite(secs) && secs >= 0 ? secs * 1000 : 0);
    const inQueue = state.queue.some((t) => key(t.id) === k);
    if (!inQueue && (!ticket.status || ticket.status === "queued") && canTake(ticket)) {
      state.queue.push({ ...ticket, status: "queued" });
    }
    addAlert({
      id: `deadline:${k}`,
      kind: "deadline",
      deadline: DEADLINE_KINDS[kind] ? kind : "urgent",
      ticketKey: k,
      ticket,
      since,
      // only a ticket we can see in our queue tells us by leaving it that it was claimed
      seenInQueue: state.queue.some((t) => key(t.id) === k),
    });
    renderQueue();
    beep();
    flashTitle(deadlineKind(kind).title);
  }

  /** 差评预警 (supervisors): a shopper rated a closed chat 1–2; read it while it can be put right. */
  function onUnhappyRating(ticket, score) {
    const k = key(ticket.id);
    addAlert({ id: `unhappy:${k}`, kind: "unhappy", ticketKey: k, ticket, score });
    beep();
  }

  /** Deadline banners go away once their ticket leaves the queue (claimed by anyone). */
  function syncDeadlineAlerts() {
    let changed = false;
    state.alerts = state.alerts.filter((a) => {
      if (a.kind !== "deadline") return true;
      if (state.mine.has(a.ticketKey)) {
        changed = true;
        return false;
      }
      const q = state.queue.find((t) => key(t.id) === a.ticketKey);
      if (q) {
        a.seenInQueue = true;
        a.ticket = q;
        return true;
      }
      if (a.seenInQueue) {
        changed = true;
        return false;
      }
      return true;
    });
    if (changed) {
      renderQueue();
      if (!state.alerts.some((a) => a.kind === "deadline") && (flashText === DEADLINE_TITLE || flashText === FRAUD_DEADLINE_TITLE)) stopFlash();
    }
    renderAlerts();
  }

  function deadlineText(a, now = Date.now()) {
    return `${deadlineKind(a.deadline).label} #${a.ticketKey} 已等待 ${Math.max(0, Math.floor((now - a.since) / 1000))} 秒无人接入！`;
  }

  /** A banner whose 「查看会话」 opens the chat in 历史会话 (差评预警, a follow-up after a promise). */
  function pastChatAlert(a, attrs, text, ticketId, dismiss) {
    return h("div", { class: "alert alert--promise", "data-testid": "alert-banner", ...attrs }, [
      h("span", { class: "alert-icon", "aria-hidden": "true", text: "!" }),
      h("div", { class: "alert-body" }, [h("span", { class: "alert-text", text })]),
      h("button", {
        type: "button",
        class: "btn btn--sm alert-open",
        "data-testid": "alert-read",
        text: "查看会话",
        onclick: () => {
          removeAlert(a.id);
          history.open({ ticketId });
        },
      }),
      dismiss,
    ]);
  }

  function renderAlert(a) {
    const dismiss = h("button", {
      type: "button",
      class: "alert-close",
      "data-testid": "alert-dismiss",
      "aria-label": "关闭提醒",
      title: "关闭提醒",
      text: "×",
      onclick: () => removeAlert(a.id),
    });
    if (a.kind === "deadline") {
      const t = a.ticket || {};
      const sub = [label(TEAMS, t.team), label(REASONS, t.reason), summaryText(t.summary)].filter(Boolean).join(" · ");
      const busy = state.claiming.has(a.ticketKey);
      return h("div", { class: "alert alert--deadline", "data-testid": "alert-banner", "data-kind": "deadline", "data-deadline": a.deadline, "data-ticket-id": a.ticketKey }, [
        h("span", { class: "alert-icon", "aria-hidden": "true", text: "!" }),
        h("div", { class: "alert-body" }, [
          // the seconds tick: not re-announced every second by the live region
          h("span", { class: "alert-text", "data-waited": "1", "aria-live": "off", text: deadlineText(a) }),
          sub ? h("span", { class: "alert-sub", title: sub, text: sub }) : null,
        ]),
        h("button", {
          type: "button",
          class: "btn btn--sm btn--alarm alert-claim",
          "data-testid": "alert-claim",
          disabled: busy,
          text: busy ? "接入中" : "立即接入",
          onclick: () => claim({ ...t, id: t.id !== undefined ? t.id : a.ticketKey }),
        }),
        dismiss,
      ]);
    }
    if (a.kind === "unhappy") {
      const t = a.ticket || {};
      const who = t.agent_name ? `客服 ${t.agent_name}` : "无人接待";
      const text = `差评预警：工单 #${a.ticketKey}（${who}，${label(TEAMS, t.team)}）收到 ${a.score} 分`;
      return pastChatAlert(a, { "data-kind": "unhappy" }, text, t.id, dismiss);
    }
    if (a.kind === "escalated") {
      return h("div", { class: "alert alert--deadline", "data-testid": "alert-banner", "data-kind": "escalated", "data-ticket-id": a.ticketKey }, [
        h("span", { class: "alert-icon", "aria-hidden": "true", text: "!" }),
        h("div", { class: "alert-body" }, [h("span", { class: "alert-text", text: a.text })]),
        dismiss,
      ]);
    }
    if (a.kind === "followup") {
      const p = a.promise;
      const text = `顾客又来消息了：${promiseTicketLabel(p, a.ticket)}（承诺「${asText(p.note)}」已随会话关闭，未兑现）：「${a.text}」`;
      return pastChatAlert(a, { "data-kind": "followup", "data-promise-id": key(p.id) }, text, a.ticket.id, dismiss);
    }
    const p = a.promise;
    const due = parseTime(p.due_at);
    const who = a.mine ? "" : `（${a.whose ? `客服 ${a.whose}` : "其他客服"}）`;
    const text = `承诺已逾期${who}：${promiseTicketLabel(p, a.ticket)} ·「${asText(p.note) || "（无说明）"}」${due ? `，应于 ${dueText(due)} 回复` : ""}`;
    const canOpen = a.mine && state.mine.has(a.ticketKey);
    return h("div", { class: "alert alert--promise", "data-testid": "alert-banner", "data-kind": "promise", "data-promise-id": a.promiseKey }, [
      h("span", { class: "alert-icon", "aria-hidden": "true", text: "!" }),
      h("div", { class: "alert-body" }, [h("span", { class: "alert-text", text })]),
      canOpen
        ? h("button", {
            type: "button",
            class: "btn btn--sm alert-open",
            text: "打开会话",
            onclick: () => openTicket(a.ticketKey),
          })
        : null,
      dismiss,
    ]);
  }

  function renderAlerts() {
    const box = els.alerts;
    box.textContent = "";
    // deadlines (someone is waiting for help) before late promises
    const sorted = [...state.alerts.filter((a) => a.kind === "deadline"), ...state.alerts.filter((a) => a.kind !== "deadline")];
    for (const a of sorted.slice(0, MAX_ALERTS_SHOWN)) box.appendChild(renderAlert(a));
    if (sorted.length > MAX_ALERTS_SHOWN) {
      box.appendChild(h("div", { class: "alert-more", text: `另有 ${sorted.length - MAX_ALERTS_SHOWN} 条提醒，处理或关闭上面的提醒后显示` }));
    }
  }

  function tickAlerts() {
    const now = Date.now();
    for (const el of els.alerts.querySelectorAll('.alert--deadline [data-waited]')) {
      const a = state.alerts.find((x) => x.id === `deadline:${el.closest("[data-ticket-id]").dataset.ticketId}`);
      if (a) el.textContent = deadlineText(a, now);
    }
  }

  // ---------------------------------------------------------------- init

  function init() {
    Object.assign(els, {
      app: $("app"),
      conn: $("conn"),
      connText: $("conn-text"),
      logout: $("logout"),
      reportOpen: $("report-open"),
      reportDialog: $("report-dialog"),
      cannedManage: $("canned-manage"),
      cannedDialog: $("canned-dialog"),
      historyOpen: $("history-open"),
      historyDialog: $("history-dialog"),
      monitorOpen: $("monitor-open"),
      monitorDialog: $("monitor-dialog"),
      meAvatar: $("me-avatar"),
      meName: $("me-name"),
      meRole: $("me-role"),
      presence: $("presence"),
      presenceText: $("presence-text"),
      myTickets: $("my-tickets"),
      mineCount: $("mine-count"),
      mineEmpty: $("mine-empty"),
      queue: $("queue"),
      queueCount: $("queue-count"),
      queueEmpty: $("queue-empty"),
      convEmpty: $("conv-empty"),
      conv: $("conv"),
      convTitle: $("conv-title"),
      convBadges: $("conv-badges"),
      convMeta: $("conv-meta"),
      briefReason: $("brief-reason"),
      briefSummary: $("brief-summary"),
      convBanner: $("conv-banner"),
      convBannerText: $("conv-banner-text"),
      convBannerDismiss: $("conv-banner-dismiss"),
      scroll: $("conv-scroll"),
      convLoading: $("conv-loading"),
      transcript: $("transcript"),
      typing: $("typing"),
      composer: $("composer"),
      input: $("reply-input"),
      counter: $("composer-counter"),
      send: $("reply-send"),
      replyImage: $("reply-image"),
      replyImageInput: $("reply-image-input"),
      side: $("side"),
      sideEmpty: $("side-empty"),
      transfer: $("transfer"),
      transferOpen: $("transfer-open"),
      transferDialog: $("transfer-dialog"),
      transferTicket: $("transfer-ticket"),
      transferRoute: $("transfer-route"),
      transferUrgent: $("transfer-urgent"),
      transferUrgentText: $("transfer-urgent-text"),
      transferUrgentAck: $("transfer-urgent-ack"),
      transferDraft: $("transfer-draft"),
      transferHint: $("transfer-hint"),
      transferConfirm: $("transfer-confirm"),
      transferNote: $("transfer-note"),
      transferNoteCount: $("transfer-note-count"),
      transferNoteError: $("transfer-note-error"),
      handover: $("handover"),
      handoverWho: $("handover-who"),
      handoverNote: $("handover-note"),
      handoverHistory: $("handover-history"),
      handoverHistoryTitle: $("handover-history-title"),
      handoverList: $("handover-list"),
      transferCancel: $("transfer-cancel"),
      handBack: $("hand-back"),
      closeBtn: $("close"),
      context: $("context"),
      suggestions: $("suggestions"),
      suggestRefresh: $("suggest-refresh"),
      cannedFilter: $("canned-filter"),
      cannedList: $("canned-list"),
      closeDialog: $("close-dialog"),
      resolution: $("resolution"),
      closeNote: $("close-note"),
      closeConfirm: $("close-confirm"),
      closeCancel: $("close-cancel"),
      closeNoteLabel: $("close-note-label"),
      closeError: $("close-error"),
      closePromises: $("close-promises"),
      handbackDialog: $("handback-dialog"),
      handbackPromises: $("handback-promises"),
      handbackCancel: $("handback-cancel"),
      handbackConfirm: $("handback-confirm"),
      promiseOffer: $("promise-offer"),
      alerts: $("alerts"),
      safety: $("safety-panel"),
      promises: $("promises"),
      promisesCount: $("promises-count"),
      promisesEmpty: $("promises-empty"),
      promiseOpen: $("promise-open"),
      promiseDialog: $("promise-dialog"),
      promiseTicket: $("promise-ticket"),
      promiseMinutes: $("promise-minutes"),
      promiseCustom: $("promise-custom"),
      promiseNote: $("promise-note"),
      promiseDue: $("promise-due"),
      promiseConfirm: $("promise-confirm"),
      promiseCancel: $("promise-cancel"),
      copyBuffer: $("copy-buffer"),
      toast: $("toast"),
    });

    login = global.KefuStaff.login($("login-view"), {
      app: els.app,
      mark: "客",
      name: BASE_TITLE,
      title: "客服登录",
      foot: "账号由管理员在命令行创建，忘记密码请联系主管。",
      allowed: (agent) => !(agent && agent.role === "trainer"),
      refused: "训练师账号请使用训练工作台，不能登录客服工作台",
      onLogin: (token, who) => startSession(token, who, { loggedIn: true }),
    });
    $("login-form").addEventListener("submit", ensureAudio); // a user gesture: lets the urgent beep play later
    toast = global.KefuStaff.toaster(els.toast, { ms: TOAST_MS, tone: "info", slowTones: ["error", "urgent"] });
    els.logout.addEventListener("click", logout);
    history = global.KefuHistory.mount({
      api,
      renderMessage,
      shopperName,
      labels: { reasons: REASONS, teams: TEAMS, resolutions: RESOLUTIONS, statuses: STATUSES },
      me: () => state.agent,
    });
    els.historyOpen.addEventListener("click", () => history.open());
    monitor = global.KefuMonitor.mount({
      emit,
      renderMessage,
      labels: { reasons: REASONS, teams: TEAMS },
      me: () => state.agent,
      onTakenOver,
      onOpenMine: (t) => {
        els.monitorDialog.close();
        if (isObject(t) && state.mine.has(key(t.id))) openTicket(key(t.id));
      },
    });
    els.monitorOpen.addEventListener("click", () => monitor.open());
    const report = global.KefuReport.mount({
      api,
      labels: { reasons: REASONS, teams: TEAMS, resolutions: RESOLUTIONS },
      onUnhappy: () => {
        els.reportDialog.close();
        history.open({ unhappy: true });
      },
    });
    els.reportOpen.addEventListener("click", () => report.open());
    cannedEditor = global.KefuCanned.mount({ api, list: () => state.canned });
    els.cannedManage.addEventListener("click", () => cannedEditor.open());
    els.presence.addEventListener("click", () => setPresence(state.presence === "online" ? "away" : "online"));

    els.composer.addEventListener("submit", (e) => {
      e.preventDefault();
      sendReply();
    });
    els.input.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        sendReply();
      }
    });
    els.input.addEventListener("input", onComposerInput);
    els.replyImage.addEventListener("click", () => els.replyImageInput.click());
    els.replyImageInput.addEventListener("change", () => {
      const file = els.replyImageInput.files && els.replyImageInput.files[0];
      els.replyImageInput.value = "";
      sendImageFile(file);
    });
    els.input.addEventListener("paste", (e) => {
      const files = e.clipboardData ? [...e.clipboardData.files] : [];
      const file = files.find((f) => /^image\//.test(f.type));
      if (!file) return; // text pastes as usual
      e.preventDefault();
      sendImageFile(file);
    });
    els.input.addEventListener("blur", saveDraft);

    // Choosing a team (arrow keys included) only arms 「转接」; the dialog confirms.
    els.transfer.addEventListener("change", updateTransferButton);
    els.transferOpen.addEventListener("click", openTransferDialog);
    els.transferConfirm.addEventListener("click", confirmTransfer);
    els.transferCancel.addEventListener("click", hideTransferDialog);
    els.transferUrgentAck.addEventListener("change", updateTransferConfirm);
    els.transferNote.addEventListener("input", updateTransferNote);
    els.scroll.addEventListener("scroll", onTranscriptScroll, { passive: true });
    // Pictures load after their message was scrolled to: follow the growth if following.
    if (typeof ResizeObserver === "function") new ResizeObserver(keepNewestInView).observe(els.transcript);
    els.transcript.addEventListener("load", keepNewestInView, true); // <img> load, where there is no ResizeObserver
    els.transferDialog.addEventListener("close", () => {
      transferAsk = null;
    });
    els.handBack.addEventListener("click", handBack);
    els.closeBtn.addEventListener("click", openCloseDialog);
    els.closeConfirm.addEventListener("click", confirmClose);
    els.handbackCancel.addEventListener("click", hideHandbackDialog);
    els.handbackConfirm.addEventListener("click", confirmHandBack);
    els.closeCancel.addEventListener("click", hideCloseDialog);
    els.closeNote.addEventListener("input", () => {
      updateCloseConfirm();
      if (els.closeNote.value.trim()) showCloseError("");
    });

    els.promiseOpen.addEventListener("click", openPromiseDialog);
    els.promiseMinutes.addEventListener("click", (e) => {
      const b = e.target.closest("[data-minutes]");
      if (!b) return;
      els.promiseCustom.value = "";
      pressPromiseChoice(Number(b.dataset.minutes));
      onPromiseChoice();
    });
    els.promiseCustom.addEventListener("input", () => {
      pressPromiseChoice(els.promiseCustom.value.trim() ? NaN : 60);
      onPromiseChoice();
    });
    els.promiseNote.addEventListener("input", updatePromiseForm);
    els.promiseNote.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        confirmPromise();
      }
    });
    els.promiseConfirm.addEventListener("click", confirmPromise);
    els.promiseCancel.addEventListener("click", hidePromiseDialog);
    els.closeDialog.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && e.target === els.resolution) {
        e.preventDefault();
        confirmClose();
      }
    });
    els.convBannerDismiss.addEventListener("click", () => {
      if (state.open && (state.open.closed || state.open.gone)) openNext();
    });
    els.suggestRefresh.addEventListener("click", () => {
      if (state.openId && canReply()) openTicket(state.openId, { refresh: true });
    });
    els.cannedFilter.addEventListener("input", renderCanned);

    // Browsers only play sound after a user gesture: unlock audio on the first one.
    const unlock = () => ensureAudio();
    document.addEventListener("pointerdown", unlock, { once: true, capture: true });
    document.addEventListener("keydown", unlock, { once: true, capture: true });

    global.addEventListener("focus", stopFlash);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && document.hasFocus()) stopFlash();
    });

    setInterval(() => {
      tickWaits();
      tickPromises();
      tickAlerts();
    }, 1000);

    const token = session.get(TOKEN_KEY);
    if (token) startSession(token, null);
    else showLogin();
  }

  global.KefuStaff.ready(init);

  // exposed for tests
  global.KefuConsole = { _internals: { fmtWait, yuan, summaryText, safeUrl, fmtTime, fmtClock, durationText } };
})(window);

/*!
 * kefu shopper chat widget — plain ES2020, no build step, no framework.
 *
 * Usage (see README.md):
 *   <link rel="stylesheet" href="/static/widget.css">
 *   <script src="/vendor/socket.io.min.js"></script>
 *   <script src="/static/widget.js"></script>
 *   <script>KefuWidget.mount({element: document.getElementById("chat"), server: location.origin});</script>
 *
 * Speaks Rasa's socket.io channel protocol (session_request / session_confirm /
 * user_uttered / bot_uttered) plus kefu's extension events (session_history,
 * bot_typing, kefu_error, acknowledgements on user_uttered, user_sent_image).
 *
 * Security: everything coming from the shopper or the server is rendered as text
 * (textContent / createTextNode). innerHTML is never used.
 */
(function (global) {
  "use strict";

  const VERSION = "0.1.0";
  const STORAGE_KEY = "kefu.session_id";
  const PENDING_KEY = "kefu.pending"; // unsent shopper messages survive a page reload
  const MAX_PENDING = 50;
  const HISTORY_WAIT_MS = 1500; // send queued messages after session_history, or after this if none comes
  const ACK_TIMEOUT_MS = 10000;
  const IMAGE_ACK_TIMEOUT_MS = 30000;
  const TYPING_TIMEOUT_MS = 30000;
  const CONNECTED_NOTICE_MS = 1500;
  const MAX_LEN = 1000;
  const COUNTER_FROM = 900;
  const TIME_GAP_MS = 5 * 60 * 1000;
  // Pictures: the gateway takes up to 700 kB (docs/protocol.md); larger photos are shrunk here.
  const MAX_IMAGE_BYTES = 700000;
  const IMAGE_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"];
  const MAX_IMAGE_SIDE = 1600;
  const SENDERS = ["shopper", "bot", "agent", "system"];
  // Fields of a bot_uttered payload that are metadata, not content.
  const META_KEYS = ["sender", "message_id", "at", "agent_name", "recipient_id", "room", "session_id", "timestamp"];

  const STARTERS = [
    { label: "查订单", text: "我的订单到哪了" },
    { label: "物流查询", text: "快递到哪了" },
    { label: "退款/退货", text: "我想申请退款" },
    { label: "优惠券", text: "我有哪些优惠券" },
    { label: "转人工", text: "转人工" },
  ];

  const T = {
    title: "kefu 智能客服",
    subtitle: "7×24小时为您服务",
    welcome: "您好，我是 kefu 智能客服～\n订单、物流、退款、优惠券问题都可以问我，也可以随时转人工客服。",
    guess: "猜你想问",
    connecting: "连接中…",
    connected: "已连接",
    reconnecting: "网络断开，正在重连…",
    noSocketIo: "客服组件加载失败，请刷新页面重试",
    placeholder: "请输入您的问题…",
    inputLabel: "输入消息",
    send: "发送",
    attach: "发送图片",
    imageUnreadable: "无法读取这张图片，请换一张 JPG 或 PNG 格式的图片",
    imageTooLarge: "图片太大，压缩后仍超过 700KB，请换一张小一点的图片",
    sending: "发送中",
    queued: "等待网络",
    failed: "发送失败",
    retry: "重发",
    agent: "人工客服",
    bot: "智能客服",
    typing: "对方正在输入",
    queueAhead: (ahead, minutes) => `排队中：前面还有 ${ahead} 位，预计等待约 ${minutes} 分钟`,
    queueNext: (minutes) => `排队中：您是下一位，预计等待约 ${minutes} 分钟`,
    queueNobody: "暂无在线客服，您可以留言，客服上线后回复您",
    log: "聊天记录",
    quickReplies: "快捷回复",
    image: "图片",
    viewImage: "查看大图",
    video: "视频",
    file: "文件",
    openLink: "打开链接",
    card: "消息卡片",
    unsupported: "[暂不支持的消息类型]",
    open: "打开在线客服",
    close: "关闭客服窗口",
    yesterday: "昨天",
    // The gateway's error codes (docs/protocol.md) in the shopper's words; others show as sent.
    errors: {
      empty_message: "不能发送空白消息",
      message_too_long: "消息太长了，请分几次发送",
      reserved_command: "这条消息无法发送，请换个说法",
      rate_limited: "发送太快了，请稍等几秒再发",
      internal_error: "服务暂时有点忙，请稍后重发",
    },
  };

  /** A gateway error (``{code, message}``) as the shopper should read it. */
  function errorText(error) {
    if (!isObject(error)) return error === undefined ? undefined : asText(error);
    return T.errors[error.code] || asText(error.message || error.code);
  }

  // ---------------------------------------------------------------- helpers

  /** Build an element. Text is always set through textContent. */
  function h(tag, props, children) {
    const el = document.createElement(tag);
    if (props) {
      for (const [k, v] of Object.entries(props)) {
        if (v === undefined || v === null || v === false) continue;
        if (k === "class") el.className = v;
        else if (k === "text") el.textContent = v;
        else if (k === "dataset") Object.assign(el.dataset, v);
        else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
        else if (k === "hidden" || k === "disabled") el[k] = Boolean(v);
        else el.setAttribute(k, v === true ? "" : String(v));
      }
    }
    for (const c of [].concat(children || [])) {
      if (c === null || c === undefined || c === false) continue;
      el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return el;
  }

  function asText(v) {
    if (v === undefined || v === null) return "";
    return typeof v === "string" ? v : String(v);
  }

  function isObject(v) {
    return v !== null && typeof v === "object" && !Array.isArray(v);
  }

  /** Returns an absolute URL string when `src` is safe to load as media/link, else null. */
  function safeUrl(src, { allowDataImage = false, base = global.location.href } = {}) {
    if (typeof src !== "string" || !src.trim()) return null;
    const s = src.trim();
    if (allowDataImage && /^data:image\/(png|jpe?g|gif|webp);/i.test(s)) return s;
    try {
      // relative addresses (the gateway's /images/…) are the gateway's, not the host page's
      const u = new URL(s, base);
      if (u.protocol === "http:" || u.protocol === "https:") return u.href;
    } catch (_) {
      /* not a URL */
    }
    return null;
  }

  /** The first picture among the files of a paste or a drop, if any. */
  function imageIn(transfer) {
    const files = transfer && transfer.files ? [...transfer.files] : [];
    return files.find((f) => /^image\//.test(f.type)) || null;
  }

  /** The bytes of a `data:` URL, for sending a picture as binary. */
  function dataUrlBytes(dataUrl) {
    const binary = atob(dataUrl.slice(dataUrl.indexOf(",") + 1));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function readAsDataUrl(blob) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result));
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(blob);
    });
  }

  /**
   * A chosen file as a `data:` URL the gateway accepts: small pictures as they are, others
   * redrawn as JPEG at most MAX_IMAGE_SIDE wide or high, less sharp until they fit.
   * Rejects with T.imageUnreadable or T.imageTooLarge.
   */
  async function prepareImage(file) {
    const fits = IMAGE_TYPES.includes(file.type) && file.size <= MAX_IMAGE_BYTES;
    let bitmap;
    try {
      bitmap = await createImageBitmap(file);
    } catch (_) {
      throw new Error(T.imageUnreadable); // HEIC on a desktop, a renamed document…
    }
    if (fits && Math.max(bitmap.width, bitmap.height) <= MAX_IMAGE_SIDE) {
      bitmap.close();
      return readAsDataUrl(file);
    }
    for (const [side, quality] of [[MAX_IMAGE_SIDE, 0.85], [MAX_IMAGE_SIDE, 0.7], [1200, 0.7], [900, 0.6]]) {
      const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      const ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff"; // transparent areas of a PNG would turn black in a JPEG
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
      if (blob && blob.size <= MAX_IMAGE_BYTES) {
        bitmap.close();
        return readAsDataUrl(blob);
      }
    }
    bitmap.close();
    throw new Error(T.imageTooLarge);
  }

  function parseTime(at) {
    if (at) {
      const d = new Date(at);
      if (!Number.isNaN(d.getTime())) return d;
    }
    return new Date();
  }

  function pad2(n) {
    return String(n).padStart(2, "0");
  }

  function formatTime(d, now = new Date()) {
    const hm = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
    const startOfToday = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
    const t = d.getTime();
    if (t >= startOfToday) return hm;
    if (t >= startOfToday - 86400000) return `${T.yesterday} ${hm}`;
    if (d.getFullYear() === now.getFullYear()) return `${d.getMonth() + 1}月${d.getDate()}日 ${hm}`;
    return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日 ${hm}`;
  }

  const memoryStore = {};
  const store = {
    get(k) {
      try {
        return global.localStorage.getItem(k);
      } catch (_) {
        return memoryStore[k] || null;
      }
    },
    /** False when the browser refused (storage disabled or full): kept in memory for this page. */
    set(k, v) {
      memoryStore[k] = v;
      try {
        global.localStorage.setItem(k, v);
        return true;
      } catch (_) {
        return false;
      }
    },
    remove(k) {
      delete memoryStore[k];
      try {
        global.localStorage.removeItem(k);
      } catch (_) {
        /* ignore */
      }
    },
  };

  function normalizeButtons(list) {
    if (!Array.isArray(list)) return [];
    return list
      .filter(isObject)
      .map((b) => ({
        title: asText(b.title !== undefined ? b.title : b.payload),
        payload: asText(b.payload !== undefined ? b.payload : b.title),
        type: asText(b.type || b.content_type || ""),
        url: typeof b.url === "string" ? b.url : undefined,
      }))
      .filter((b) => b.title || b.payload);
  }

  /**
   * Normalises a bot_uttered payload or a session_history entry into
   * {sender, message_id, at, agent_name, text, title, quick_replies, attachment, custom}.
   * Returns null when there is nothing to show.
   */
  function normalizeMessage(p, { fromHistory = false } = {}) {
    if (typeof p === "string") p = { text: p };
    if (!isObject(p)) return null;
    const sender = SENDERS.includes(p.sender) ? p.sender : "bot";
    const m = {
      sender,
      message_id: p.message_id !== undefined && p.message_id !== null ? String(p.message_id) : undefined,
      at: p.at,
      agent_name: p.agent_name ? asText(p.agent_name) : undefined,
      text: p.text !== undefined && p.text !== null ? asText(p.text) : undefined,
      title: p.title ? asText(p.title) : undefined,
      quick_replies: normalizeButtons(p.quick_replies || p.buttons),
      attachment: p.attachment,
      custom: p.custom,
    };
    const hasContent = (m.text !== undefined && m.text !== "") || m.quick_replies.length || m.attachment || m.custom !== undefined;
    if (!hasContent && !fromHistory) {
      // Rasa's socketio channel emits custom JSON as the payload itself.
      const rest = {};
      for (const [k, v] of Object.entries(p)) if (!META_KEYS.includes(k)) rest[k] = v;
      if (Object.keys(rest).length) m.custom = rest;
      else return null;
    }
    if (!hasContent && fromHistory && m.custom === undefined) return null;
    return m;
  }

  // ---------------------------------------------------------------- widget

  class Widget {
    constructor(opts) {
      this.opts = opts;
      this.server = (opts.server || global.location.origin).replace(/\/+$/, "");
      this.floating = !opts.element;
      this.sessionId = store.get(STORAGE_KEY);
      this.ready = false; // connected AND session confirmed on this connection
      this.everConnected = false;
      this.outbox = []; // records waiting to be sent, in order
      this.inFlight = null;
      this.pending = new Map(); // localId -> shopper record not yet acknowledged (queued, sending, failed)
      this.historyTimer = null;
      this.seenIds = new Set();
      this.lastTime = 0;
      this.typingTimer = null;
      this.statusTimer = null;
      this.retryTimer = null;
      this.retryDelay = 2000;
      this.unread = 0;
      this.localSeq = 0;
      this.destroyed = false;
      this.buildDom();
      this.setStatus("connecting");
      this.restorePending();
      this.start();
    }

    // ------------------------------------------------------------ DOM

    buildDom() {
      const uid = `kefu-${Math.random().toString(36).slice(2, 9)}`;
      const title = this.opts.title || T.title;

      this.statusEl = h("div", {
        class: "kefu-status",
        role: "status",
        "aria-live": "polite",
        "data-testid": "status",
      });

      this.listEl = h("ol", {
        class: "kefu-messages",
        role: "log",
        "aria-live": "polite",
        "aria-relevant": "additions",
        "aria-label": T.log,
        "data-testid": "messages",
      });

      this.typingEl = h(
        "div",
        { class: "kefu-typing-row", hidden: true, "data-testid": "typing", "aria-label": T.typing, role: "status" },
        [
          h("div", { class: "kefu-avatar kefu-avatar--bot", "aria-hidden": "true", text: "客" }),
          h("div", { class: "kefu-typing" }, [
            h("span", { class: "kefu-dot" }),
            h("span", { class: "kefu-dot" }),
            h("span", { class: "kefu-dot" }),
          ]),
        ]
      );

      const starters = h(
        "div",
        { class: "kefu-starters", role: "group", "aria-label": T.guess },
        STARTERS.map((s) =>
          h("button", {
            type: "button",
            class: "kefu-chip",
            "data-testid": "starter",
            text: s.label,
            onclick: () => this.sendText(s.text),
          })
        )
      );

      const welcome = h("div", { class: "kefu-welcome" }, [
        h("div", { class: "kefu-avatar kefu-avatar--bot", "aria-hidden": "true", text: "客" }),
        h("div", { class: "kefu-welcome-card" }, [
          h("div", { class: "kefu-welcome-text", text: this.opts.welcome || T.welcome }),
          h("div", { class: "kefu-guess", text: T.guess }),
          starters,
        ]),
      ]);

      this.scrollEl = h("div", { class: "kefu-scroll" }, [welcome, this.listEl, this.typingEl]);

      this.inputEl = h("textarea", {
        id: `${uid}-input`,
        class: "kefu-input",
        rows: 1,
        maxlength: MAX_LEN,
        placeholder: T.placeholder,
        "aria-label": T.inputLabel,
        "aria-describedby": `${uid}-hint`,
        "data-testid": "input",
        autocomplete: "off",
        enterkeyhint: "send",
      });
      this.counterEl = h("span", { class: "kefu-counter", hidden: true, "aria-live": "polite" });
      this.sendBtn = h("button", {
        type: "submit",
        class: "kefu-send",
        "aria-label": T.send,
        "data-testid": "send",
        disabled: true,
        text: T.send,
      });
      this.fileEl = h("input", {
        type: "file",
        accept: IMAGE_TYPES.join(",") + ",image/*",
        class: "kefu-sr-only",
        tabindex: "-1",
        "aria-hidden": "true",
        "data-testid": "attach-input",
      });
      this.attachBtn = h("button", {
        type: "button",
        class: "kefu-attach",
        "aria-label": T.attach,
        title: T.attach,
        "data-testid": "attach",
        onclick: () => this.fileEl.click(),
      });
      this.formEl = h("form", { class: "kefu-composer", novalidate: true }, [
        h("label", { class: "kefu-sr-only", for: `${uid}-input`, text: T.inputLabel }),
        h("span", { class: "kefu-sr-only", id: `${uid}-hint`, text: "Enter 发送，Shift+Enter 换行，最多 1000 字" }),
        this.attachBtn,
        this.fileEl,
        h("div", { class: "kefu-input-wrap" }, [this.inputEl, this.counterEl]),
        this.sendBtn,
      ]);

      const header = h("header", { class: "kefu-header" }, [
        h("div", { class: "kefu-header-logo", "aria-hidden": "true", text: "客" }),
        h("div", { class: "kefu-header-text" }, [
          h("h2", { class: "kefu-title", id: `${uid}-title`, text: title }),
          h("div", { class: "kefu-subtitle", text: this.opts.subtitle || T.subtitle }),
        ]),
      ]);

      this.panelEl = h(
        "section",
        { class: "kefu-panel", "aria-labelledby": `${uid}-title`, role: this.floating ? "dialog" : "region" },
        [header, this.statusEl, this.scrollEl, this.formEl]
      );

      this.root = h("div", { class: `kefu-widget ${this.floating ? "kefu-floating" : "kefu-embedded"}` });

      if (this.floating) {
        this.closeBtn = h("button", {
          type: "button",
          class: "kefu-close",
          "aria-label": T.close,
          text: "×",
          onclick: () => this.close(),
        });
        header.appendChild(this.closeBtn);
        this.badgeEl = h("span", { class: "kefu-badge", hidden: true });
        this.launcherEl = h(
          "button",
          {
            type: "button",
            class: "kefu-launcher",
            "aria-label": T.open,
            "aria-expanded": "false",
            onclick: () => (this.isOpen ? this.close() : this.open()),
          },
          [h("span", { class: "kefu-launcher-icon", "aria-hidden": "true" }), this.badgeEl]
        );
        this.root.append(this.panelEl, this.launcherEl);
        this.isOpen = false;
        this.panelEl.hidden = true;
        document.body.appendChild(this.root);
        if (this.opts.open) this.open();
      } else {
        this.isOpen = true;
        this.root.appendChild(this.panelEl);
        this.opts.element.appendChild(this.root);
      }

      this.formEl.addEventListener("submit", (e) => {
        e.preventDefault();
        this.submitInput();
      });
      this.inputEl.addEventListener("keydown", (e) => {
        if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
          e.preventDefault();
          this.submitInput();
        }
      });
      this.inputEl.addEventListener("input", () => this.onInput());
      this.fileEl.addEventListener("change", () => {
        const file = this.fileEl.files && this.fileEl.files[0];
        this.fileEl.value = ""; // the same picture may be chosen again
        if (file) this.sendImageFile(file);
      });
      // A screenshot pasted into the input, or a picture dropped on the chat, is sent too.
      this.inputEl.addEventListener("paste", (e) => {
        const file = imageIn(e.clipboardData);
        if (!file) return; // text pastes as usual
        e.preventDefault();
        this.sendImageFile(file);
      });
      this.panelEl.addEventListener("dragover", (e) => {
        if (e.dataTransfer && [...e.dataTransfer.types].includes("Files")) e.preventDefault();
      });
      this.panelEl.addEventListener("drop", (e) => {
        const file = imageIn(e.dataTransfer);
        if (!file) return;
        e.preventDefault();
        this.sendImageFile(file);
      });
    }

    open() {
      if (!this.floating) return;
      this.isOpen = true;
      this.panelEl.hidden = false;
      this.root.classList.add("kefu-open");
      this.launcherEl.setAttribute("aria-expanded", "true");
      this.unread = 0;
      this.badgeEl.hidden = true;
      this.scrollToBottom(true);
      setTimeout(() => this.inputEl.focus(), 0);
    }

    close() {
      if (!this.floating) return;
      this.isOpen = false;
      this.panelEl.hidden = true;
      this.root.classList.remove("kefu-open");
      this.launcherEl.setAttribute("aria-expanded", "false");
      this.launcherEl.focus();
    }

    onInput() {
      if (this.inputEl.value) this.noteTyping();
      const len = this.inputEl.value.length;
      this.sendBtn.disabled = this.inputEl.value.trim() === "";
      if (len >= COUNTER_FROM) {
        this.counterEl.hidden = false;
        this.counterEl.textContent = `${len}/${MAX_LEN}`;
        this.counterEl.classList.toggle("kefu-counter--full", len >= MAX_LEN);
      } else {
        this.counterEl.hidden = true;
      }
      // auto-grow up to the CSS max-height
      this.inputEl.style.height = "";
      if (this.inputEl.value) {
        this.inputEl.style.height = "auto";
        this.inputEl.style.height = `${this.inputEl.scrollHeight}px`;
      }
    }

    submitInput() {
      const text = this.inputEl.value.slice(0, MAX_LEN).trim();
      if (!text) return;
      this.inputEl.value = "";
      this.onInput();
      this.sendText(text);
      this.inputEl.focus();
    }

    nearBottom() {
      const s = this.scrollEl;
      return s.scrollHeight - s.scrollTop - s.clientHeight < 120;
    }

    scrollToBottom(force) {
      if (!force && !this.nearBottom()) return;
      const s = this.scrollEl;
      s.scrollTop = s.scrollHeight;
      // once more after layout (images, fonts)
      requestAnimationFrame(() => {
        s.scrollTop = s.scrollHeight;
      });
    }

    // ------------------------------------------------------------ status & typing

    setStatus(state) {
      clearTimeout(this.statusTimer);
      const el = this.statusEl;
      el.dataset.state = state;
      el.className = `kefu-status kefu-status--${state}`;
      el.hidden = false;
      if (state === "connecting") el.textContent = T.connecting;
      else if (state === "disconnected") el.textContent = T.reconnecting;
      else if (state === "error") el.textContent = T.noSocketIo;
      else if (state === "connected") {
        el.textContent = T.connected;
        this.statusTimer = setTimeout(() => {
          el.hidden = true;
        }, CONNECTED_NOTICE_MS);
      }
    }

    /** Shows the shopper's place in the agent queue (server event `queue_status`). */
    setQueueStatus(data) {
      if (!data || typeof data.position !== "number") return;
      clearTimeout(this.statusTimer);
      const el = this.statusEl;
      el.dataset.state = "queue";
      el.className = "kefu-status kefu-status--queue";
      el.hidden = false;
      const minutes = Math.max(1, Number(data.wait_minutes) || 1);
      if (!data.agents_online) el.textContent = T.queueNobody;
      else if (data.position <= 1) el.textContent = T.queueNext(minutes);
      else el.textContent = T.queueAhead(data.position - 1, minutes);
    }

    clearQueueStatus() {
      if (this.statusEl.dataset.state === "queue") this.statusEl.hidden = true;
    }

    /** Tells the gateway the shopper is typing (forwarded to an agent, if one is there). */
    noteTyping() {
      if (!this.socket || !this.ready) return;
      const now = Date.now();
      if (!this.typingSent || now - this.typingSentAt > 2000) {
        this.socket.emit("user_typing", { typing: true });
        this.typingSent = true;
        this.typingSentAt = now;
      }
      clearTimeout(this.typingStopTimer);
      this.typingStopTimer = setTimeout(() => {
        this.typingSent = false;
        if (this.socket) this.socket.emit("user_typing", { typing: false });
      }, 3000);
    }

    setTyping(on, sender) {
      clearTimeout(this.typingTimer);
      const wasBottom = this.nearBottom();
      this.typingEl.hidden = !on;
      this.typingEl.dataset.sender = sender === "agent" ? "agent" : "bot";
      const av = this.typingEl.querySelector(".kefu-avatar");
      av.className = `kefu-avatar kefu-avatar--${sender === "agent" ? "agent" : "bot"}`;
      av.textContent = sender === "agent" ? "人" : "客";
      if (on) {
        this.typingTimer = setTimeout(() => this.setTyping(false), TYPING_TIMEOUT_MS);
        if (wasBottom) this.scrollToBottom(true);
      }
    }

    // ------------------------------------------------------------ rendering

    /** Inserts a time separator when more than 5 minutes passed since the previous message. */
    maybeTimeSeparator(date) {
      const t = date.getTime();
      if (!this.lastTime || t - this.lastTime > TIME_GAP_MS) {
        this.listEl.appendChild(
          h("li", { class: "kefu-time" }, [
            h("time", { datetime: date.toISOString(), text: formatTime(date) }),
          ])
        );
      }
      if (t > this.lastTime) this.lastTime = t;
    }

    /** Builds the <li> of one message. `rec` is a normalized message (+ local state for the shopper). */
    renderMessage(rec) {
      const sender = rec.sender;
      const li = h("li", {
        class: `kefu-msg kefu-msg--${sender}`,
        "data-testid": "message",
        "data-sender": sender,
      });
      if (rec.message_id) li.dataset.messageId = rec.message_id;
      rec.el = li;

      if (sender === "system") {
        li.appendChild(h("div", { class: "kefu-notice", text: rec.text || "" }));
        // The rating after an agent closes the chat comes as buttons on a notice.
        this.renderQuickReplies(li, rec.quick_replies);
        return li;
      }

      if (sender === "bot" || sender === "agent") {
        li.appendChild(
          h("div", {
            class: `kefu-avatar kefu-avatar--${sender}`,
            "aria-hidden": "true",
            text: sender === "agent" ? (rec.agent_name ? Array.from(rec.agent_name)[0] : "人") : "客",
          })
        );
      }

      const main = h("div", { class: "kefu-msg-main" });
      if (sender === "agent") {
        main.appendChild(
          h("div", { class: "kefu-msg-name", text: rec.agent_name ? `${T.agent} · ${rec.agent_name}` : T.agent })
        );
      } else if (sender === "bot") {
        main.appendChild(h("div", { class: "kefu-sr-only", text: `${T.bot}：` }));
      }

      if (sender === "shopper" && rec.attachment) {
        // A picture the shopper sent: the picture itself, with the send state beside it.
        const row = h("div", { class: "kefu-bubble-row" });
        rec.statusEl = h("div", { class: "kefu-send-state" });
        row.appendChild(rec.statusEl);
        this.renderAttachment(row, rec.attachment);
        main.appendChild(row);
        li.appendChild(main);
        this.updateSendState(rec);
        return li;
      }

      const shown = sender === "shopper" ? rec.title || rec.text : rec.text;
      if (shown !== undefined && shown !== "") {
        const row = h("div", { class: "kefu-bubble-row" });
        const bubble = h("div", { class: "kefu-bubble", text: shown });
        row.appendChild(bubble);
        if (sender === "shopper") {
          rec.statusEl = h("div", { class: "kefu-send-state" });
          row.insertBefore(rec.statusEl, bubble);
        }
        main.appendChild(row);
      }

      if (rec.attachment) this.renderAttachment(main, rec.attachment);
      if (rec.custom !== undefined) this.renderCustom(main, rec.custom);

      this.renderQuickReplies(main, rec.quick_replies);

      li.appendChild(main);
      if (sender === "shopper") this.updateSendState(rec);
      return li;
    }

    /** Buttons under a message: each sends its payload once, showing its title. */
    renderQuickReplies(parent, replies) {
      if (!replies || !replies.length) return;
      const group = h("div", { class: "kefu-quick-replies", role: "group", "aria-label": T.quickReplies });
      for (const qr of replies) {
        const url = qr.type === "web_url" ? safeUrl(qr.url) : null;
        if (url) {
          group.appendChild(
            h("a", {
              class: "kefu-qr kefu-qr--link",
              href: url,
              target: "_blank",
              rel: "noopener noreferrer",
              text: qr.title || T.openLink,
            })
          );
          continue;
        }
        group.appendChild(
          h("button", {
            type: "button",
            class: "kefu-qr",
            "data-testid": "quick-reply",
            text: qr.title || qr.payload,
            onclick: (e) => {
              if (group.dataset.used) return;
              group.dataset.used = "1";
              e.currentTarget.classList.add("kefu-qr--chosen");
              this.sendText(qr.payload || qr.title, qr.title && qr.title !== qr.payload ? qr.title : undefined);
            },
          })
        );
      }
      parent.appendChild(group);
    }

    renderAttachment(main, att) {
      if (!isObject(att)) {
        if (typeof att === "string" && safeUrl(att)) {
          main.appendChild(this.linkBubble(safeUrl(att), T.openLink));
        }
        return;
      }
      const payload = isObject(att.payload) ? att.payload : {};
      const type = att.type;
      if (type === "image") {
        const src = safeUrl(payload.src || payload.url, { allowDataImage: true, base: `${this.server}/` });
        if (!src) {
          main.appendChild(h("div", { class: "kefu-bubble", text: `[${T.image}]` }));
          return;
        }
        const img = h("img", { class: "kefu-image", src, alt: payload.alt ? asText(payload.alt) : T.image, loading: "lazy" });
        img.addEventListener("load", () => this.scrollToBottom(false));
        img.addEventListener("error", () => img.classList.add("kefu-image--broken"));
        const isHttp = /^https?:/i.test(src);
        main.appendChild(
          isHttp
            ? h("a", { class: "kefu-image-link", href: src, target: "_blank", rel: "noopener noreferrer", title: T.viewImage }, [img])
            : h("div", { class: "kefu-image-link" }, [img])
        );
        return;
      }
      if (type === "video") {
        const src = safeUrl(payload.src || payload.url);
        if (src) main.appendChild(h("video", { class: "kefu-video", src, controls: true, preload: "metadata" }));
        else main.appendChild(h("div", { class: "kefu-bubble", text: `[${T.video}]` }));
        return;
      }
      if (type === "file" || type === "audio") {
        const src = safeUrl(payload.src || payload.url);
        const name = asText(payload.name || payload.title || (type === "audio" ? "音频" : T.file));
        main.appendChild(src ? this.linkBubble(src, name) : h("div", { class: "kefu-bubble", text: `[${name}]` }));
        return;
      }
      if (type === "template" && Array.isArray(payload.elements)) {
        const track = h("div", { class: "kefu-cards", role: "list" });
        for (const el of payload.elements.filter(isObject)) track.appendChild(this.renderCard(el));
        main.appendChild(track);
        return;
      }
      this.renderCustom(main, att);
    }

    renderCard(el) {
      const card = h("div", { class: "kefu-card", role: "listitem" });
      const img = safeUrl(el.image_url, { allowDataImage: true });
      if (img) {
        const imgEl = h("img", { class: "kefu-card-image", src: img, alt: "", loading: "lazy" });
        imgEl.addEventListener("error", () => imgEl.remove());
        card.appendChild(imgEl);
      }
      const body = h("div", { class: "kefu-card-body" });
      if (el.title) body.appendChild(h("div", { class: "kefu-card-title", text: asText(el.title) }));
      if (el.subtitle) body.appendChild(h("div", { class: "kefu-card-subtitle", text: asText(el.subtitle) }));
      card.appendChild(body);
      const buttons = normalizeButtons(el.buttons);
      if (buttons.length) {
        const bar = h("div", { class: "kefu-card-buttons" });
        for (const b of buttons) {
          const url = b.type === "web_url" ? safeUrl(b.url || b.payload) : null;
          if (url) {
            bar.appendChild(
              h("a", { class: "kefu-card-button", href: url, target: "_blank", rel: "noopener noreferrer", text: b.title || T.openLink })
            );
          } else {
            bar.appendChild(
              h("button", {
                type: "button",
                class: "kefu-card-button",
                "data-testid": "card-button",
                text: b.title || b.payload,
                onclick: () => this.sendText(b.payload || b.title, b.title && b.title !== b.payload ? b.title : undefined),
              })
            );
          }
        }
        card.appendChild(bar);
      }
      return card;
    }

    linkBubble(href, label) {
      return h("div", { class: "kefu-bubble" }, [
        h("a", { class: "kefu-link", href, target: "_blank", rel: "noopener noreferrer", text: label }),
      ]);
    }

    /** Custom JSON: the host page may render it (opts.renderCustom), otherwise show its text or a collapsed dump. */
    renderCustom(main, custom) {
      const box = h("div", { class: "kefu-custom" });
      if (typeof this.opts.renderCustom === "function") {
        try {
          if (this.opts.renderCustom(custom, box) === true) {
            main.appendChild(box);
            return;
          }
        } catch (e) {
          console.warn("[kefu] renderCustom failed", e);
        }
      }
      if (typeof custom === "string") {
        main.appendChild(h("div", { class: "kefu-bubble", text: custom }));
        return;
      }
      if (isObject(custom) && typeof custom.text === "string") {
        main.appendChild(h("div", { class: "kefu-bubble", text: custom.text }));
        return;
      }
      let dump;
      try {
        dump = JSON.stringify(custom, null, 2);
      } catch (_) {
        dump = T.unsupported;
      }
      const title = isObject(custom) && typeof custom.title === "string" ? custom.title : T.card;
      box.appendChild(
        h("details", { class: "kefu-custom-details" }, [h("summary", { text: title }), h("pre", { class: "kefu-custom-json", text: dump })])
      );
      main.appendChild(box);
    }

    updateSendState(rec) {
      if (rec.localId) {
        if (rec.status === "sent") this.pending.delete(rec.localId);
        else this.pending.set(rec.localId, rec);
        this.savePending();
      }
      const li = rec.el;
      const st = rec.statusEl;
      if (!li) return;
      li.dataset.status = rec.status;
      if (!st) return;
      st.textContent = "";
      st.className = `kefu-send-state kefu-send-state--${rec.status}`;
      if (rec.status === "sending") {
        st.appendChild(h("span", { class: "kefu-spinner", role: "img", "aria-label": T.sending }));
      } else if (rec.status === "queued") {
        st.appendChild(h("span", { class: "kefu-send-note", text: T.queued }));
      } else if (rec.status === "failed") {
        st.appendChild(
          h("span", {
            class: "kefu-failed-icon",
            role: "img",
            "aria-label": rec.error ? `${T.failed}：${rec.error}` : T.failed,
            title: rec.error ? `${T.failed}：${rec.error}` : T.failed,
            text: "!",
          })
        );
        st.appendChild(
          h("button", {
            type: "button",
            class: "kefu-retry",
            "data-testid": "retry",
            text: T.retry,
            onclick: () => this.retry(rec),
          })
        );
      }
    }

    /** Appends a message record to the list (with a time separator when needed). */
    appendMessage(rec, { scroll = true } = {}) {
      const forceScroll = rec.sender === "shopper" || this.nearBottom();
      const date = parseTime(rec.at);
      rec.at = rec.at || date.toISOString();
      this.maybeTimeSeparator(date);
      this.listEl.appendChild(this.renderMessage(rec));
      if (rec.message_id) this.seenIds.add(rec.message_id);
      if (scroll) this.scrollToBottom(forceScroll);
      return rec;
    }

    /**
     * Only the last bot/agent message's quick replies stay clickable, and only until the
     * shopper replies; a notice with buttons (the rating after an agent closes) counts too.
     */
    refreshQuickReplies() {
      const msgs = this.listEl.querySelectorAll('[data-testid="message"]');
      let active = null;
      for (let i = msgs.length - 1; i >= 0; i--) {
        const s = msgs[i].dataset.sender;
        if (s === "system" && !msgs[i].querySelector(".kefu-quick-replies")) continue;
        if (s === "bot" || s === "agent" || s === "system") active = msgs[i];
        break;
      }
      for (const group of this.listEl.querySelectorAll(".kefu-quick-replies")) {
        const enabled = active !== null && active.contains(group) && !group.dataset.used;
        group.classList.toggle("kefu-quick-replies--disabled", !enabled);
        for (const b of group.querySelectorAll("button")) b.disabled = !enabled;
      }
    }

    addSystemNotice(text) {
      this.appendMessage({ sender: "system", text: asText(text) });
      this.refreshQuickReplies();
    }

    // ------------------------------------------------------------ sending

    sendText(message, title) {
      message = asText(message).slice(0, MAX_LEN);
      if (!message.trim()) return null;
      return this.enqueue({ text: message, title: title ? asText(title) : undefined });
    }

    async sendImageFile(file) {
      let dataUrl;
      try {
        dataUrl = await prepareImage(file);
      } catch (e) {
        this.addSystemNotice(e && e.message ? e.message : T.imageUnreadable);
        return null;
      }
      return this.sendImage(dataUrl);
    }

    /** Sends a picture (a `data:` URL) like a message: shown at once, queued while offline. */
    sendImage(dataUrl) {
      return this.enqueue({ text: "", image: dataUrl, attachment: { type: "image", payload: { src: dataUrl } } });
    }

    /** Shows a shopper message at once and queues it to be sent in order. */
    enqueue(fields) {
      const rec = {
        sender: "shopper",
        localId: `${Date.now().toString(36)}-${++this.localSeq}-${Math.random().toString(36).slice(2, 6)}`,
        ...fields,
        at: new Date().toISOString(),
        status: this.ready ? "sending" : "queued",
      };
      this.appendMessage(rec);
      this.refreshQuickReplies();
      this.outbox.push(rec);
      this.pump();
      return rec;
    }

    retry(rec) {
      if (rec.status !== "failed") return;
      rec.error = undefined;
      rec.status = this.ready ? "sending" : "queued";
      rec.at = new Date().toISOString();
      // move the bubble to the end of the conversation
      if (rec.el && rec.el.parentNode) rec.el.remove();
      this.pending.delete(rec.localId); // re-inserted last by updateSendState
      this.appendMessage(rec);
      this.refreshQuickReplies();
      this.outbox.push(rec);
      this.pump();
    }

    savePending() {
      const items = [...this.pending.values()].slice(-MAX_PENDING).map((r) => ({
        localId: r.localId,
        text: r.text,
        title: r.title,
        image: r.image,
        at: r.at,
        status: r.status,
      }));
      if (!items.length) {
        store.remove(PENDING_KEY);
        return;
      }
      const save = (list) => store.set(PENDING_KEY, JSON.stringify({ session_id: this.sessionId || null, items: list }));
      // Pictures are large: if the browser's storage is full, keep at least the words.
      if (!save(items)) save(items.filter((it) => !it.image));
    }

    /** Shows (and re-queues) messages that were not sent before the page was left. */
    restorePending() {
      let saved;
      try {
        saved = JSON.parse(store.get(PENDING_KEY) || "null");
      } catch (_) {
        saved = null;
      }
      if (!isObject(saved) || !Array.isArray(saved.items)) return;
      if (saved.session_id && this.sessionId && saved.session_id !== this.sessionId) return;
      for (const it of saved.items) {
        if (!isObject(it) || typeof it.text !== "string" || !it.localId) continue;
        const image = typeof it.image === "string" && /^data:image\//.test(it.image) ? it.image : undefined;
        const rec = {
          sender: "shopper",
          localId: String(it.localId),
          text: it.text.slice(0, MAX_LEN),
          title: typeof it.title === "string" ? it.title : undefined,
          image,
          attachment: image ? { type: "image", payload: { src: image } } : undefined,
          at: it.at,
          // a message that was in flight may have been stored: let the shopper decide to resend it
          status: it.status === "queued" ? "queued" : "failed",
        };
        this.appendMessage(rec, { scroll: false });
        if (rec.status === "queued") this.outbox.push(rec);
      }
      this.savePending();
    }

    pump() {
      if (!this.ready || this.inFlight || !this.outbox.length || !this.socket) return;
      const rec = this.outbox.shift();
      this.inFlight = rec;
      rec.status = "sending";
      this.updateSendState(rec);
      const event = rec.image ? "user_sent_image" : "user_uttered";
      const payload = rec.image
        ? { image: dataUrlBytes(rec.image), session_id: this.sessionId, customData: this.customData }
        : { message: rec.text, session_id: this.sessionId, customData: this.customData };
      if (rec.title) payload.title = rec.title;
      let done = false;
      const finish = (ok, resp, errText) => {
        if (done) return;
        done = true;
        if (this.inFlight === rec) this.inFlight = null;
        if (ok) {
          rec.status = "sent";
          if (resp && resp.message_id !== undefined && resp.message_id !== null) {
            rec.message_id = String(resp.message_id);
            if (this.seenIds.has(rec.message_id) && rec.el) {
              // the server history already shows this message: drop the local copy
              rec.el.remove();
            } else {
              this.seenIds.add(rec.message_id);
              if (rec.el) rec.el.dataset.messageId = rec.message_id;
            }
          }
        } else {
          rec.status = "failed";
          rec.error = errText;
        }
        this.updateSendState(rec);
        this.pump();
      };
      // a picture may take a while to go up on a slow connection
      const wait = rec.image ? IMAGE_ACK_TIMEOUT_MS : ACK_TIMEOUT_MS;
      this.socket.timeout(wait).emit(event, payload, (err, resp) => {
        if (err) return finish(false, null, undefined);
        // A plain Rasa server acks with no data: treat as stored.
        if (isObject(resp) && resp.ok === false) {
          return finish(false, resp, isObject(resp.error) ? errorText(resp.error) : undefined);
        }
        return finish(true, resp);
      });
    }

    // ------------------------------------------------------------ connection

    async start() {
      if (typeof global.io !== "function") {
        this.setStatus("error");
        console.error("[kefu] socket.io client (window.io) is missing: load /vendor/socket.io.min.js first");
        return;
      }
      if (Object.prototype.hasOwnProperty.call(this.opts, "customData")) {
        this.customData = this.opts.customData || {};
      } else {
        this.customData = await this.fetchIdentity();
      }
      if (this.destroyed) return;
      this.connect();
    }

    async fetchIdentity() {
      try {
        const res = await fetch(`${this.server}/api/demo/identity`, { headers: { Accept: "application/json" } });
        if (!res.ok) return {}; // 404 outside demo mode: anonymous
        const data = await res.json();
        return isObject(data) ? data : {};
      } catch (e) {
        console.warn("[kefu] identity lookup failed, connecting anonymously", e);
        return {};
      }
    }

    connect() {
      // `auth` tells the gateway this client understands kefu's extensions (extra fields on bot_uttered, acks…).
      const ioOpts = { transports: ["websocket", "polling"], auth: { client: "kefu-widget", version: VERSION } };
      if (this.opts.path) ioOpts.path = this.opts.path;
      const socket = global.io(this.server, ioOpts);
      this.socket = socket;

      socket.on("connect", () => {
        this.retryDelay = 2000;
        this.ready = false;
        socket.emit("session_request", { session_id: this.sessionId || null });
      });

      socket.on("session_confirm", (data) => {
        const id = isObject(data) ? data.session_id : data;
        if (id !== undefined && id !== null && id !== "") {
          this.sessionId = String(id);
          store.set(STORAGE_KEY, this.sessionId);
        }
        this.everConnected = true;
        this.setStatus("connected");
        // Queued messages go out once the history has been shown (so they are not wiped by it),
        // or shortly after the confirmation when the server sends no history (plain Rasa).
        clearTimeout(this.historyTimer);
        this.historyTimer = setTimeout(() => this.becomeReady(), HISTORY_WAIT_MS);
      });

      socket.on("session_history", (data) => this.onHistory(data));
      socket.on("bot_uttered", (data) => {
        if (data && data.sender === "agent") this.clearQueueStatus();
        this.onBotUttered(data);
      });
      socket.on("queue_status", (data) => this.setQueueStatus(data));
      // The same session open in another tab: show what the shopper sent there.
      socket.on("shopper_uttered", (data) => this.onBotUttered({ ...data, sender: "shopper" }));
      socket.on("bot_typing", (data) => {
        const on = isObject(data) ? Boolean(data.typing) : Boolean(data);
        this.setTyping(on, isObject(data) ? data.sender : undefined);
      });
      socket.on("kefu_error", (data) => {
        const msg = errorText(data);
        if (msg) this.addSystemNotice(msg);
      });

      socket.on("disconnect", (reason) => {
        this.ready = false;
        clearTimeout(this.historyTimer);
        this.setTyping(false);
        this.setStatus(this.everConnected ? "disconnected" : "connecting");
        for (const rec of this.outbox) {
          rec.status = "queued";
          this.updateSendState(rec);
        }
        // The client reconnects by itself unless the server closed the session.
        if (reason === "io server disconnect") this.scheduleReconnect();
      });

      socket.on("connect_error", () => {
        this.ready = false;
        if (this.everConnected) this.setStatus("disconnected");
        // socket.active === false: the server refused the connection; retry later ourselves.
        if (!socket.active) this.scheduleReconnect();
      });
    }

    becomeReady() {
      clearTimeout(this.historyTimer);
      if (this.ready || !this.socket || !this.socket.connected) return;
      this.ready = true;
      for (const rec of this.outbox) {
        rec.status = "sending";
        this.updateSendState(rec);
      }
      this.pump();
    }

    scheduleReconnect() {
      clearTimeout(this.retryTimer);
      const delay = this.retryDelay;
      this.retryDelay = Math.min(this.retryDelay * 2, 30000);
      this.retryTimer = setTimeout(() => {
        if (!this.destroyed && this.socket && !this.socket.connected) this.socket.connect();
      }, delay);
    }

    onHistory(data) {
      if (!isObject(data) || !Array.isArray(data.messages)) return;
      if (data.session_id && this.sessionId && String(data.session_id) !== this.sessionId) return;
      // Replace what is shown, keeping local shopper messages that are not stored yet.
      const pending = [...this.pending.values()];
      this.listEl.textContent = "";
      this.seenIds = new Set();
      this.lastTime = 0;
      for (const raw of data.messages) {
        const m = normalizeMessage(raw, { fromHistory: true });
        if (!m) continue;
        if (m.message_id && this.seenIds.has(m.message_id)) continue;
        if (m.sender === "shopper") m.status = "sent";
        this.appendMessage(m, { scroll: false });
      }
      for (const rec of pending) {
        if (rec.message_id && this.seenIds.has(rec.message_id)) continue;
        this.appendMessage(rec, { scroll: false });
      }
      this.refreshQuickReplies();
      this.scrollToBottom(true);
      this.becomeReady();
    }

    onBotUttered(data) {
      const m = normalizeMessage(data);
      if (!m) return;
      if (m.message_id && this.seenIds.has(m.message_id)) return;
      if (m.sender === "shopper") {
        // The shopper's own message relayed by the server (e.g. sent from another tab of the same session).
        const mine = this.inFlight;
        if (mine && (mine.title || mine.text) === (m.title || m.text)) return; // our ack is on its way
        m.status = "sent";
      } else {
        this.setTyping(false);
      }
      this.appendMessage(m);
      this.refreshQuickReplies();
      if (this.floating && !this.isOpen && (m.sender === "bot" || m.sender === "agent")) {
        this.unread += 1;
        this.badgeEl.hidden = false;
        this.badgeEl.textContent = this.unread > 99 ? "99+" : String(this.unread);
      }
    }

    destroy() {
      this.destroyed = true;
      clearTimeout(this.typingTimer);
      clearTimeout(this.statusTimer);
      clearTimeout(this.retryTimer);
      clearTimeout(this.historyTimer);
      if (this.socket) this.socket.disconnect();
      this.root.remove();
    }
  }

  const instances = [];

  const KefuWidget = {
    version: VERSION,
    /**
     * Mounts the widget.
     * @param {object} options
     * @param {HTMLElement} [options.element]  container; omitted → floating launcher + panel
     * @param {string} [options.server]        gateway origin (default: location.origin)
     * @param {object} [options.customData]    identity {shopper_id, signature}; omitted → GET /api/demo/identity
     * @param {string} [options.title]         header title (default 「kefu 智能客服」)
     * @param {string} [options.subtitle]      header subtitle
     * @param {string} [options.welcome]       welcome text
     * @param {string} [options.path]          socket.io path (default "/socket.io")
     * @param {boolean} [options.open]         floating mode: start opened
     * @param {function} [options.renderCustom] (custom, container) => true when it rendered a custom payload
     */
    mount(options = {}) {
      if (options.element && !(options.element instanceof Element)) {
        throw new TypeError("KefuWidget.mount: element must be a DOM element");
      }
      const w = new Widget(options);
      instances.push(w);
      return {
        send: (text, title) => w.sendText(text, title),
        open: () => w.open(),
        close: () => w.close(),
        destroy: () => {
          w.destroy();
          const i = instances.indexOf(w);
          if (i >= 0) instances.splice(i, 1);
        },
        get socket() {
          return w.socket;
        },
        get sessionId() {
          return w.sessionId;
        },
        element: w.root,
      };
    },
    // exposed for unit tests
    _internals: { normalizeMessage, safeUrl, formatTime },
  };

  global.KefuWidget = KefuWidget;
})(window);

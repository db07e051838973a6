/*!
 * kefu trainer page (训练工作台) — plain ES2020, no build step, no framework.
 *
 * Served by the gateway at /trainer (trainer.html), /trainer/static/trainer.js and
 * /trainer/static/trainer.css; the helpers shared with the agent console come from
 * /ui/staff.js (KefuStaff) and /ui/staff.css. Speaks the REST API under /api/login and /api/trainer.
 *
 * Security: everything that comes from shoppers or the server is rendered as text
 * (textContent / createTextNode, also inside SVG). innerHTML is never used.
 */
(function (global) {
  "use strict";

  const { append, h, $, asText, isObject, label, pad2, parseTime, fmtTime, session, ApiError } = global.KefuStaff;

  const TOKEN_KEY = "kefu.trainer_token";
  const USER_KEY = "kefu.trainer_user"; // /api/me refuses trainers, so the login's answer is kept
  const PENDING_KEY = "kefu.trainer_pending";
  const ALLOWED_ROLES = ["trainer", "supervisor"];
  const ROLES = { trainer: "训练师", supervisor: "主管", agent: "客服" };
  const REFUSED = "此页面仅供训练师使用";
  const EXPIRED = "登录已失效，请重新登录";
  const POLL_MS = 1000;
  const INBOX_EVERY_MS = 20000;
  const FINAL = ["deployed", "blocked", "failed", "trained"];
  const STEPS = ["queued", "training", "evaluating", "deploying"];
  const STATUS = {
    queued: "排队中",
    training: "训练中",
    evaluating: "评测中",
    deploying: "上线中",
    deployed: "已上线",
    blocked: "已拦截",
    failed: "失败",
    trained: "已训练（未上线）",
  };
  const TONE = {
    queued: "info",
    training: "info",
    evaluating: "info",
    deploying: "info",
    deployed: "ok",
    blocked: "warn",
    failed: "danger",
    trained: "muted",
  };
  const REASONS = { fallback: "兜底", low_confidence: "低置信", out_of_scope: "不会答", handoff: "转人工" };
  const NAME_RE = /^[a-z][a-z0-9_]{2,39}$/;
  const SVG_NS = "http://www.w3.org/2000/svg";

  // ---------------------------------------------------------------- helpers

  /** Build an SVG element; strings become text nodes. */
  function svg(tag, attrs, children) {
    const el = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== undefined && v !== null) el.setAttribute(k, String(v));
    }
    return append(el, children);
  }

  function num(v) {
    return typeof v === "number" && Number.isFinite(v) ? v : null;
  }

  function pct(v, digits = 1) {
    const n = num(v);
    return n === null ? "—" : `${(n * 100).toFixed(digits)}%`;
  }

  function fixed3(v) {
    const n = num(v);
    return n === null ? "—" : n.toFixed(3);
  }

  /** A list's length, or the number itself: the API may send either. */
  function countOf(v) {
    if (Array.isArray(v)) return v.length;
    return num(v) === null ? 0 : v;
  }

  function lines(text) {
    const seen = new Set();
    for (const line of asText(text).split(/\r?\n/)) {
      const t = line.trim();
      if (t) seen.add(t);
    }
    return [...seen];
  }

  function fmtSeconds(v) {
    const n = num(v);
    if (n === null) return "";
    const s = Math.round(n);
    return s < 60 ? `${s} 秒` : `${s} 秒（${Math.floor(s / 60)} 分 ${s % 60} 秒）`;
  }

  // ---------------------------------------------------------------- state

  const state = {
    token: null,
    user: null,
    tab: "inbox",
    groups: [],
    total: 0,
    groupById: new Map(),
    itemByKey: new Map(), // String(miss id) → {item, group}
    selected: new Set(), // String(miss id)
    expanded: new Set(), // group ids
    intents: [],
    busy: false,
    inboxLoading: false,
    runs: [],
    details: new Map(), // run id → finished run with metrics details
    latestGen: 0,
    run: null,
    runGen: 0,
    runStart: 0,
    pollTimer: null,
    pending: 0, // examples added from this tab since the last deployed run
    pendingAtRun: 0,
    changed: null, // the server: data differs from what the deployed model learnt
  };
  const els = {};
  const errs = {};
  let toast = null; // toast(text, tone), made in bindEvents() on #toast

  // ---------------------------------------------------------------- REST

  /** fetch JSON from the gateway; a 401 on an authenticated call ends the session. */
  const api = global.KefuStaff.apiClient({ token: () => state.token, onExpired: () => expireSession(EXPIRED) });

  function errorText(err) {
    if (typeof err === "string") return err;
    if (!(err instanceof ApiError)) return "无法连接服务器，请检查网络后重试";
    if (err.message) return err.message;
    if (err.status === 403) return "没有权限执行此操作";
    if (err.status === 404) return "内容不存在，可能已被其他训练师处理";
    if (err.status === 409) return "与现有数据冲突";
    if (err.status === 429) return "操作太频繁，请稍后再试";
    return `请求失败（${err.status}）`;
  }

  /** Show (or with null hide) an error box {wrap, text, list}; conflicts are listed. */
  function showError(box, err) {
    box.wrap.hidden = !err;
    box.text.textContent = err ? errorText(err) : "";
    if (!box.list) return;
    const conflicts = err instanceof ApiError ? err.conflicts : [];
    box.list.replaceChildren(
      ...conflicts.map((c) =>
        h("li", { "data-testid": "conflict" }, [
          h("span", { class: "quote", text: `「${asText(c.text)}」` }),
          " 已是意图 ",
          h("b", { class: "mono", text: asText(c.intent) }),
          " 的例句",
        ])
      )
    );
  }

  function errorBox(prefix, withList) {
    return { wrap: $(`${prefix}-error`), text: $(`${prefix}-error-text`), list: withList ? $(`${prefix}-conflicts`) : null };
  }

  // ---------------------------------------------------------------- login

  let login = null; // the login card: {show(message), hide()}, made in bindEvents()

  function allowed(user) {
    return isObject(user) && ALLOWED_ROLES.includes(user.role);
  }

  function storedUser() {
    try {
      const user = JSON.parse(session.get(USER_KEY) || "null");
      return allowed(user) ? user : null;
    } catch (_) {
      return null;
    }
  }

  /** A token kept from earlier in this tab: the trainer API must still accept it. */
  async function resume(token) {
    const user = storedUser();
    if (!user) return endSession("");
    state.token = token;
    try {
      await api("/api/trainer/status");
      startSession(token, user);
    } catch (err) {
      // 401 has ended the session already; 403: the user's role changed.
      if (state.token) endSession(err instanceof ApiError && err.status === 403 ? REFUSED : errorText(err));
    }
  }

  function startSession(token, user) {
    state.token = token;
    state.user = user;
    session.set(TOKEN_KEY, token);
    session.set(USER_KEY, JSON.stringify(user));
    login.hide();
    els.meName.textContent = asText(user.name || user.display_name || user.username) || "—";
    els.meRole.textContent = label(ROLES, user.role);
    setTab("inbox");
    loadInbox();
    loadIntents();
    loadHistory({ resume: true });
    loadStatus();
  }

  function endSession(message) {
    clearTimeout(state.pollTimer);
    state.runGen += 1;
    Object.assign(state, { token: null, user: null, run: null, groups: [], total: 0, runs: [], intents: [], changed: null });
    state.selected.clear();
    state.expanded.clear();
    state.details.clear();
    session.remove(TOKEN_KEY);
    session.remove(USER_KEY);
    els.runPanel.hidden = true;
    els.newIntentForm.hidden = true;
    login.show(message);
  }

  /** The token is no longer valid (401 from any call). */
  function expireSession(message) {
    if (state.token) endSession(message);
  }

  // ---------------------------------------------------------------- tabs

  function setTab(name) {
    state.tab = name;
    for (const tab of els.tabs) {
      const on = tab.dataset.tab === name;
      tab.setAttribute("aria-selected", String(on));
      tab.classList.toggle("is-active", on);
      $(`panel-${tab.dataset.tab}`).hidden = !on;
    }
  }

  function onTab(name) {
    setTab(name);
    if (name === "inbox") loadInbox();
    else if (name === "intents") loadIntents();
    else loadHistory();
  }

  // ---------------------------------------------------------------- inbox

  function itemsOf(group) {
    return Array.isArray(group.items) ? group.items.filter((i) => isObject(i) && i.id !== undefined && i.id !== null) : [];
  }

  function keysOf(group) {
    return itemsOf(group).map((i) => String(i.id));
  }

  function indexGroups() {
    state.groupById.clear();
    state.itemByKey.clear();
    for (const g of state.groups) {
      state.groupById.set(asText(g.id), g);
      for (const item of itemsOf(g)) state.itemByKey.set(String(item.id), { item, group: g });
    }
    for (const k of [...state.selected]) if (!state.itemByKey.has(k)) state.selected.delete(k);
  }

  async function loadInbox() {
    if (state.inboxLoading || !state.token) return;
    state.inboxLoading = true;
    els.inboxRefresh.disabled = true;
    try {
      const data = await api("/api/trainer/inbox?limit=100");
      state.groups = isObject(data) && Array.isArray(data.groups) ? data.groups.filter(isObject) : [];
      const counted = state.groups.reduce((n, g) => n + (num(g.count) ?? itemsOf(g).length), 0);
      state.total = isObject(data) && num(data.total) !== null ? data.total : counted;
      indexGroups();
      renderInbox();
    } catch (err) {
      if (state.token) toast(`待处理问题加载失败：${errorText(err)}`, "error");
    } finally {
      state.inboxLoading = false;
      els.inboxRefresh.disabled = false;
    }
  }

  function renderInbox() {
    els.inbox.replaceChildren(...state.groups.map(groupRow));
    els.inboxEmpty.hidden = state.groups.length > 0;
    els.inboxTotal.textContent = String(state.total);
    syncChecks();
  }

  function reasonTags(reasons) {
    return [].concat(reasons || []).map((r) =>
      h("span", { class: `tag tag--${asText(r)}`, "data-testid": "reason-tag", "data-reason": asText(r), text: label(REASONS, r) })
    );
  }

  function intentGuess(intent, confidence, testid) {
    const c = num(confidence);
    const low = c !== null && c < 0.5;
    if (!intent) return h("span", { class: "guess guess--none", "data-testid": testid, text: "未识别" });
    return h("span", { class: "guess", "data-testid": testid, title: "模型的猜测" }, [
      "预测 ",
      h("span", { class: "mono", text: asText(intent) }),
      c === null ? null : h("span", { class: low ? "conf conf--low" : "conf", text: pct(c, 0) }),
    ]);
  }

  /**
   * What shoppers picked from 「您是不是想问」 for these messages. A pick of a
   * known intent is a button: it ticks the group and chooses that intent.
   */
  function choiceTags(choices, keys) {
    return [].concat(choices || []).filter(isObject).map((c) => {
      const name = asText(c.intent);
      const n = num(c.count) ?? 1;
      const text = `顾客选了 ${name === "request_human" ? "都不是" : name}${n > 1 ? ` ×${n}` : ""}`;
      const known = name !== "request_human" && state.intents.some((i) => i.name === name);
      const attrs = { class: "tag tag--choice", "data-testid": "shopper-choice", "data-intent": name, text };
      if (!known) return h("span", { ...attrs, title: "顾客在「您是不是想问」里的选择" });
      return h("button", {
        ...attrs,
        type: "button",
        title: "勾选这组，并选中这个意图",
        onclick: (event) => {
          event.preventDefault(); // inside the group's label: do not toggle its box
          useChoice(keys, name);
        },
      });
    });
  }

  function useChoice(keys, name) {
    toggleKeys(keys, true);
    els.intentSearch.value = "";
    renderIntentOptions();
    els.intentSelect.value = name;
    onIntentPicked();
  }

  function timeEl(at, testid) {
    const d = parseTime(at);
    return h("time", { class: "muted", "data-testid": testid, datetime: d ? d.toISOString() : null, text: fmtTime(d) });
  }

  function groupRow(g) {
    const gid = asText(g.id);
    const items = itemsOf(g);
    const count = num(g.count) ?? items.length;
    const keys = keysOf(g);
    const box = h("input", { type: "checkbox", class: "check", "data-testid": "group-select", disabled: !keys.length });
    box.addEventListener("change", () => toggleKeys(keys, box.checked));
    const expanded = state.expanded.has(gid);
    return h("li", { class: "group", "data-testid": "inbox-group", "data-group-id": gid, "data-count": count }, [
      h("label", { class: "group-body" }, [
        box,
        h("span", { class: "group-main" }, [
          h("span", { class: "group-line" }, [
            h("span", { class: "group-text", "data-testid": "group-text", text: asText(g.representative) }),
            h("span", { class: "badge", "data-testid": "group-count", title: `共 ${count} 条相似问题`, text: `×${count}` }),
          ]),
          h("span", { class: "group-meta" }, [
            intentGuess(g.intent, g.confidence, "group-intent"),
            ...reasonTags(g.reasons),
            ...choiceTags(g.shopper_choices, keys),
            timeEl(g.newest_at, "group-time"),
          ]),
        ]),
      ]),
      items.length > 1 || expanded
        ? h("button", {
            class: "link-btn group-expand",
            type: "button",
            "data-testid": "group-expand",
            "aria-expanded": String(expanded),
            text: expanded ? "收起" : `展开 ${items.length} 条`,
            onclick: () => toggleExpand(gid),
          })
        : null,
      expanded ? h("ul", { class: "items" }, items.map(itemRow)) : null,
    ]);
  }

  function itemRow(item) {
    const key = String(item.id);
    const box = h("input", { type: "checkbox", class: "check", "data-testid": "item-select", "data-key": key });
    box.addEventListener("change", () => toggleKeys([key], box.checked));
    return h("li", { class: "item", "data-testid": "inbox-item", "data-miss-id": key }, [
      h("label", { class: "item-body" }, [
        box,
        h("span", { class: "item-text", "data-testid": "item-text", text: asText(item.text) }),
        h("span", { class: "group-meta" }, [
          intentGuess(item.intent, item.confidence, "item-intent"),
          ...reasonTags(item.reason),
          timeEl(item.at, "item-time"),
        ]),
      ]),
    ]);
  }

  function toggleExpand(gid) {
    if (state.expanded.has(gid)) state.expanded.delete(gid);
    else state.expanded.add(gid);
    renderInbox();
  }

  function toggleKeys(keys, on) {
    for (const k of keys) {
      if (on) state.selected.add(k);
      else state.selected.delete(k);
    }
    syncChecks();
  }

  /** Tick boxes and highlight rows from state.selected without rebuilding the list. */
  function syncChecks() {
    for (const li of els.inbox.children) {
      const g = state.groupById.get(li.dataset.groupId);
      if (!g) continue;
      const keys = keysOf(g);
      const picked = keys.filter((k) => state.selected.has(k)).length;
      const box = li.querySelector("[data-testid=group-select]");
      box.checked = keys.length > 0 && picked === keys.length;
      box.indeterminate = picked > 0 && picked < keys.length;
      li.classList.toggle("is-selected", picked > 0);
      for (const ib of li.querySelectorAll("[data-testid=item-select]")) ib.checked = state.selected.has(ib.dataset.key);
    }
    renderSelection();
  }

  function selectedIds() {
    return [...state.selected].filter((k) => state.itemByKey.has(k)).map((k) => state.itemByKey.get(k).item.id);
  }

  function selectedTexts() {
    const texts = [];
    for (const g of state.groups) {
      for (const item of itemsOf(g)) {
        const t = asText(item.text).trim();
        if (state.selected.has(String(item.id)) && t && !texts.includes(t)) texts.push(t);
      }
    }
    return texts;
  }

  function renderSelection() {
    const n = state.selected.size;
    const groups = state.groups.filter((g) => keysOf(g).some((k) => state.selected.has(k))).length;
    els.selectionCount.textContent = n ? `已选 ${n} 条（${groups} 组）` : "未选择";
    els.selectionCount.dataset.count = String(n);
    els.selectionClear.hidden = !n;
    els.labelSubmit.disabled = !n || !els.intentSelect.value || state.busy;
    els.dismiss.disabled = !n || state.busy;
    els.newIntentSubmit.disabled = state.busy;
    els.newIntentMiss.textContent = n ? `创建后，已勾选的 ${n} 条问题会移出待处理列表` : "";
  }

  /** Drop handled misses from the list (the server has removed them too). */
  function removeMisses(ids) {
    const gone = new Set(ids.map(String));
    let removed = 0;
    state.groups = state.groups.filter((g) => {
      const items = itemsOf(g);
      const keep = items.filter((i) => !gone.has(String(i.id)));
      const n = items.length - keep.length;
      if (!n) return true;
      removed += n;
      g.items = keep;
      g.count = Math.max(keep.length, (num(g.count) ?? items.length) - n);
      if (keep.length && !keep.some((i) => i.text === g.representative)) g.representative = keep[0].text;
      return keep.length > 0;
    });
    state.total = Math.max(0, state.total - removed);
    for (const k of gone) state.selected.delete(k);
    indexGroups();
    renderInbox();
  }

  async function act(box, work) {
    if (state.busy) return;
    state.busy = true;
    renderSelection();
    showError(box, null);
    try {
      await work();
    } catch (err) {
      showError(box, err);
    } finally {
      state.busy = false;
      renderSelection();
    }
  }

  async function labelSelected() {
    const ids = selectedIds();
    const intent = els.intentSelect.value;
    if (!ids.length) return showError(errs.action, "请先勾选要标注的问题");
    if (!intent) return showError(errs.action, "请先选择一个意图");
    await act(errs.action, async () => {
      const data = await api("/api/trainer/label", { method: "POST", body: { miss_ids: ids, intent } });
      const added = countOf(isObject(data) ? data.added : null);
      const dup = countOf(isObject(data) ? data.duplicates : null);
      removeMisses(ids);
      addPending(added);
      loadStatus();
      const tail = dup ? `，${dup} 条原本就是例句` : "";
      toast(`已将 ${ids.length} 条问题标注到「${intent}」，新增 ${added} 条例句${tail}`, "ok");
      loadIntents();
    });
  }

  async function dismissSelected() {
    const ids = selectedIds();
    if (!ids.length) return;
    await act(errs.action, async () => {
      const data = await api("/api/trainer/dismiss", { method: "POST", body: { miss_ids: ids } });
      removeMisses(ids);
      const n = isObject(data) && num(data.dismissed) !== null ? data.dismissed : ids.length;
      toast(`已忽略 ${n} 条问题`, "ok");
    });
  }

  // ---------------------------------------------------------------- intents

  async function loadIntents() {
    if (!state.token) return;
    try {
      const data = await api("/api/trainer/intents");
      const list = isObject(data) && Array.isArray(data.intents) ? data.intents : [];
      state.intents = list.filter((i) => isObject(i) && typeof i.name === "string");
      state.intents.sort((a, b) => a.name.localeCompare(b.name));
      renderIntentOptions();
      renderIntents();
      renderInbox(); // shoppers' picks of known intents become buttons
    } catch (err) {
      if (state.token) toast(`意图列表加载失败：${errorText(err)}`, "error");
    }
  }

  function matches(intent, q) {
    return !q || [intent.name, asText(intent.response), asText(intent.title)].some((t) => t.toLowerCase().includes(q));
  }

  /** The searchable select: the search box narrows the options and picks the best match. */
  function renderIntentOptions() {
    const q = els.intentSearch.value.trim().toLowerCase();
    const prev = els.intentSelect.value;
    const found = state.intents.filter((i) => matches(i, q));
    const head = q ? (found.length ? `匹配 ${found.length} 个意图` : "没有匹配的意图") : "选择意图…";
    els.intentSelect.replaceChildren(
      h("option", { value: "", text: head }),
      ...found.map((i) => h("option", { value: i.name, text: `${i.name}（${countOf(i.examples)} 句）` }))
    );
    const exact = found.find((i) => i.name.toLowerCase() === q);
    let pick = found.some((i) => i.name === prev) ? prev : "";
    if (q && exact) pick = exact.name;
    else if (q && !pick && found.length) pick = found[0].name;
    els.intentSelect.value = pick;
    onIntentPicked();
  }

  function onIntentPicked() {
    const chosen = state.intents.find((i) => i.name === els.intentSelect.value);
    els.intentSelect.title = chosen && chosen.response ? `回答：${chosen.response}` : "";
    renderSelection();
  }

  function renderIntents() {
    const q = els.intentsFilter.value.trim().toLowerCase();
    const rows = state.intents.filter((i) => matches(i, q)).map((i) =>
      h("tr", { "data-testid": "intent-row", "data-intent": i.name }, [
        h("td", { class: "mono", "data-testid": "intent-name", text: i.name }),
        h("td", { class: "num", text: String(countOf(i.examples)) }),
        titleCell(i),
        i.response
          ? h("td", { class: "response", text: asText(i.response) })
          : h("td", { class: "muted", text: "（由业务流程回答）" }),
      ])
    );
    if (!rows.length) rows.push(h("tr", {}, h("td", { class: "empty", colspan: 4, text: q ? "没有匹配的意图" : "还没有意图" })));
    els.intentList.replaceChildren(...rows);
    els.intentTotal.textContent = String(state.intents.length);
  }

  /** The intent's 「您是不是想问」 title, with a button that edits it in place. */
  function titleCell(intent) {
    const shown = h("span", {
      class: intent.title ? "" : "muted", "data-testid": "intent-title",
      text: intent.title ? asText(intent.title) : "（不推荐）",
    });
    const edit = h("button", {
      class: "btn btn--sm btn--ghost", type: "button", "data-testid": "title-edit",
      "aria-label": `修改「${intent.name}」的推荐按钮`, text: "修改",
      onclick: () => editTitle(cell, intent),
    });
    const cell = h("td", { class: "intent-title" }, [shown, " ", edit]);
    return cell;
  }

  function editTitle(cell, intent) {
    const input = h("input", {
      class: "input input--sm", maxlength: "20", "data-testid": "title-input",
      placeholder: "不填则不推荐", "aria-label": `「${intent.name}」的推荐按钮`,
    });
    input.value = asText(intent.title);
    const error = h("span", { class: "form-error-text small", "data-testid": "title-error", role: "alert" });
    const save = async () => {
      if (save.busy) return;
      save.busy = true;
      try {
        const data = await api(`/api/trainer/intents/${encodeURIComponent(intent.name)}/title`,
                               { method: "PUT", body: { title: input.value.trim() } });
        const updated = isObject(data) && isObject(data.intent) ? data.intent : null;
        intent.title = updated ? updated.title : input.value.trim() || null;
        renderIntents();
        loadStatus();
        toast(intent.title ? `「${intent.name}」将以「${intent.title}」推荐，训练上线后生效`
                           : `「${intent.name}」不再被推荐，训练上线后生效`, "ok");
      } catch (err) {
        error.textContent = errorText(err);
        input.focus();
      } finally {
        save.busy = false;
      }
    };
    const buttons = [
      h("button", { class: "btn btn--sm btn--primary", type: "button", "data-testid": "title-save", text: "保存", onclick: save }),
      h("button", { class: "btn btn--sm", type: "button", "data-testid": "title-cancel", text: "取消", onclick: renderIntents }),
    ];
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter") save();
      else if (e.key === "Escape") renderIntents();
    });
    cell.replaceChildren(input, " ", ...buttons, error);
    input.focus();
  }

  function openNewIntent() {
    const have = lines(els.newIntentExamples.value);
    const add = selectedTexts().filter((t) => !have.includes(t));
    if (add.length) els.newIntentExamples.value = [...have, ...add].join("\n");
    els.newIntentForm.hidden = false;
    (els.newIntentName.value.trim() ? els.newIntentExamples : els.newIntentName).focus();
  }

  function newIntentProblem(name, examples, answer) {
    if (!name) return ["name", "请填写意图名称"];
    if (!NAME_RE.test(name)) return ["name", "意图名只能用小写字母、数字和下划线，以字母开头，3–40 个字符"];
    if (!examples.length) return ["examples", "请至少填写一条例句"];
    if (!answer) return ["answer", "请填写机器人的回答"];
    return null;
  }

  async function submitNewIntent(e) {
    e.preventDefault();
    const fields = { name: els.newIntentName, examples: els.newIntentExamples, answer: els.newIntentAnswer, title: els.newIntentTitle };
    const name = fields.name.value.trim();
    const examples = lines(fields.examples.value);
    const answer = fields.answer.value.trim();
    const title = fields.title.value.trim();
    const problem = newIntentProblem(name, examples, answer);
    for (const [k, el] of Object.entries(fields)) el.classList.toggle("input--invalid", !!problem && problem[0] === k);
    if (problem) {
      showError(errs.newIntent, problem[1]);
      fields[problem[0]].focus();
      return;
    }
    const ids = selectedIds();
    await act(errs.newIntent, async () => {
      const data = await api("/api/trainer/intents", { method: "POST", body: { name, examples, answer, title, miss_ids: ids } });
      const created = isObject(data) && isObject(data.intent) ? data.intent : { name };
      removeMisses(ids);
      addPending(examples.length);
      loadStatus();
      for (const el of Object.values(fields)) el.value = "";
      els.newIntentForm.hidden = true;
      toast(`已新建意图「${asText(created.name) || name}」，含 ${examples.length} 条例句`, "ok");
      await loadIntents();
    });
  }

  // ---------------------------------------------------------------- pending

  function setPending(n) {
    state.pending = Math.max(0, Math.floor(num(n) ?? 0));
    session.set(PENDING_KEY, String(state.pending));
    const n2 = state.pending;
    const on = n2 > 0 || state.changed === true;
    els.pending.textContent = n2 > 0 ? `待训练 ${n2} 条` : on ? "待训练：数据有改动" : "无待训练改动";
    els.pending.dataset.count = String(n2);
    els.pending.dataset.changed = String(on);
    els.pending.classList.toggle("is-on", on);
  }

  /** Ask the server whether the data changed since the last deployed run. */
  async function loadStatus() {
    if (!state.token) return;
    try {
      const data = await api("/api/trainer/status");
      if (!isObject(data) || typeof data.changed !== "boolean") return;
      state.changed = data.changed;
      setPending(data.changed ? state.pending : 0);
    } catch (_) {
      /* the counter keeps what this tab knows */
    }
  }

  function addPending(n) {
    setPending(state.pending + countOf(n));
  }

  // ---------------------------------------------------------------- train & deploy

  function runOf(data) {
    if (isObject(data) && isObject(data.run)) return data.run;
    return isObject(data) && data.id !== undefined ? data : null;
  }

  function isFinal(run) {
    return !!run && FINAL.includes(run.status);
  }

  function runUrl(run, tail = "") {
    return `/api/trainer/runs/${encodeURIComponent(asText(run.id))}${tail}`;
  }

  async function startRun() {
    showError(errs.train, null);
    els.trainDeploy.disabled = true;
    try {
      const data = await api("/api/trainer/runs", { method: "POST", body: { deploy: true } });
      state.pendingAtRun = state.pending;
      track(runOf(data), Date.now());
      loadHistory();
    } catch (err) {
      showError(errs.train, err);
    } finally {
      updateTrainButton();
    }
  }

  /** Show a run and poll it every second until its status is final. */
  function track(run, localStart) {
    if (!run) return;
    clearTimeout(state.pollTimer);
    state.runGen += 1;
    state.run = run;
    const started = parseTime(run.started_at);
    state.runStart = localStart || (started ? started.getTime() : Date.now());
    renderRun();
    if (!isFinal(run)) schedulePoll(state.runGen);
  }

  function schedulePoll(gen) {
    state.pollTimer = setTimeout(() => pollRun(gen), POLL_MS);
  }

  async function pollRun(gen) {
    const run = state.run;
    if (!run || !state.token || gen !== state.runGen) return;
    let next = null;
    try {
      next = runOf(await api(runUrl(run)));
    } catch (_) {
      /* a blip: keep polling; a 401 ended the session */
    }
    if (gen !== state.runGen || !state.token) return;
    if (next) state.run = next;
    renderRun();
    if (isFinal(state.run)) finishRun(state.run);
    else schedulePoll(gen);
  }

  function finishRun(run) {
    const st = run.status;
    if (st === "deployed") {
      setPending(state.pending - state.pendingAtRun);
      state.pendingAtRun = 0;
      toast(`新模型已上线，用时 ${fmtSeconds(run.seconds && run.seconds.total) || "—"}`, "ok");
    } else if (st === "blocked") toast("新模型不如线上模型，已拦截上线", "warn");
    else if (st === "failed") toast(`训练失败：${asText(run.error) || "未知错误"}`, "error");
    else toast("训练完成（未上线）");
    state.details.delete(run.id);
    loadHistory();
    loadStatus();
  }

  function updateTrainButton() {
    const running = !!state.run && !isFinal(state.run);
    els.trainDeploy.disabled = running;
    els.trainDeploy.textContent = running ? "训练中…" : "训练并上线";
  }

  function renderSteps(st) {
    const idx = STEPS.indexOf(st);
    const doneUpTo = st === "deployed" ? 4 : st === "blocked" || st === "trained" ? 3 : idx;
    els.runSteps.querySelectorAll("li").forEach((li, i) => {
      let s = i < doneUpTo ? "done" : i === idx ? "active" : "";
      if (st === "blocked" && i === 3) s = "stopped";
      if (st === "failed") s = "";
      li.dataset.state = s;
    });
  }

  function renderRun() {
    const run = state.run;
    els.runPanel.hidden = !run;
    updateTrainButton();
    if (!run) return;
    const st = asText(run.status);
    els.runPanel.dataset.status = st;
    els.runStatus.textContent = label(STATUS, st);
    els.runStatus.className = `chip chip--${TONE[st] || "muted"}`;
    els.runId.textContent = run.id !== undefined && run.id !== null ? `#${run.id}` : "";
    els.runStage.textContent = asText(run.stage);
    els.runStage.hidden = isFinal(run); // the outcome box below says it
    renderSteps(st);
    tickElapsed();
    const total = fmtSeconds(run.seconds && run.seconds.total);
    els.runDone.hidden = st !== "deployed" && st !== "trained";
    els.runDone.textContent =
      st === "deployed" ? `已上线${total ? `，用时 ${total}` : ""}` : `已训练完成，未上线${total ? `（用时 ${total}）` : ""}`;
    els.runFailed.hidden = st !== "failed";
    els.runFailed.textContent = `训练失败：${asText(run.error) || asText(run.stage) || "未知错误"}`;
    els.runBlocked.hidden = st !== "blocked";
    if (st === "blocked") renderBlocked(run);
    renderEffect(els.runEffect, isFinal(run) ? run : null);
  }

  /**
   * What the test split cannot show: how the new model reads the messages labelled since
   * the previous run, and which intents have no test sentence (their accuracy is unmeasured).
   */
  function renderEffect(box, run) {
    const metrics = run && isObject(run.metrics) ? run.metrics : null;
    box.hidden = !metrics;
    if (!metrics) {
      box.replaceChildren();
      return;
    }
    const labelled = isObject(run.labelled) ? run.labelled : null;
    const untested = Array.isArray(metrics.untested_intents) ? metrics.untested_intents.map(asText) : [];
    box.replaceChildren(...(labelled ? labelledReport(labelled) : []), ...(untested.length ? [untestedNote(untested)] : []));
    box.hidden = !box.childNodes.length;
  }

  function labelledReport(labelled) {
    const total = countOf(labelled.total);
    const correct = countOf(labelled.correct);
    if (!total) return [h("p", { class: "effect-summary", "data-testid": "labelled-summary", text: "自上次训练以来没有新标注的消息" })];
    const misses = Array.isArray(labelled.misses) ? labelled.misses.filter(isObject) : [];
    const tone = correct === total ? "effect-summary effect-summary--ok" : "effect-summary effect-summary--warn";
    return [
      h("p", { class: tone, "data-testid": "labelled-summary", "data-total": total, "data-correct": correct, text: `本次标注的 ${total} 条消息：新模型识别正确 ${correct} 条` }),
      misses.length
        ? h("ul", { class: "effect-misses", "data-testid": "labelled-misses" }, misses.map(labelledMiss))
        : null,
    ];
  }

  function labelledMiss(m) {
    const how = m.fell_back ? `（仍会兜底，最可能是 ${asText(m.predicted)} ${pct(m.confidence, 0)}）` : `${asText(m.predicted)} ${pct(m.confidence, 0)}`;
    return h("li", { "data-testid": "labelled-miss", "data-intent": asText(m.intent) }, [
      h("span", { class: "quote", text: `「${asText(m.text)}」` }),
      " 标为 ",
      h("b", { class: "mono", text: asText(m.intent) }),
      "，新模型识别为 ",
      h("span", { class: "mono", text: how }),
    ]);
  }

  function untestedNote(names) {
    return h("p", { class: "effect-untested", role: "note", "data-testid": "untested-intents" }, [
      h("b", { text: "未衡量：" }),
      h("span", { class: "mono", text: names.join("、") }),
      ` 在测试集中没有例句，准确率、各意图表现和混淆矩阵都不包含${names.length > 1 ? "它们" : "它"}。请在 tests/nlu/ 中补充测试句。`,
    ]);
  }

  function points(v) {
    const n = num(v);
    return n === null ? null : `${(n * 100).toFixed(1)} 个百分点`;
  }

  function renderBlocked(run) {
    const verdict = isObject(run.verdict) ? run.verdict : {};
    els.runVerdict.textContent = asText(verdict.reason) || "新模型评测结果不如线上模型";
    els.runMargin.textContent = points(verdict.margin) || "—";
    els.runAccNew.textContent = pct(isObject(run.metrics) ? run.metrics.accuracy : null);
    els.runAccServing.textContent = pct(isObject(run.baseline) ? run.baseline.accuracy : null);
  }

  function tickElapsed() {
    const run = state.run;
    if (!run) return;
    if (isFinal(run)) {
      const total = fmtSeconds(run.seconds && run.seconds.total);
      els.runElapsed.textContent = total ? `共 ${total}` : "";
    } else {
      els.runElapsed.textContent = `已用时 ${Math.max(0, Math.floor((Date.now() - state.runStart) / 1000))} 秒`;
    }
  }

  async function submitOverride(e) {
    e.preventDefault();
    const reason = els.overrideReason.value.trim();
    const run = state.run;
    if (!reason) {
      showError(errs.override, "请填写仍要上线的原因");
      els.overrideReason.focus();
      return;
    }
    if (!run) return;
    showError(errs.override, null);
    els.overrideSubmit.disabled = true;
    try {
      const data = await api(runUrl(run, "/deploy"), { method: "POST", body: { override_reason: reason } });
      els.overrideReason.value = "";
      track(runOf(data) || { ...run, status: "deploying" }, Date.now());
    } catch (err) {
      showError(errs.override, err);
    } finally {
      els.overrideSubmit.disabled = false;
    }
  }

  // ---------------------------------------------------------------- history

  async function loadHistory({ resume: resuming = false } = {}) {
    if (!state.token) return;
    try {
      const data = await api("/api/trainer/runs?limit=50");
      state.runs = isObject(data) && Array.isArray(data.runs) ? data.runs.filter(isObject) : [];
      renderHistory();
      const latest = state.runs[0];
      if (resuming && latest && !state.run && (!isFinal(latest) || latest.status === "blocked")) {
        state.pendingAtRun = state.pending;
        track(latest, 0);
      }
    } catch (err) {
      if (state.token) toast(`训练记录加载失败：${errorText(err)}`, "error");
    }
  }

  function renderHistory() {
    renderChart();
    const rows = state.runs.map(historyRow);
    if (!rows.length) rows.push(h("tr", {}, h("td", { class: "empty", colspan: 8, text: "还没有训练记录" })));
    els.historyRows.replaceChildren(...rows);
    renderLatest();
  }

  function versus(run) {
    const acc = num(isObject(run.metrics) ? run.metrics.accuracy : null);
    const base = num(isObject(run.baseline) ? run.baseline.accuracy : null);
    if (acc === null) return { text: "—", tone: "" };
    if (base === null) return { text: "首个模型", tone: "" };
    const d = (acc - base) * 100;
    const text = `${d > 0 ? "+" : d < 0 ? "−" : "±"}${Math.abs(d).toFixed(1)}%`;
    return { text, tone: d > 0.05 ? "up" : d < -0.05 ? "down" : "", title: `线上模型 ${pct(base)}` };
  }

  function historyRow(run) {
    const st = asText(run.status);
    const metrics = isObject(run.metrics) ? run.metrics : {};
    const vs = versus(run);
    const hash = asText(run.data_hash);
    const overridden = isObject(run.verdict) && run.verdict.overridden;
    return h("tr", { "data-testid": "history-row", "data-run-id": asText(run.id), "data-status": st }, [
      h("td", { text: fmtTime(parseTime(run.started_at)) || "—" }),
      h("td", { text: asText(run.triggered_by) || "—" }),
      h("td", { class: "mono", title: hash || null, text: hash.slice(0, 8) || "—" }),
      h("td", { class: "num", text: pct(metrics.accuracy) }),
      h("td", { class: "num", text: fixed3(metrics.macro_f1) }),
      h("td", { class: `num vs ${vs.tone ? `vs--${vs.tone}` : ""}`, title: vs.title, text: vs.text }),
      h("td", {}, [
        h("span", { class: `chip chip--${TONE[st] || "muted"}`, text: label(STATUS, st) }),
        overridden ? h("span", { class: "chip chip--warn chip--inline", text: "强制上线" }) : null,
      ]),
      h("td", { class: "reason-cell", text: asText(run.override_reason) }),
    ]);
  }

  function chartScale(runs) {
    const accs = runs.map((r) => num(isObject(r.metrics) ? r.metrics.accuracy : null)).filter((v) => v !== null);
    const lo = accs.length ? Math.max(0, Math.floor((Math.min(...accs) - 0.05) * 10) / 10) : 0.5;
    return { lo, hi: 1, step: 1 - lo > 0.3 ? 0.1 : 0.05 };
  }

  /** Accuracy over runs (oldest left), one circle per run; runs without metrics sit on the axis. */
  function renderChart() {
    const runs = [...state.runs].reverse();
    const W = 760;
    const H = 220;
    const box = { l: 52, r: 20, t: 14, b: 34 };
    const { lo, hi, step } = chartScale(runs);
    const inset = 24; // keeps the first and last points off the axis labels
    const span = W - box.l - box.r - 2 * inset;
    const x = (i) => (runs.length <= 1 ? box.l + inset + span / 2 : box.l + inset + (i * span) / (runs.length - 1));
    const y = (v) => box.t + ((hi - v) * (H - box.t - box.b)) / (hi - lo);
    const chart = svg("svg", {
      class: "chart-svg",
      viewBox: `0 0 ${W} ${H}`,
      role: "img",
      "aria-label": "历次训练准确率",
      "data-testid": "accuracy-chart",
    });
    const ticks = Math.round((hi - lo) / step);
    for (let k = 0; k <= ticks; k += 1) {
      const v = lo + k * step;
      chart.append(
        svg("line", { class: "grid", x1: box.l, x2: W - box.r, y1: y(v), y2: y(v) }),
        svg("text", { class: "axis", x: box.l - 8, y: y(v), "text-anchor": "end", "dominant-baseline": "middle" }, pct(v, 0))
      );
    }
    if (!runs.length) {
      chart.append(svg("text", { class: "axis", x: W / 2, y: H / 2, "text-anchor": "middle" }, "还没有训练记录"));
    }
    const pts = runs
      .map((r, i) => [i, num(isObject(r.metrics) ? r.metrics.accuracy : null)])
      .filter(([, v]) => v !== null)
      .map(([i, v]) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`);
    if (pts.length > 1) chart.append(svg("polyline", { class: "line", points: pts.join(" ") }));
    const every = Math.max(1, Math.ceil(runs.length / 8));
    runs.forEach((r, i) => {
      chart.append(chartPoint(r, x(i), y, H - box.b));
      if (i % every === 0 || i === runs.length - 1) {
        const d = parseTime(r.started_at);
        const text = d ? `${d.getMonth() + 1}/${d.getDate()} ${pad2(d.getHours())}:${pad2(d.getMinutes())}` : `#${asText(r.id)}`;
        chart.append(svg("text", { class: "axis", x: x(i), y: H - box.b + 18, "text-anchor": "middle" }, text));
      }
    });
    els.chartBox.replaceChildren(chart);
  }

  function chartPoint(run, cx, y, floor) {
    const acc = num(isObject(run.metrics) ? run.metrics.accuracy : null);
    const st = asText(run.status);
    const tip = [
      fmtTime(parseTime(run.started_at)),
      asText(run.triggered_by),
      acc === null ? "无评测结果" : `准确率 ${pct(acc)}`,
      label(STATUS, st),
    ].filter(Boolean);
    return svg(
      "circle",
      {
        class: `pt pt--${st}${acc === null ? " pt--none" : ""}`,
        cx: cx.toFixed(1),
        cy: (acc === null ? floor : y(acc)).toFixed(1),
        r: 5,
        "data-testid": "chart-point",
        "data-run-id": asText(run.id),
        "data-status": st,
      },
      svg("title", {}, tip.join(" · "))
    );
  }

  /** The newest run with metrics: its confusion heatmap, per-intent table and confused pairs. */
  async function renderLatest() {
    const gen = (state.latestGen += 1);
    const latest = state.runs.find((r) => isObject(r.metrics));
    if (!latest) {
      els.latest.hidden = true;
      return;
    }
    let run = state.details.get(latest.id);
    if (!run) {
      try {
        run = runOf(await api(runUrl(latest)));
      } catch (err) {
        if (state.token) toast(`评测详情加载失败：${errorText(err)}`, "error");
        return;
      }
      if (run && isFinal(run)) state.details.set(latest.id, run);
    }
    if (gen !== state.latestGen) return;
    const metrics = run && isObject(run.metrics) ? run.metrics : null;
    els.latest.hidden = !metrics;
    if (!metrics) return;
    const when = fmtTime(parseTime(run.started_at));
    const tested = num(metrics.n_test) === null ? "" : ` · 测试句 ${metrics.n_test}`;
    els.latestTitle.textContent = `最近一次评测 · #${asText(run.id)} ${when} · 准确率 ${pct(metrics.accuracy)}${tested}`;
    renderEffect(els.latestEffect, run);
    renderHeatmap(isObject(metrics.confusion) ? metrics.confusion : {});
    const untested = Array.isArray(metrics.untested_intents) ? metrics.untested_intents.map(asText) : [];
    renderPerIntent(Array.isArray(metrics.per_intent) ? metrics.per_intent.filter(isObject) : [], untested);
    renderPairs(Array.isArray(metrics.confused_pairs) ? metrics.confused_pairs.filter(isObject) : []);
  }

  function cellFill(diagonal, share, count) {
    if (!count) return "#f4f5f7";
    const alpha = (0.18 + 0.82 * share).toFixed(2);
    return diagonal ? `rgba(47, 111, 228, ${alpha})` : `rgba(229, 55, 43, ${alpha})`;
  }

  function renderHeatmap(confusion) {
    const labels = Array.isArray(confusion.labels) ? confusion.labels.map(asText) : [];
    const matrix = Array.isArray(confusion.matrix) ? confusion.matrix : [];
    if (!labels.length) {
      els.heatmapBox.replaceChildren(h("p", { class: "empty", text: "没有混淆矩阵数据" }));
      return;
    }
    const n = labels.length;
    const cell = Math.max(14, Math.min(30, Math.floor(560 / n)));
    const longest = Math.max(...labels.map((l) => l.length));
    const left = Math.min(190, 14 + longest * 7);
    const top = Math.min(150, 14 + longest * 6);
    const W = left + n * cell + 40;
    const H = top + n * cell + 6;
    const map = svg("svg", {
      class: "heatmap",
      width: W,
      height: H,
      viewBox: `0 0 ${W} ${H}`,
      role: "img",
      "aria-label": "混淆矩阵：行是真实意图，列是预测意图",
      "data-testid": "confusion-heatmap",
    });
    labels.forEach((gold, i) => {
      const row = Array.isArray(matrix[i]) ? matrix[i].map((v) => num(v) ?? 0) : [];
      const sum = row.reduce((a, b) => a + b, 0);
      map.append(svg("text", { class: "hm-label", x: left - 6, y: top + i * cell + cell / 2, "text-anchor": "end", "dominant-baseline": "middle" }, gold));
      labels.forEach((predicted, j) => map.append(heatCell(gold, predicted, row[j] || 0, sum, left + j * cell, top + i * cell, cell, i === j)));
    });
    labels.forEach((predicted, j) => {
      const cx = left + j * cell + cell / 2;
      map.append(svg("text", { class: "hm-label", x: cx, y: top - 6, transform: `rotate(-50 ${cx} ${top - 6})` }, predicted));
    });
    els.heatmapBox.replaceChildren(map);
  }

  function heatCell(gold, predicted, count, rowSum, x, y, size, diagonal) {
    const share = rowSum ? count / rowSum : 0;
    const tip = `${gold} → ${predicted}: ${count}`;
    const g = svg("g", {}, [
      svg(
        "rect",
        {
          class: "hm-cell",
          x,
          y,
          width: size - 1,
          height: size - 1,
          fill: cellFill(diagonal, share, count),
          title: tip,
          "data-testid": "heatmap-cell",
          "data-gold": gold,
          "data-predicted": predicted,
          "data-count": count,
        },
        svg("title", {}, tip)
      ),
    ]);
    if (count && size >= 20) {
      const light = 0.18 + 0.82 * share > 0.55;
      g.append(
        svg(
          "text",
          { class: light ? "hm-num hm-num--light" : "hm-num", x: x + (size - 1) / 2, y: y + (size - 1) / 2, "text-anchor": "middle", "dominant-baseline": "central" },
          String(count)
        )
      );
    }
    return g;
  }

  function renderPerIntent(rows, untested = []) {
    const f1 = (r) => num(r.f1) ?? Infinity;
    const sorted = [...rows].sort((a, b) => f1(a) - f1(b) || asText(a.intent).localeCompare(asText(b.intent)));
    const out = sorted.map((r) => {
      const bar = h("span", { class: "f1-fill" });
      bar.style.width = `${Math.round(Math.max(0, Math.min(1, num(r.f1) ?? 0)) * 100)}%`;
      const tone = num(r.f1) !== null && r.f1 < 0.7 ? " f1--low" : "";
      return h("tr", { "data-testid": "per-intent-row", "data-intent": asText(r.intent) }, [
        h("td", { class: "mono", text: asText(r.intent) }),
        h("td", { class: "num", text: pct(r.precision) }),
        h("td", { class: "num", text: pct(r.recall) }),
        h("td", { class: `f1${tone}` }, [h("span", { class: "f1-bar" }, bar), h("span", { class: "f1-val", text: fixed3(r.f1) })]),
        h("td", { class: "num", text: asText(r.support) || "—" }),
      ]);
    });
    // Untested intents get a row too: leaving them out would hide that they went unmeasured.
    for (const name of untested) {
      out.push(
        h("tr", { class: "untested", "data-testid": "per-intent-untested", "data-intent": name }, [
          h("td", { class: "mono", text: name }),
          h("td", { colspan: 3, class: "muted", text: "未衡量：测试集中没有这个意图的例句" }),
          h("td", { class: "num", text: "0" }),
        ])
      );
    }
    if (!out.length) out.push(h("tr", {}, h("td", { class: "empty", colspan: 5, text: "没有数据" })));
    els.perIntentRows.replaceChildren(...out);
  }

  function renderPairs(pairs) {
    const sorted = [...pairs].sort((a, b) => countOf(b.count) - countOf(a.count));
    const out = sorted.map((p) =>
      h("li", { class: "pair", "data-testid": "confused-pair", "data-gold": asText(p.gold), "data-predicted": asText(p.predicted) }, [
        h("div", { class: "pair-head" }, [
          h("span", { class: "mono", text: asText(p.gold) }),
          h("span", { class: "arrow", text: " → " }),
          h("span", { class: "mono", text: asText(p.predicted) }),
          h("span", { class: "badge", text: `×${countOf(p.count)}` }),
        ]),
        h(
          "ul",
          { class: "pair-examples" },
          [].concat(p.examples || []).slice(0, 3).map((t) => h("li", { class: "quote", text: `「${asText(t)}」` }))
        ),
      ])
    );
    if (!out.length) out.push(h("li", { class: "empty", text: "没有被混淆的意图" }));
    els.confusedPairs.replaceChildren(...out);
  }

  // ---------------------------------------------------------------- try it

  async function submitTry(e) {
    e.preventDefault();
    const text = els.tryInput.value.trim();
    if (!text) return els.tryInput.focus();
    els.trySubmit.disabled = true;
    try {
      renderTry(text, await api("/api/trainer/parse", { method: "POST", body: { text } }));
    } catch (err) {
      els.tryResult.hidden = false;
      els.tryResult.replaceChildren(h("p", { class: "form-error-text", role: "alert", text: errorText(err) }));
    } finally {
      els.trySubmit.disabled = false;
    }
  }

  function renderTry(text, data) {
    const top = isObject(data) && isObject(data.intent) ? data.intent : {};
    const ranking = isObject(data) && Array.isArray(data.intent_ranking) ? data.intent_ranking.filter(isObject).slice(0, 5) : [];
    const name = asText(top.name);
    const fallback = !name || name === "nlu_fallback";
    els.tryResult.hidden = false;
    // replaceChildren, unlike h(), would print a null child as the text "null".
    const hint = fallback ? [h("p", { class: "muted small", "data-testid": "try-fallback", text: "机器人没听懂，会回复兜底话术。可以把它标注到意图后重新训练。" })] : [];
    els.tryResult.replaceChildren(
      h("p", { class: "try-said quote", text: `「${text}」` }),
      h("p", { class: "try-top" }, [
        "识别为 ",
        h("b", { class: "mono", "data-testid": "try-intent", text: name || "（无）" }),
        h("span", { class: "conf", "data-testid": "try-confidence", text: pct(top.confidence, 0) }),
      ]),
      ...hint,
      h("ol", { class: "ranking", "data-testid": "try-ranking" }, ranking.map(rankRow))
    );
  }

  function rankRow(r) {
    const fill = h("span", { class: "f1-fill" });
    fill.style.width = `${Math.round(Math.max(0, Math.min(1, num(r.confidence) ?? 0)) * 100)}%`;
    return h("li", {}, [
      h("span", { class: "mono rank-name", text: asText(r.name) }),
      h("span", { class: "f1-bar" }, fill),
      h("span", { class: "rank-val", text: pct(r.confidence, 0) }),
    ]);
  }

  // ---------------------------------------------------------------- init

  function bindElements() {
    for (const id of [
      "app", "me-name", "me-role", "logout", "pending", "inbox-total", "intent-total",
      "inbox", "inbox-empty", "inbox-refresh", "selection-count", "selection-clear", "intent-search",
      "intent-select", "label-submit", "new-intent-open", "dismiss", "new-intent-form", "new-intent-name",
      "new-intent-examples", "new-intent-answer", "new-intent-title", "new-intent-submit", "new-intent-cancel", "new-intent-miss",
      "intents-filter", "intent-list", "history-refresh", "chart-box", "history-rows", "latest", "latest-title",
      "heatmap-box", "confused-pairs", "per-intent-rows", "train-deploy", "run-panel", "run-status", "run-id",
      "run-elapsed", "run-steps", "run-stage", "run-done", "run-failed", "run-effect", "latest-effect", "run-blocked", "run-verdict",
      "run-accuracy-new", "run-accuracy-serving", "run-margin", "override-form", "override-reason", "override-submit",
      "try-form", "try-input", "try-submit", "try-result", "toast",
    ]) {
      els[id.replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = $(id);
    }
    Object.assign(els, {
      runAccNew: els.runAccuracyNew,
      runAccServing: els.runAccuracyServing,
      tabs: [...document.querySelectorAll("[role=tab]")],
    });
    Object.assign(errs, {
      action: errorBox("action", true),
      newIntent: errorBox("new-intent", true),
      train: errorBox("train", false),
      override: errorBox("override", false),
    });
  }

  function bindEvents() {
    login = global.KefuStaff.login($("login-view"), {
      app: els.app,
      mark: "训",
      name: "kefu 训练工作台",
      title: "训练师登录",
      foot: "训练师或主管账号可用；账号由管理员在命令行创建。",
      allowed,
      refused: REFUSED,
      failText: errorText,
      onLogin: startSession,
    });
    toast = global.KefuStaff.toaster(els.toast);
    els.logout.addEventListener("click", () => endSession(""));
    for (const tab of els.tabs) tab.addEventListener("click", () => onTab(tab.dataset.tab));
    els.inboxRefresh.addEventListener("click", loadInbox);
    els.selectionClear.addEventListener("click", () => toggleKeys([...state.selected], false));
    els.intentSearch.addEventListener("input", renderIntentOptions);
    els.intentSearch.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        if (!els.labelSubmit.disabled) labelSelected();
      }
    });
    els.intentSelect.addEventListener("change", onIntentPicked);
    els.labelSubmit.addEventListener("click", labelSelected);
    els.dismiss.addEventListener("click", dismissSelected);
    els.newIntentOpen.addEventListener("click", openNewIntent);
    els.newIntentCancel.addEventListener("click", () => (els.newIntentForm.hidden = true));
    els.newIntentForm.addEventListener("submit", submitNewIntent);
    els.intentsFilter.addEventListener("input", renderIntents);
    els.historyRefresh.addEventListener("click", () => loadHistory());
    els.trainDeploy.addEventListener("click", startRun);
    els.overrideForm.addEventListener("submit", submitOverride);
    els.tryForm.addEventListener("submit", submitTry);
  }

  function init() {
    bindElements();
    bindEvents();
    setPending(Number(session.get(PENDING_KEY)) || 0);
    setInterval(tickElapsed, 1000);
    setInterval(() => {
      if (state.token && state.tab === "inbox" && !state.busy && document.visibilityState === "visible") loadInbox();
    }, INBOX_EVERY_MS);
    const token = session.get(TOKEN_KEY);
    if (token) resume(token);
    else login.show();
  }

  global.KefuStaff.ready(init);
})(window);

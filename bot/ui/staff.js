/*!
 * kefu staff pages (agent console, trainer page): the helpers both share — plain ES2020,
 * no build step, no framework. Served by the gateway at /ui/staff.js; each page loads it
 * before its own script, which reads everything from `window.KefuStaff`.
 *
 * Security: text is always set through textContent / createTextNode. innerHTML is never used.
 */
(function (global) {
  "use strict";

  // ---------------------------------------------------------------- DOM

  /** Append children: strings become text nodes; null, undefined and false are skipped. */
  function append(el, children) {
    for (const c of [].concat(children ?? [])) {
      if (c === null || c === undefined || c === false) continue;
      el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return el;
  }

  /** Build an HTML element. Text is always set through textContent. */
  function h(tag, props, children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") el.className = v;
      else if (k === "text") el.textContent = v;
      else if (k === "dataset") Object.assign(el.dataset, v);
      else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
      else if (k === "hidden" || k === "disabled" || k === "checked") el[k] = Boolean(v);
      else el.setAttribute(k, v === true ? "" : String(v));
    }
    return append(el, children);
  }

  const $ = (id) => document.getElementById(id);

  /** Run `init` once the document is parsed. */
  function ready(init) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
    else init();
  }

  // ---------------------------------------------------------------- values

  function asText(v) {
    if (v === undefined || v === null) return "";
    return typeof v === "string" ? v : String(v);
  }

  function isObject(v) {
    return v !== null && typeof v === "object" && !Array.isArray(v);
  }

  /** The label of a code in `map`, or the code itself. */
  function label(map, key) {
    const k = asText(key);
    return Object.prototype.hasOwnProperty.call(map, k) ? map[k] : k;
  }

  function pad2(n) {
    return String(n).padStart(2, "0");
  }

  function sameDay(a, b) {
    return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
  }

  /** "14:05" today, "昨天 14:05", "11月23日 14:05", "2023年11月23日 14:05". */
  /** An ISO time from the API (always with its offset) as a Date, or null. */
  function parseTime(at) {
    if (at === undefined || at === null || at === "") return null;
    const d = new Date(at);
    return Number.isNaN(d.getTime()) ? null : d;
  }

  function fmtTime(d, now = new Date()) {
    if (!d) return "";
    const hm = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
    if (sameDay(d, now)) return hm;
    const y = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
    if (sameDay(d, y)) return `昨天 ${hm}`;
    if (d.getFullYear() === now.getFullYear()) return `${d.getMonth() + 1}月${d.getDate()}日 ${hm}`;
    return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日 ${hm}`;
  }

  /** sessionStorage (each tab logs in once; closing it logs out), quiet where storage is disabled. */
  const session = {
    get(k) {
      try {
        return global.sessionStorage.getItem(k);
      } catch (_) {
        return null;
      }
    },
    set(k, v) {
      try {
        global.sessionStorage.setItem(k, v);
      } catch (_) {
        /* storage disabled: the value lives for this page only */
      }
    },
    remove(k) {
      try {
        global.sessionStorage.removeItem(k);
      } catch (_) {
        /* ignore */
      }
    },
  };

  // ---------------------------------------------------------------- REST

  class ApiError extends Error {
    constructor(status, code, message, conflicts = []) {
      super(message);
      this.status = status;
      this.code = code;
      this.conflicts = conflicts; // the trainer API's label conflicts {text, intent}
    }
  }

  /** fetch JSON from the gateway; a non-2xx answer throws ApiError with the body's `error`. */
  async function request(path, { method = "GET", body, token = null, onUnauthorized = null } = {}) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = `Bearer ${token}`;
    const res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
    let data = null;
    try {
      data = await res.json();
    } catch (_) {
      data = null;
    }
    if (!res.ok) {
      const err = isObject(data) && isObject(data.error) ? data.error : {};
      if (res.status === 401 && onUnauthorized) onUnauthorized();
      const conflicts = Array.isArray(err.conflicts) ? err.conflicts.filter(isObject) : [];
      throw new ApiError(res.status, asText(err.code), asText(err.message), conflicts);
    }
    return data;
  }

  /**
   * The page's `api(path, {method, body, auth = true})`: sends the token from `token()`, and
   * a 401 on an authenticated call ends the session through `onExpired()`.
   */
  function apiClient({ token, onExpired }) {
    return (path, { method = "GET", body, auth = true } = {}) =>
      request(path, { method, body, token: auth ? token() : null, onUnauthorized: auth ? onExpired : null });
  }

  // ---------------------------------------------------------------- toast

  /**
   * The page's single toast in `el` (the newest text replaces the previous one; a click hides
   * it). Returns `toast(text, tone)`; tones in `slowTones` stay 1.5 s longer.
   */
  function toaster(el, { ms = 4500, tone: defaultTone = "", slowTones = [] } = {}) {
    let timer = null;
    el.addEventListener("click", () => {
      el.hidden = true;
    });
    return function toast(text, tone = defaultTone) {
      el.textContent = asText(text);
      el.dataset.tone = tone || "";
      el.hidden = false;
      el.classList.remove("toast--in");
      void el.offsetWidth; // restart the entrance animation
      el.classList.add("toast--in");
      clearTimeout(timer);
      timer = setTimeout(() => {
        el.hidden = true;
      }, slowTones.includes(tone) ? ms + 1500 : ms);
    };
  }

  // ---------------------------------------------------------------- login

  /** The login card's markup, built into the page's empty `#login-view`. */
  function loginCard({ mark, name, title, foot }) {
    return h("form", { class: "login-card", id: "login-form", novalidate: true }, [
      h("div", { class: "brand brand--login" }, [
        h("span", { class: "brand-mark", "aria-hidden": "true", text: mark }),
        h("span", { class: "brand-name", text: name }),
      ]),
      h("h1", { class: "login-title", text: title }),
      h("label", { class: "field" }, [
        h("span", { class: "field-label", text: "用户名" }),
        h("input", {
          class: "input", id: "login-username", name: "username", "data-testid": "login-username",
          autocomplete: "username", autocapitalize: "off", spellcheck: "false", maxlength: "64", required: true,
        }),
      ]),
      h("label", { class: "field" }, [
        h("span", { class: "field-label", text: "密码" }),
        h("input", {
          class: "input", id: "login-password", name: "password", type: "password", "data-testid": "login-password",
          autocomplete: "current-password", maxlength: "256", required: true,
        }),
      ]),
      h("p", { class: "login-error", id: "login-error", "data-testid": "login-error", role: "alert", hidden: true }),
      h("button", {
        class: "btn btn--primary btn--block", id: "login-submit", type: "submit", "data-testid": "login-submit",
        text: "登录",
      }),
      h("p", { class: "login-foot", text: foot }),
    ]);
  }

  /**
   * Builds the login card into `view` and wires it to `POST /api/login`.
   *
   * Options: `app` (the element shown once logged in), `mark`, `name`, `title`, `foot` (the
   * card's text), `allowed(user)` (may this role use the page; `user` is the login answer's
   * `agent`, or null), `refused` (the message when not), `failText(err)` (an ApiError
   * without a message), `onLogin(token, user)`. Returns `{show(message), hide()}`.
   */
  function login(view, { app, allowed, refused, failText = (err) => `登录失败（${err.status}）`, onLogin, ...text }) {
    view.replaceChildren(loginCard(text));
    const form = $("login-form");
    const user = $("login-username");
    const pass = $("login-password");
    const error = $("login-error");
    const submit = $("login-submit");

    function setError(message) {
      error.textContent = message;
      error.hidden = !message;
    }

    function failed(message) {
      submit.disabled = false;
      submit.textContent = "登录";
      setError(message);
      pass.select();
    }

    async function onSubmit(e) {
      e.preventDefault();
      const username = user.value.trim();
      const password = pass.value;
      if (!username || !password) return setError("请输入用户名和密码");
      setError("");
      submit.disabled = true;
      submit.textContent = "登录中…";
      try {
        const data = await request("/api/login", { method: "POST", body: { username, password } });
        if (!isObject(data) || typeof data.token !== "string" || !data.token) throw new ApiError(500, "", "登录应答无效");
        const who = isObject(data.agent) ? data.agent : null;
        if (!allowed(who)) return failed(refused);
        pass.value = "";
        onLogin(data.token, who);
      } catch (err) {
        if (!(err instanceof ApiError)) failed("无法连接服务器，请检查网络后重试");
        else if (err.status === 401) failed("用户名或密码错误");
        else if (err.status === 429) failed("尝试次数过多，请稍后再试");
        else failed(err.message || failText(err));
      }
    }

    form.addEventListener("submit", onSubmit);
    return {
      show(message) {
        app.hidden = true;
        view.hidden = false;
        submit.disabled = false;
        submit.textContent = "登录";
        setError(message || "");
        setTimeout(() => (user.value ? pass : user).focus(), 0);
      },
      hide() {
        view.hidden = true;
        app.hidden = false;
      },
    };
  }

  global.KefuStaff = {
    append,
    h,
    $,
    ready,
    asText,
    isObject,
    label,
    pad2,
    sameDay,
    parseTime,
    fmtTime,
    session,
    ApiError,
    request,
    apiClient,
    toaster,
    login,
  };
})(window);

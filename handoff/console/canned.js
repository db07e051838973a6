/*
 * The supervisors' 快捷回复 editor in the console: the team's quick replies, added,
 * changed and removed through /api/canned. Every open console gets the new list
 * from the gateway (`canned_updated`), this one included.
 */
(function (global) {
  "use strict";

  const { h, $ } = global.KefuStaff;

  /**
   * Wire the dialog. `api(path, {method, body})` is the console's API client;
   * `list()` the replies the console shows now. Returns {open(), refresh()}.
   */
  function mount({ api, list }) {
    const dialog = $("canned-dialog");
    const rows = $("canned-rows");
    const form = $("canned-form");
    const title = $("canned-new-title");
    const text = $("canned-new-text");
    const save = $("canned-save");
    const cancel = $("canned-cancel");
    const error = $("canned-error");
    let editing = null; // the id being changed, or null when adding

    function showError(message) {
      error.textContent = message || "";
      error.hidden = !message;
    }

    function edit(reply) {
      editing = reply ? reply.id : null;
      title.value = reply ? reply.title : "";
      text.value = reply ? reply.text : "";
      save.textContent = reply ? "保存修改" : "添加";
      cancel.hidden = !reply;
      showError("");
      title.focus();
    }

    async function send(path, options) {
      save.disabled = true;
      try {
        await api(path, options);
        showError("");
        return true;
      } catch (err) {
        showError(err && err.message ? `保存失败：${err.message}` : "保存失败，请重试");
        return false;
      } finally {
        save.disabled = false;
      }
    }

    async function remove(reply) {
      if (!global.confirm(`删除快捷回复「${reply.title}」？所有客服的工作台都会同步删除。`)) return;
      if (await send(`/api/canned/${reply.id}`, { method: "DELETE" }) && editing === reply.id) edit(null);
    }

    function refresh() {
      const replies = list();
      rows.replaceChildren(
        ...(replies.length
          ? replies.map((reply) =>
              h("li", { class: "canned-row", "data-testid": "canned-row" }, [
                h("div", { class: "canned-row-main" }, [
                  h("div", { class: "canned-row-title", text: reply.title }),
                  h("div", { class: "canned-row-text", text: reply.text }),
                ]),
                h("button", { type: "button", class: "link-btn", text: "编辑", onclick: () => edit(reply) }),
                h("button", { type: "button", class: "link-btn link-btn--danger", text: "删除", onclick: () => remove(reply) }),
              ])
            )
          : [h("li", { class: "muted small", text: "还没有快捷回复，在下面添加第一条。" })])
      );
    }

    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const body = { title: title.value.trim(), text: text.value.trim() };
      if (!body.title || !body.text) {
        showError("标题和内容都要填写");
        return;
      }
      const path = editing === null ? "/api/canned" : `/api/canned/${editing}`;
      if (await send(path, { method: editing === null ? "POST" : "PUT", body })) edit(null);
    });
    cancel.addEventListener("click", () => edit(null));
    $("canned-close").addEventListener("click", () => dialog.close());

    return {
      open() {
        refresh();
        edit(null);
        if (typeof dialog.showModal === "function") dialog.showModal();
        else dialog.setAttribute("open", "");
      },
      refresh,
    };
  }

  global.KefuCanned = { mount };
})(window);

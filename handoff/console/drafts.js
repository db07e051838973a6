/*
 * Unsent replies in the console, kept per ticket and agent in sessionStorage
 * (`kefu.draft.<agent id>.<ticket id>`), so a reload of the tab keeps what the agent
 * was typing. Closing the tab forgets them, as it logs the agent out. Where storage is
 * disabled (or full) a draft lives for this page only.
 */
(function (global) {
  "use strict";

  const PREFIX = "kefu.draft.";

  /**
   * `owner()` is the logged-in agent's id (null before the gateway said who it is: drafts
   * then stay in memory); `storage` is sessionStorage unless a test passes another.
   * Returns {get(ticket), set(ticket, text), remove(ticket), keepOnly(tickets), forgetAll(),
   * forgetPage()}.
   */
  function mount({ owner, storage = global.sessionStorage }) {
    const memory = new Map(); // ticket key -> text, for this page

    const ownerKey = () => {
      const id = owner();
      return id === null || id === undefined ? null : String(id);
    };
    const storageKey = (agent, ticket) => `${PREFIX}${agent}.${ticket}`;

    function stored(agent) {
      const keys = [];
      try {
        const prefix = `${PREFIX}${agent}.`;
        for (let i = 0; i < storage.length; i++) {
          const k = storage.key(i);
          if (k && k.startsWith(prefix)) keys.push(k);
        }
      } catch (_) {
        /* storage disabled */
      }
      return keys;
    }

    function get(ticket) {
      const t = String(ticket);
      const agent = ownerKey();
      if (agent !== null) {
        try {
          const v = storage.getItem(storageKey(agent, t));
          if (v !== null) return v;
        } catch (_) {
          /* fall back to memory */
        }
      }
      return memory.get(t) || "";
    }

    function set(ticket, text) {
      const t = String(ticket);
      if (!text) return remove(t);
      memory.set(t, text);
      const agent = ownerKey();
      if (agent === null) return;
      try {
        storage.setItem(storageKey(agent, t), text);
      } catch (_) {
        /* full or disabled: memory keeps it for this page */
      }
    }

    function remove(ticket) {
      const t = String(ticket);
      memory.delete(t);
      const agent = ownerKey();
      if (agent === null) return;
      try {
        storage.removeItem(storageKey(agent, t));
      } catch (_) {
        /* ignore */
      }
    }

    /** Drops the drafts of tickets no longer the agent's (closed or moved while the tab was away). */
    function keepOnly(tickets) {
      const keep = new Set([...tickets].map(String));
      for (const t of [...memory.keys()]) if (!keep.has(t)) memory.delete(t);
      const agent = ownerKey();
      if (agent === null) return;
      for (const k of stored(agent)) {
        if (!keep.has(k.slice(`${PREFIX}${agent}.`.length))) {
          try {
            storage.removeItem(k);
          } catch (_) {
            /* ignore */
          }
        }
      }
    }

    /** Logging out: nothing the agent typed stays in the tab for the next person. */
    function forgetAll() {
      memory.clear();
      keepOnly([]);
    }

    /** A new session in the tab (reload, new login): stored drafts stay, the page's own go. */
    function forgetPage() {
      memory.clear();
    }

    return { get, set, remove, keepOnly, forgetAll, forgetPage };
  }

  global.KefuDrafts = { mount };
})(window);

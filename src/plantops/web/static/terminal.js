/* PlantOps operator terminal (web/terminal.py): the part that must work without the server.

NiceGUI runs click handlers on the server over a websocket; a tablet that loses Wi-Fi cannot
reach them. So everything an operator records goes through this script: each tap becomes a
shop-floor event with its own idempotency key and the moment of the tap (occurred_at), kept
in localStorage (a queue per user) and sent, in order, to POST /api/v1/events. While the
network is away the queue waits and is retried with a growing pause; sending an event twice
is harmless (the key makes the server answer "replayed"). A refusal (4xx) is shown with the
server's message and dropped; no answer or a server error (5xx) keeps the event queued.

The server (terminal.py) pushes what the floor looks like: PlantopsTerminal.show(floor).
This script draws the dispatch list and the operation panel from it, with the queued events
already applied, so the screen stays true to what the operator did while offline. */
(function () {
  "use strict";

  const MOVES = {
    // operation status -> event -> status it leads to (execution/lifecycle.py; the server decides)
    released: { operation_start: "in_progress" },
    ready: { operation_start: "in_progress" },
    waiting_for_material: {},
    in_progress: {
      operation_start: "in_progress",
      operation_pause: "paused",
      operation_report: "in_progress",
      operation_complete: "completed",
    },
    paused: {
      operation_start: "in_progress",
      operation_resume: "in_progress",
      operation_report: "paused",
      operation_complete: "completed",
    },
    completed: { operation_report: "completed" },
  };
  const STOPPED = ["down", "planned_stop", "setup"]; // the work center is not producing
  const STATE_OF_LOSS = { planned_downtime: "planned_stop", setup: "setup" }; // else "down"
  const RETRY_MAX_MS = 30000;
  const ANSWER_WAIT_MS = 20000;
  const LOG_SIZE = 8;

  const my = {
    config: null, // {user, csrf, events, centers, chosen}
    floor: null, // {workCenter, operations, reasons, timeZone}
    chosenOp: null,
    finished: null, // the chosen operation as it was completed, gone from the dispatch list
    sending: false,
    retryIn: 0, // ms until the next attempt, while the network is away
    delay: 1000,
    timer: null,
    trouble: null, // {kind: "refused" | "signin", text}
    stale: false, // sent events the server has not shown us yet
    pad: null,
    seen: "", // the floor last shown, as sent
  };

  // ---- storage: one queue and one log per user, so a shared tablet never mixes operators
  function storeKey(what) {
    return `plantops.terminal.${what}.${my.config.user}`;
  }
  function loadList(what) {
    try {
      const found = JSON.parse(localStorage.getItem(storeKey(what)) || "[]");
      return Array.isArray(found) ? found : [];
    } catch (error) {
      return [];
    }
  }
  function saveList(what, list) {
    localStorage.setItem(storeKey(what), JSON.stringify(list));
  }

  function newKey() {
    // crypto.randomUUID needs a secure context (https or localhost); a plant network
    // often serves plain http, where getRandomValues still works
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  // ---- recording: a tap is queued at once, then sent when the network allows
  function record(kind, fields, label) {
    const body = { idempotency_key: newKey(), kind, occurred_at: new Date().toISOString(), ...fields };
    const queue = loadList("queue");
    queue.push({ body, label });
    saveList("queue", queue);
    const log = loadList("log");
    log.unshift({ key: body.idempotency_key, label, at: body.occurred_at, status: "waiting" });
    saveList("log", log.slice(0, LOG_SIZE));
    render();
    flush();
  }

  function noted(key, status, message) {
    const log = loadList("log");
    const entry = log.find((e) => e.key === key);
    if (entry) {
      entry.status = status;
      entry.message = message || "";
      saveList("log", log);
    }
  }

  function dropped(key) {
    saveList(
      "queue",
      loadList("queue").filter((item) => item.body.idempotency_key !== key),
    );
  }

  async function post(body) {
    const stop = new AbortController();
    const timeout = setTimeout(() => stop.abort(), ANSWER_WAIT_MS);
    try {
      const answer = await fetch(my.config.events, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": my.config.csrf },
        body: JSON.stringify(body),
        signal: stop.signal,
      });
      let json = null;
      try {
        json = await answer.json();
      } catch (error) {
        json = null;
      }
      return { status: answer.status, json };
    } finally {
      clearTimeout(timeout);
    }
  }

  async function flush() {
    if (my.sending || !my.config) return;
    my.sending = true;
    clearTimeout(my.timer);
    my.retryIn = 0;
    try {
      for (let queue = loadList("queue"); queue.length; queue = loadList("queue")) {
        const item = queue[0];
        let answer;
        try {
          answer = await post(item.body);
        } catch (error) {
          answer = { status: 0, json: null }; // no network, or no answer in time
        }
        if (!settle(item, answer)) return;
      }
      my.delay = 1000;
      if (my.stale) refresh();
    } finally {
      my.sending = false;
      render();
    }
  }

  // What an answer means for its event: false stops the sending for now (it stays queued).
  function settle(item, answer) {
    const key = item.body.idempotency_key;
    const { status, json } = answer;
    if (status === 0 || status >= 500 || status === 408 || status === 429) {
      later();
      return false;
    }
    if (status === 401 || status === 403) {
      // the session ended or its token changed: the events are the operator's facts, kept
      // until they are sent by a signed-in page
      const detail = (json && json.detail) || "sign in again";
      my.trouble = { kind: "signin", text: `Not sent: ${detail}. Sign in again to send them.` };
      return false;
    }
    dropped(key);
    my.delay = 1000;
    if (status >= 200 && status < 300) {
      noted(key, "sent");
      learn(json, item.body);
      my.stale = true;
    } else {
      const text = problemText(json, status);
      noted(key, "refused", text);
      my.trouble = { kind: "refused", text: `${item.label}: not recorded. ${text}` };
    }
    return true;
  }

  function problemText(json, status) {
    if (json && json.detail) return json.detail;
    return `The server refused it (${status}).`;
  }

  function later() {
    my.retryIn = my.delay;
    my.timer = setTimeout(flush, my.delay);
    my.delay = Math.min(my.delay * 2, RETRY_MAX_MS);
  }

  // What a recorded event (the server's answer, and the body it was sent with) made of its
  // operation or work center, until the next refresh.
  function learn(event, body) {
    if (!event || !my.floor) return;
    const tally = event.operation;
    const op = tally && my.floor.operations.find((o) => o.id === tally.id);
    if (op) {
      op.status = tally.status;
      // quantities come as decimal text
      for (const name of ["started", "good", "scrap", "rework"]) op[name] = Number(tally[name]);
    }
    const center = my.floor.workCenter;
    if (event.work_center_state && event.work_center_id === center.id) {
      center.state = event.work_center_state;
      center.since = body.occurred_at;
      center.reasonId = body.reason_code_id || null; // the answer does not repeat it
    }
  }

  function refresh() {
    // ask the server for the floor as it is now (no-op while its websocket is down)
    if (window.socket && window.socket.connected && typeof emitEvent === "function") {
      my.stale = false;
      emitEvent("terminal_sent");
    }
  }

  // ---- what the screen shows: the server's floor with the queued events applied
  function pending() {
    return loadList("queue").map((item) => item.body);
  }

  function opNow(op) {
    const now = { ...op };
    for (const body of pending()) {
      if (body.order_operation_id !== op.id) continue;
      const next = (MOVES[now.status] || {})[body.kind];
      if (next) now.status = next;
      if (body.kind === "operation_start" && !now.started) now.started = now.planned;
      if (body.kind === "operation_start" && !now.startedAt) now.startedAt = body.occurred_at;
      now.good += Number(body.good || 0);
      now.scrap += Number(body.scrap || 0);
    }
    now.open = Math.max(0, now.started - now.good - now.scrap - (now.rework || 0));
    return now;
  }

  function centerNow() {
    const center = { ...my.floor.workCenter };
    for (const body of pending()) {
      if (body.kind === "work_center_state" && body.work_center_id === center.id) {
        center.state = body.state;
        center.since = body.occurred_at;
        center.reasonId = body.reason_code_id || null;
      }
    }
    // A start reported means the machine runs: a work center never reported, or idle, is
    // shown running from the first start of what runs on it (the server records no state
    // for it; the next state reported replaces it).
    if (!center.state || center.state === "idle") {
      const running = my.floor.operations.map(opNow).filter((o) => o.status === "in_progress");
      if (running.length) {
        // from the first start, or from the idle if that came after it
        const at = (iso) => (iso ? Date.parse(iso) : NaN);
        const starts = running.map((o) => at(o.startedAt)).filter((t) => !Number.isNaN(t));
        const from = Math.max(starts.length ? Math.min(...starts) : NaN, at(center.since) || 0);
        const since = Number.isNaN(from) || !from ? null : new Date(from).toISOString();
        Object.assign(center, { state: "running", since, reasonId: null });
      }
    }
    return center;
  }

  // ---- drawing (DOM built with textContent: codes and names are the plant's own text)
  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function number(value) {
    return Number(value).toLocaleString(undefined, { maximumFractionDigits: 3 });
  }

  // "Fri 04 Dec 22:03" (short: "22:03"), 24-hour in the site's time zone as the rest of the
  // app writes it, whatever the tablet's language and zone; assembled from parts, as no
  // locale writes exactly that.
  function clock(iso, short) {
    if (!iso) return "";
    const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    if (!short) Object.assign(options, { weekday: "short", day: "2-digit", month: "short" });
    const zone = my.floor ? my.floor.timeZone : undefined;
    let parts;
    try {
      parts = new Intl.DateTimeFormat("en-US", { ...options, timeZone: zone }).formatToParts(new Date(iso));
    } catch (error) {
      parts = new Intl.DateTimeFormat("en-US", options).formatToParts(new Date(iso)); // unknown zone
    }
    const p = Object.fromEntries(parts.map((part) => [part.type, part.value]));
    const time = `${p.hour}:${p.minute}`;
    return short ? time : `${p.weekday} ${p.day} ${p.month} ${time}`;
  }

  const words = (status) => String(status || "never reported").replaceAll("_", " ");

  function render() {
    const root = document.querySelector("[data-terminal]");
    if (!root || !my.config) return;
    const parts = [sync(), trouble()];
    if (!my.floor) {
      parts.push(h("p", { class: "pt-hint" }, "Pick your work center above to see its dispatch list."));
    } else {
      parts.push(h("div", { class: "pt-grid" }, panel(), dispatch()));
    }
    root.replaceChildren(...parts.filter(Boolean));
  }

  function sync() {
    const waiting = loadList("queue").length;
    if (!waiting) return h("div", { class: "pt-sync pt-sync--ok", role: "status" }, "✓ All sent");
    const noun = waiting === 1 ? "event" : "events";
    const why = navigator.onLine ? "no answer from the server" : "no connection";
    const away = my.retryIn ? ` · ${why}, trying again in ${Math.round(my.retryIn / 1000)} s` : "";
    return h(
      "div",
      { class: "pt-sync pt-sync--waiting", role: "status" },
      `${waiting} ${noun} waiting to be sent${away}`,
    );
  }

  function trouble() {
    if (!my.trouble) return null;
    const action =
      my.trouble.kind === "signin"
        ? h("a", { class: "pt-btn pt-btn--light", href: "/login" }, "Sign in")
        : h(
            "button",
            {
              class: "pt-btn pt-btn--light",
              type: "button",
              onclick: () => {
                my.trouble = null;
                render();
              },
            },
            "OK",
          );
    return h("div", { class: "pt-trouble", role: "alert" }, h("span", {}, my.trouble.text), action);
  }

  function dispatch() {
    const ops = my.floor.operations.map(opNow);
    const lines = ops.map((op) =>
      h(
        "button",
        {
          type: "button",
          class: "pt-line",
          "data-op": op.id,
          "aria-pressed": op.id === my.chosenOp ? "true" : "false",
          onclick: () => choose(op.id),
        },
        h("span", { class: "pt-line-main" }, `${op.order} · ${stepName(op)}`),
        h("span", { class: `pt-chip pt-chip--${op.status}` }, words(op.status)),
        h(
          "span",
          { class: "pt-line-sub" },
          `${op.item} · ${number(op.good)} of ${number(op.planned)} good`,
          op.scheduledStart ? ` · planned ${clock(op.scheduledStart)}` : "",
          op.waitsFor ? ` · waits for ${op.waitsFor}` : "",
        ),
      ),
    );
    const title = `Dispatch list · ${my.floor.workCenter.code} (${ops.length})`;
    return h(
      "section",
      { class: "pt-dispatch", "aria-label": "Dispatch list" },
      h("h2", {}, title),
      lines.length ? lines : h("p", { class: "pt-hint" }, "Nothing to run on this work center."),
    );
  }

  function panel() {
    const op = chosen();
    const hint = my.floor.operations.length
      ? h("p", { class: "pt-hint" }, "Tap an operation of the dispatch list.")
      : null;
    return h(
      "section",
      { class: "pt-panel", "aria-label": "Operation" },
      op ? operation(op) : hint,
      center(),
      recent(),
    );
  }

  function recent() {
    const log = loadList("log");
    if (!log.length) return null;
    const said = { waiting: "waiting", sent: "sent ✓", refused: "refused" };
    return h(
      "section",
      { "aria-label": "Recorded on this tablet" },
      h("div", { class: "pt-log-title" }, "Recorded on this tablet"),
      h(
        "ol",
        { class: "pt-log" },
        log.map((e) =>
          h(
            "li",
            { class: `pt-log--${e.status}`, title: e.message || "" },
            h("span", {}, `${clock(e.at, true)} ${e.label}`),
            h("span", {}, said[e.status] || e.status),
          ),
        ),
      ),
    );
  }

  function chosen() {
    const found = my.floor.operations.find((o) => o.id === my.chosenOp);
    if (found) return opNow(found);
    return my.finished && my.finished.id === my.chosenOp ? my.finished : null;
  }

  function button(label, style, enabled, action) {
    return h(
      "button",
      { type: "button", class: `pt-btn pt-btn--${style}`, disabled: !enabled, onclick: action },
      label,
    );
  }

  function operation(op) {
    const s = op.status;
    const paused = s === "paused";
    const going = s === "in_progress" || paused;
    return h(
      "div",
      { class: "pt-op", "data-chosen-op": op.id },
      h(
        "div",
        { class: "pt-op-head" },
        h(
          "div",
          {},
          h("div", { class: "pt-op-title" }, stepName(op)),
          h("div", { class: "pt-op-sub" }, `${op.order} · ${op.item}`),
        ),
        h("span", { class: `pt-chip pt-chip--${s}`, "data-status": s }, words(s)),
      ),
      h(
        "div",
        { class: "pt-qty" },
        figure("planned", op.planned),
        figure("started", op.started),
        figure("good", op.good),
        figure("scrap", op.scrap),
        figure("open", op.open),
      ),
      h(
        "div",
        { class: "pt-actions" },
        paused
          ? button("Resume", "go", true, () =>
              record("operation_resume", { order_operation_id: op.id }, `Resume ${label(op)}`),
            )
          : button("Start", "go", s === "ready" || s === "released", () =>
              record("operation_start", { order_operation_id: op.id }, `Start ${label(op)}`),
            ),
        button("Pause", "warn", s === "in_progress", () => pausePad(op)),
        button("Good / scrap", "primary", going, () => countPad(op, false)),
        button("Complete", "primary", going, () => countPad(op, true)),
      ),
      s === "completed"
        ? h("p", { class: "pt-hint" }, "Completed. Tap the next operation in the dispatch list.")
        : null,
    );
  }

  // "Op 30 · Pack for shipping": the sequence alone reads like a quantity
  const stepName = (op) => `Op ${op.sequence} · ${op.name}`;
  const label = (op) => `${op.order} · ${stepName(op)}`;

  function figure(name, value) {
    return h(
      "div",
      { class: "pt-figure", "data-figure": name },
      h("span", {}, name),
      h("strong", {}, number(value)),
    );
  }

  function center() {
    const c = centerNow();
    const stopped = STOPPED.includes(c.state);
    const reason = (my.floor.reasons.downtime || []).find((r) => r.id === c.reasonId);
    const since = c.since ? ` since ${clock(c.since)}` : "";
    return h(
      "div",
      { class: "pt-center" },
      h(
        "div",
        {},
        h("span", { class: "pt-op-sub" }, `${c.code} ${c.name}`),
        h(
          "div",
          { class: `pt-state pt-state--${c.state || "none"}`, "data-center-state": c.state || "" },
          `${words(c.state)}${reason ? ` · ${reason.name}` : ""}${since}`,
        ),
      ),
      stopped
        ? button("Running again", "go", true, () =>
            record(
              "work_center_state",
              { work_center_id: c.id, state: "running" },
              `${c.code} running again`,
            ),
          )
        : button("Report downtime", "stop", true, () => downtimePad(c)),
    );
  }

  // ---- pads: full-screen choices, large targets, outside NiceGUI's own elements
  function pad(title, ...content) {
    close();
    my.pad = h(
      "div",
      { class: "pt-pad", role: "dialog", "aria-modal": "true", "aria-label": title },
      h("div", { class: "pt-pad-box" }, h("h2", {}, title), ...content),
    );
    document.body.append(my.pad);
  }

  function close() {
    if (my.pad) my.pad.remove();
    my.pad = null;
  }

  function reasonGrid(reasons, picked) {
    if (!reasons.length)
      return h("p", { class: "pt-hint" }, "No reason codes of this kind at this site: ask your supervisor.");
    return h(
      "div",
      { class: "pt-reasons" },
      reasons.map((r) =>
        h(
          "button",
          {
            type: "button",
            class: "pt-reason",
            "data-reason": r.code,
            onclick: (e) => picked(r, e.currentTarget),
          },
          h("strong", {}, r.code),
          h("span", {}, r.name),
        ),
      ),
    );
  }

  const cancel = () => button("Cancel", "light", true, close);

  function pausePad(op) {
    pad(
      `Pause ${label(op)}: why?`,
      reasonGrid(my.floor.reasons.downtime || [], (r) => {
        close();
        record(
          "operation_pause",
          { order_operation_id: op.id, reason_code_id: r.id },
          `Pause ${label(op)} (${r.name})`,
        );
      }),
      h("div", { class: "pt-pad-foot" }, cancel()),
    );
  }

  function downtimePad(c) {
    pad(
      `Downtime on ${c.code}: why?`,
      reasonGrid(my.floor.reasons.downtime || [], (r) => {
        close();
        const state = STATE_OF_LOSS[r.loss] || "down";
        record(
          "work_center_state",
          { work_center_id: c.id, state, reason_code_id: r.id },
          `${c.code} ${words(state)} (${r.name})`,
        );
      }),
      h("div", { class: "pt-pad-foot" }, cancel()),
    );
  }

  function counter(name, caption, whole, start) {
    const input = h("input", {
      type: "number",
      inputmode: whole ? "numeric" : "decimal",
      min: "0",
      step: whole ? "1" : "any",
      value: String(start || 0),
      name,
      id: `pt-${name}`,
    });
    const step = (by) => () => {
      input.value = String(Math.max(0, (Number(input.value) || 0) + by));
      input.dispatchEvent(new Event("input"));
    };
    const row = h(
      "div",
      { class: "pt-counter" },
      h("label", { for: `pt-${name}` }, caption),
      button("−", "light", true, step(-1)),
      input,
      button("+", "light", true, step(1)),
    );
    return { row, input };
  }

  function countPad(op, completing) {
    // completing with pieces open: they were most likely made good, and a 0 here would
    // silently lose them; the operator corrects what was not
    const good = counter("good", "Good", op.whole, completing ? op.open : 0);
    const scrap = counter("scrap", "Scrap", op.whole, 0);
    const message = h("p", { class: "pt-message", role: "alert" });
    let reason = null;
    const reasons = h(
      "div",
      { class: "pt-scrap-reasons", hidden: true },
      h("h3", {}, "Scrap reason"),
      reasonGrid(my.floor.reasons.scrap || [], (r, node) => {
        reason = r;
        reasons
          .querySelectorAll(".pt-reason")
          .forEach((b) => b.setAttribute("aria-pressed", b === node ? "true" : "false"));
      }),
    );
    scrap.input.addEventListener("input", () => {
      reasons.hidden = !(Number(scrap.input.value) > 0);
    });
    let warned = ""; // the shortfall the operator was asked to confirm
    const confirm = () => {
      const problem = countProblem(op, good.input.value, scrap.input.value, reason, completing);
      if (problem) {
        message.textContent = problem;
        return;
      }
      const short = completing ? shortfall(op, good.input.value, scrap.input.value) : "";
      if (short && short !== warned) {
        warned = short;
        message.textContent = short;
        finish.textContent = "Complete anyway";
        return;
      }
      close();
      const fields = { order_operation_id: op.id };
      const g = Number(good.input.value) || 0;
      const s = Number(scrap.input.value) || 0;
      if (g) fields.good = g;
      if (s) Object.assign(fields, { scrap: s, scrap_reason_code_id: reason.id });
      const counted = [g ? `${number(g)} good` : "", s ? `${number(s)} scrap (${reason.name})` : ""]
        .filter(Boolean)
        .join(", ");
      const what = completing ? `Complete ${label(op)}` : `Report ${label(op)}`;
      record(
        completing ? "operation_complete" : "operation_report",
        fields,
        counted ? `${what}: ${counted}` : what,
      );
    };
    const title = completing ? `Complete ${label(op)}` : `Good and scrap of ${label(op)}`;
    const hint =
      `${number(op.open)} open of ${number(op.started || op.planned)} started` +
      (completing ? " · the open ones are counted good: correct what was not" : "");
    const finish = button(completing ? "Complete" : "Report", "primary", true, confirm);
    for (const input of [good.input, scrap.input])
      input.addEventListener("input", () => {
        warned = "";
        message.textContent = "";
        finish.textContent = completing ? "Complete" : "Report";
      });
    pad(
      title,
      h("p", { class: "pt-hint" }, hint),
      good.row,
      scrap.row,
      reasons,
      message,
      h("div", { class: "pt-pad-foot" }, cancel(), finish),
    );
  }

  // What completing with this count leaves short of the planned quantity, as a question.
  function shortfall(op, goodText, scrapText) {
    const missing = op.planned - op.good - op.scrap - Number(goodText || 0) - Number(scrapText || 0);
    if (missing <= 1e-9) return ""; // decimal units: what floating point leaves over
    const what = op.whole ? (missing === 1 ? "piece" : "pieces") : op.uom || "units";
    return `${number(missing)} ${what} not reported: complete anyway? They will count as short.`;
  }

  // The count as the server would judge it, said before it is queued (the field named).
  function countProblem(op, goodText, scrapText, reason, completing) {
    const good = Number(goodText || 0);
    const scrap = Number(scrapText || 0);
    if (!Number.isFinite(good) || good < 0) return "Good: enter a number of 0 or more.";
    if (!Number.isFinite(scrap) || scrap < 0) return "Scrap: enter a number of 0 or more.";
    // pieces are counted whole (the server refuses a fraction of one too)
    if (op.whole && !Number.isInteger(good)) return `Good: ${number(good)} is not a whole number of ${op.uom}.`;
    if (op.whole && !Number.isInteger(scrap)) return `Scrap: ${number(scrap)} is not a whole number of ${op.uom}.`;
    if (!completing && good + scrap <= 0) return "Good or scrap: enter how many.";
    if (scrap > 0 && !reason) return "Scrap reason: pick why they were scrapped.";
    if (good + scrap > op.open)
      return `Good and scrap: ${number(good + scrap)} is more than the ${number(op.open)} open.`;
    return null;
  }

  // ---- what the page (terminal.py) calls
  function choose(id) {
    my.chosenOp = id;
    my.finished = null;
    if (my.floor) localStorage.setItem(storeKey(`op.${my.floor.workCenter.id}`), String(id));
    render();
  }

  function firstChoice(ops) {
    const remembered = Number(localStorage.getItem(storeKey(`op.${my.floor.workCenter.id}`)));
    const live = ops.map(opNow);
    const pick =
      live.find((o) => o.id === remembered) ||
      live.find((o) => o.status === "in_progress" || o.status === "paused") ||
      live.find((o) => !o.waitsFor) ||
      live[0];
    return pick ? pick.id : null;
  }

  function show(floor) {
    const seen = JSON.stringify(floor);
    if (seen === my.seen) return; // nothing changed: the buttons stay under the finger
    my.seen = seen;
    const sameCenter = my.floor && my.floor.workCenter.id === floor.workCenter.id;
    // The operation just completed leaves the dispatch list; the panel keeps showing it, as
    // completed, until the operator taps the next one (it does not jump to another by itself).
    const leaving = sameCenter && chosen();
    const stillOpen = floor.operations.some((o) => o.id === my.chosenOp);
    my.finished = !stillOpen && leaving && leaving.status === "completed" ? leaving : null;
    my.floor = floor;
    localStorage.setItem(storeKey("work_center"), String(floor.workCenter.id));
    if (!sameCenter || (!stillOpen && !my.finished)) my.chosenOp = firstChoice(floor.operations);
    render();
  }

  function boot(config) {
    my.config = config;
    my.floor = null;
    render();
    if (config.chosen === null) {
      const last = Number(localStorage.getItem(storeKey("work_center")));
      if (config.centers.includes(last)) emitEvent("terminal_pick", last);
    }
    if (window.socket)
      window.socket.on("connect", () => {
        if (my.stale) refresh();
      });
    flush();
  }

  window.addEventListener("online", () => {
    my.delay = 1000;
    flush();
  });
  setInterval(() => {
    // the countdown the operator sees while the network is away (only that line: redrawing
    // the buttons under a finger would lose the tap)
    if (my.retryIn > 0) {
      my.retryIn = Math.max(0, my.retryIn - 1000);
      const line = document.querySelector("[data-terminal] .pt-sync");
      if (line) line.replaceWith(sync());
    }
  }, 1000);

  window.PlantopsTerminal = { boot, show, flush, waiting: () => loadList("queue").length };
})();

// The sandbox chat page: a user's private chat with the bot, or a group they are in, through
// the client API.
// Message text is only ever put into the page as text nodes; never as HTML.
"use strict";

(() => {
  const USER_KEY = "applicant-bot-sandbox.user";
  const BLOCKED_KEY = "applicant-bot-sandbox.blocked";
  const DEFAULT_USER = { id: 1001, name: "Ana" };
  const POLL_WAIT_SECONDS = 25;
  const EDIT_REFRESH_MS = 4000;
  const AFTER_PRESS_REFRESH_MS = [300, 1000, 2500];
  const TYPING_HINT_MS = 10000;
  // How often the page asks whether the bot answered a button press, and for how long.
  const ANSWER_POLL_MS = 150;
  // Telegram shows a button's short answer for a few seconds, longer for longer texts.
  const TOAST_MIN_MS = 2500;
  const TOAST_MS_PER_CHAR = 40;
  const TOAST_MAX_MS = 7000;
  // Button labels shrink to fit a word on its line; below this they may break inside a word.
  const SMALLEST_BUTTON_FONT_PX = 11;
  const PRIVATE_CHAT_LABEL = "Private chat";
  const RECENT_WINDOW = 30;
  const GROUPS_REFRESH_MS = 3000;
  const QUOTE_LENGTH = 120;
  // While the sandbox is away the page retries fast, so it is back within about a second.
  const MIN_BACKOFF_MS = 250;
  const MAX_BACKOFF_MS = 1000;
  const QUIET_POLL_PAUSE_MS = 1000;
  // Only where there is a keyboard and room does the placeholder explain Enter.
  const KEYBOARD_SCREEN = window.matchMedia("(min-width: 601px) and (pointer: fine)");
  const LINK_PROTOCOLS = new Set(["http:", "https:", "tg:"]);
  const DOWNLOAD_PROTOCOLS = new Set(["http:", "https:"]);
  // Inside these entities a "/word" is not turned into a clickable command.
  const NO_COMMANDS_INSIDE = new Set([
    "code", "pre", "text_link", "url", "email", "bot_command", "mention", "text_mention",
  ]);
  // As Telegram (bot/sandbox/entities.py): 1 to 64 characters, optionally @ a bot name.
  const COMMAND_PATTERN = /(^|[\s(])(\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?)(?=$|[\s.,!?;:)])/g;

  const $ = (id) => document.getElementById(id);
  const ui = {
    preset: $("user-preset"),
    userForm: $("user-form"),
    userId: $("user-id"),
    userName: $("user-name"),
    blockToggle: $("block-toggle"),
    banner: $("error-banner"),
    bannerText: $("error-text"),
    bannerAction: $("error-action"),
    bannerClose: $("error-close"),
    chat: $("chat"),
    list: $("messages"),
    emptyNote: $("empty-note"),
    blockedNote: $("blocked-note"),
    typing: $("typing"),
    composer: $("composer"),
    input: $("message-input"),
    chatPicker: $("chat-picker"),
    toast: $("toast"),
    alertDialog: $("alert-dialog"),
    alertText: $("alert-text"),
    alertOk: $("alert-ok"),
  };

  const state = {
    userId: 0,
    firstName: "",
    chatId: null, // null: the user's private chat; a negative number: a group
    groupTitles: new Map(),
    session: 0,
    controller: new AbortController(),
    messages: new Map(), // message_id -> { key, element, from }
    lastId: 0,
    loaded: false,
    blocked: false,
    bannerKind: null,
    wakeUp: null,
    typingTimer: 0,
    toastTimer: 0,
    refreshing: false,
    nameTyped: false, // the name field was edited since the chat opened
  };

  // ---------- Small helpers ----------

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function readStorage(key, fallback) {
    try {
      const raw = window.localStorage.getItem(key);
      return raw === null ? fallback : JSON.parse(raw);
    } catch {
      return fallback;
    }
  }

  function writeStorage(key, value) {
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
    } catch {
      // Storage can be disabled (private mode); the page works without remembering.
    }
  }

  function sleep(ms, signal) {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        state.wakeUp = null;
        resolve();
      }
      state.wakeUp = done;
      if (signal) signal.addEventListener("abort", done, { once: true });
    });
  }

  function pause(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  function safeUrl(raw, allowed, base) {
    if (typeof raw !== "string" || raw === "") return null;
    try {
      const url = base ? new URL(raw, base) : new URL(raw);
      return allowed.has(url.protocol) ? url.href : null;
    } catch {
      return null;
    }
  }

  // ---------- Talking to the sandbox ----------

  class ApiError extends Error {
    constructor(message, unreachable) {
      super(message);
      this.unreachable = unreachable;
    }
  }

  async function api(method, path, body, signal) {
    const options = { method, signal, cache: "no-store", headers: {} };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, options);
    } catch (error) {
      if (error.name === "AbortError") throw error;
      throw new ApiError("The sandbox cannot be reached; check that `make run` is still running.", true);
    }
    let payload = null;
    try {
      payload = await response.json();
    } catch {
      payload = null;
    }
    if (!response.ok) {
      if (payload && typeof payload.error === "string") throw new ApiError(payload.error, false);
      throw new ApiError(
        `The sandbox answered with an error (HTTP ${response.status}); see its terminal for details.`,
        response.status >= 500,
      );
    }
    return payload || {};
  }

  function userPath(suffix) {
    return `api/users/${state.userId}/${suffix}`;
  }

  function inGroup() {
    return state.chatId !== null;
  }

  // Where the open chat's messages and button presses go.
  function chatPath(suffix) {
    return inGroup() ? `api/groups/${state.chatId}/${suffix}` : userPath(suffix);
  }

  // A group request names the member acting; a private one is the user's own chat.
  function asMember(body) {
    return inGroup() ? { ...body, user_id: state.userId } : body;
  }

  // ---------- The banner ----------

  function showBanner(sentence, kind) {
    state.bannerKind = kind;
    ui.bannerText.textContent = sentence;
    ui.bannerAction.hidden = kind !== "connection";
    ui.banner.hidden = false;
  }

  function hideBanner(kind) {
    if (kind && state.bannerKind !== kind) return;
    state.bannerKind = null;
    ui.banner.hidden = true;
  }

  // ---------- Rendering text with Telegram entities ----------

  function byPosition(a, b) {
    return a.offset - b.offset || b.length - a.length;
  }

  function usableEntities(text, entities) {
    if (!Array.isArray(entities)) return [];
    return entities
      .filter((e) => e && typeof e.type === "string"
        && Number.isInteger(e.offset) && Number.isInteger(e.length)
        && e.offset >= 0 && e.length > 0 && e.offset < text.length)
      .map((e) => ({ ...e }))
      .sort(byPosition);
  }

  function appendPlain(parent, text, withCommands) {
    if (!text) return;
    if (!withCommands) {
      parent.append(document.createTextNode(text));
      return;
    }
    let position = 0;
    for (const match of text.matchAll(COMMAND_PATTERN)) {
      const start = match.index + match[1].length;
      parent.append(document.createTextNode(text.slice(position, start)));
      parent.append(commandButton(match[2]));
      position = start + match[2].length;
    }
    parent.append(document.createTextNode(text.slice(position)));
  }

  // Offsets and lengths are UTF-16 code units, exactly what JS string indices count.
  function renderRange(text, start, end, entities, withCommands) {
    const fragment = document.createDocumentFragment();
    let position = start;
    let pending = entities.slice();
    while (pending.length > 0) {
      const entity = pending.shift();
      const from = Math.max(entity.offset, position);
      const to = Math.min(entity.offset + entity.length, end);
      if (from >= to) continue;
      appendPlain(fragment, text.slice(position, from), withCommands);
      const inside = [];
      const later = [];
      for (const other of pending) {
        if (other.offset >= to) {
          later.push(other);
          continue;
        }
        inside.push(other);
        const otherEnd = other.offset + other.length;
        if (otherEnd > to) later.push({ ...other, offset: to, length: otherEnd - to });
      }
      pending = later.sort(byPosition);
      const innerCommands = withCommands && !NO_COMMANDS_INSIDE.has(entity.type);
      const children = renderRange(text, from, to, inside, innerCommands);
      fragment.append(entityNode(entity, text.slice(from, to), children));
      position = to;
    }
    appendPlain(fragment, text.slice(position, end), withCommands);
    return fragment;
  }

  function link(href, children) {
    const anchor = element("a");
    anchor.href = href;
    anchor.target = "_blank";
    anchor.rel = "noopener noreferrer";
    anchor.append(children);
    return anchor;
  }

  function spoiler(children) {
    const node = element("span", "spoiler");
    node.tabIndex = 0;
    node.title = "Spoiler: click to reveal";
    const reveal = () => {
      node.classList.add("revealed");
      node.removeAttribute("title");
      node.removeAttribute("tabindex");
    };
    node.addEventListener("click", reveal);
    node.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        reveal();
      }
    });
    node.append(children);
    return node;
  }

  function entityNode(entity, slice, children) {
    const simple = {
      bold: "strong", italic: "em", underline: "u", strikethrough: "s", code: "code",
      blockquote: "blockquote", expandable_blockquote: "blockquote",
    };
    if (simple[entity.type]) {
      const node = element(simple[entity.type]);
      node.append(children);
      return node;
    }
    switch (entity.type) {
      case "pre": {
        const pre = element("pre");
        const code = element("code");
        if (typeof entity.language === "string" && entity.language) {
          code.dataset.language = entity.language;
        }
        code.append(children);
        pre.append(code);
        return pre;
      }
      case "spoiler":
        return spoiler(children);
      case "text_link": {
        const href = safeUrl(entity.url, LINK_PROTOCOLS);
        if (href) return link(href, children);
        break;
      }
      case "url": {
        const candidate = /^[a-z][a-z0-9+.-]*:/i.test(slice) ? slice : `https://${slice}`;
        const href = safeUrl(candidate, LINK_PROTOCOLS);
        if (href) return link(href, children);
        break;
      }
      case "email":
        if (/^[^\s@]+@[^\s@]+$/.test(slice)) return link(`mailto:${slice}`, children);
        break;
      case "bot_command":
        return commandButton(slice);
      default:
        break;
    }
    const node = element("span", `entity-${entity.type.replace(/[^a-z_]/g, "")}`);
    node.append(children);
    return node;
  }

  function commandButton(command) {
    const button = element("button", "command", command);
    button.type = "button";
    button.dataset.command = command;
    button.title = `Send ${command}`;
    return button;
  }

  // ---------- Rendering messages ----------

  function renderDocument(documentInfo) {
    const box = element("div", "document");
    const name = typeof documentInfo.file_name === "string" && documentInfo.file_name
      ? documentInfo.file_name : "document";
    const extension = name.includes(".") ? name.split(".").pop().slice(0, 4).toUpperCase() : "FILE";
    const icon = element("span", "document-icon", extension);
    icon.setAttribute("aria-hidden", "true");
    box.append(icon);
    const href = safeUrl(documentInfo.url, DOWNLOAD_PROTOCOLS, document.baseURI);
    if (href) {
      const anchor = element("a", "", name);
      anchor.href = href;
      anchor.download = name;
      anchor.dataset.testid = "document-link";
      box.append(anchor);
    } else {
      box.append(element("span", "", `${name} (no download link)`));
    }
    return box;
  }

  function renderPhoto(photoInfo) {
    const name = typeof photoInfo.file_name === "string" && photoInfo.file_name
      ? photoInfo.file_name : "photo";
    const href = safeUrl(photoInfo.url, DOWNLOAD_PROTOCOLS, document.baseURI);
    if (!href) return element("span", "document", `${name} (no picture link)`);
    const image = element("img", "photo");
    image.src = href;
    image.alt = name;
    image.loading = "lazy";
    image.dataset.testid = "message-photo";
    return image;
  }

  function renderQuote(reply) {
    const quote = element("blockquote", "reply-quote");
    quote.dataset.testid = "reply-quote";
    const author = reply.from_user && typeof reply.from_user === "object" ? reply.from_user : null;
    const name = author && typeof author.first_name === "string" ? author.first_name : "";
    const who = reply.from === "bot" ? "Bot" : (name || "User");
    const text = typeof reply.text === "string" ? reply.text : "";
    const shown = text.length > QUOTE_LENGTH ? `${text.slice(0, QUOTE_LENGTH)}…` : text;
    quote.append(element("span", "reply-author", who), element("span", "reply-text", shown));
    return quote;
  }

  function senderName(message) {
    const author = message.from_user;
    if (!author || typeof author !== "object") return "";
    const name = typeof author.first_name === "string" ? author.first_name : "";
    return author.id === state.userId ? `${name} (you)` : name;
  }

  function renderKeyboard(message) {
    const keyboard = element("div", "keyboard");
    keyboard.setAttribute("role", "group");
    keyboard.setAttribute("aria-label", "Bot buttons");
    for (const row of message.buttons) {
      if (!Array.isArray(row)) continue;
      const line = element("div", "keyboard-row");
      for (const spec of row) {
        if (spec && typeof spec === "object") line.append(inlineButton(message.message_id, spec));
      }
      keyboard.append(line);
    }
    return keyboard;
  }

  function inlineButton(messageId, spec) {
    const label = typeof spec.text === "string" ? spec.text : "";
    if (typeof spec.url === "string") {
      const href = safeUrl(spec.url, LINK_PROTOCOLS);
      if (href) {
        const anchor = link(href, document.createTextNode(label));
        anchor.className = "inline-button";
        anchor.dataset.testid = "inline-button";
        const arrow = element("span", "external", "↗");
        arrow.setAttribute("aria-hidden", "true");
        anchor.append(arrow);
        return anchor;
      }
    }
    const button = element("button", "inline-button", label);
    button.type = "button";
    button.dataset.testid = "inline-button";
    if (typeof spec.data === "string") {
      button.addEventListener("click", () => pressButton(messageId, spec.data, button));
    } else {
      button.disabled = true;
      button.title = "This kind of button does nothing in the sandbox.";
    }
    return button;
  }

  function renderMessage(message, fresh) {
    const from = message.from === "bot" ? "bot" : "user";
    const item = element("li", fresh ? "message fresh" : "message");
    item.dataset.testid = "message";
    item.dataset.from = from;
    item.dataset.messageId = String(message.message_id);
    const writer = inGroup() && from === "user" ? senderName(message) : "";
    const mine = !writer || (message.from_user && message.from_user.id === state.userId);
    if (inGroup() && from === "user" && !mine) item.classList.add("other");
    item.append(element("span", "visually-hidden", from === "bot" ? "Bot: " : `${writer || "You"}: `));
    if (writer) {
      const label = element("span", "message-sender", writer);
      label.dataset.testid = "message-sender";
      label.setAttribute("aria-hidden", "true");
      item.append(label);
    }
    if (typeof message.forwarded_from === "string") {
      item.append(element("span", "forwarded", `Forwarded from ${message.forwarded_from}`));
    }
    if (message.reply_to && typeof message.reply_to === "object") {
      item.append(renderQuote(message.reply_to));
    }
    if (message.photo && typeof message.photo === "object") {
      item.append(renderPhoto(message.photo));
    }
    if (message.document && typeof message.document === "object") {
      item.append(renderDocument(message.document));
    }
    const text = typeof message.text === "string" ? message.text : "";
    if (text) {
      const body = element("div", "message-text");
      body.dataset.testid = "message-text";
      const entities = usableEntities(text, message.entities);
      const findCommands = from === "bot" && !entities.some((e) => e.type === "bot_command");
      body.append(renderRange(text, 0, text.length, entities, findCommands));
      item.append(body);
    }
    if (from === "bot" && Array.isArray(message.buttons) && message.buttons.length > 0) {
      item.append(renderKeyboard(message));
    }
    const meta = element("span", "message-meta");
    if (Number.isFinite(message.date)) {
      const when = new Date(message.date * 1000);
      const time = element("time", "", when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }));
      time.dateTime = when.toISOString();
      meta.append(time);
    }
    if (message.edited) meta.prepend(document.createTextNode("edited "));
    if (Array.isArray(message.reactions) && message.reactions.length > 0) {
      const reactions = element("span", "reactions", message.reactions.join(" "));
      reactions.dataset.testid = "reactions";
      item.append(reactions);
    }
    item.append(meta);
    return item;
  }

  function isNearBottom() {
    return ui.chat.scrollHeight - ui.chat.scrollTop - ui.chat.clientHeight < 120;
  }

  function scrollToBottom() {
    ui.chat.scrollTop = ui.chat.scrollHeight;
  }

  function updateNotes() {
    ui.emptyNote.hidden = !(state.loaded && state.messages.size === 0);
    ui.blockedNote.hidden = !state.blocked;
  }

  function applyMessages(messages) {
    if (!Array.isArray(messages)) return;
    const stickToBottom = isNearBottom();
    let botActivity = false;
    let added = false;
    const rendered = [];
    for (const message of messages) {
      if (!message || !Number.isInteger(message.message_id)) continue;
      const id = message.message_id;
      const key = JSON.stringify(message);
      const known = state.messages.get(id);
      if (known && known.key === key) continue;
      const node = renderMessage(message, !known);
      rendered.push(node);
      if (known) {
        known.element.replaceWith(node);
      } else {
        insertInOrder(id, node);
        added = true;
      }
      if (message.from === "bot") botActivity = true;
      state.messages.set(id, { key, element: node });
      state.lastId = Math.max(state.lastId, id);
    }
    if (botActivity) hideTyping();
    for (const node of rendered) fitButtonLabels(node);
    updateNotes();
    if (added && stickToBottom) scrollToBottom();
  }

  // The server's whole chat: messages it no longer has are removed, the rest kept in id order.
  function replaceMessages(messages) {
    if (!Array.isArray(messages)) return;
    const current = new Set(messages.map((message) => message && message.message_id));
    for (const [id, entry] of state.messages) {
      if (!current.has(id)) {
        entry.element.remove();
        state.messages.delete(id);
      }
    }
    state.lastId = 0;
    for (const id of state.messages.keys()) state.lastId = Math.max(state.lastId, id);
    applyMessages(messages);
  }

  function insertInOrder(id, node) {
    let before = null;
    for (const [otherId, entry] of state.messages) {
      if (otherId > id && (before === null || otherId < before.id)) before = { id: otherId, entry };
    }
    if (before) before.entry.element.before(node);
    else ui.list.append(node);
  }

  // ---------- Polling ----------

  async function pollLoop(session, signal) {
    let backoff = MIN_BACKOFF_MS;
    let reconnecting = false;
    while (session === state.session) {
      const started = Date.now();
      const wait = state.loaded && !reconnecting ? POLL_WAIT_SECONDS : 0;
      // Back from an outage, the whole chat is fetched again: the sandbox may have restarted.
      const after = reconnecting ? 0 : state.lastId;
      try {
        const data = await api(
          "GET", `${chatPath("messages")}?after=${after}&wait=${wait}`, undefined, signal,
        );
        if (session !== state.session) return;
        const before = state.messages.size;
        state.loaded = true;
        if (reconnecting) replaceMessages(data.messages);
        else applyMessages(data.messages);
        reconnecting = false;
        hideBanner("connection");
        backoff = MIN_BACKOFF_MS;
        // A server that answers at once with nothing new must not be hammered.
        if (wait > 0 && state.messages.size === before && Date.now() - started < 500) {
          await sleep(QUIET_POLL_PAUSE_MS, signal);
        }
      } catch (error) {
        if (session !== state.session || error.name === "AbortError") return;
        if (error.unreachable) {
          reconnecting = true;
          showBanner(`${error.message} Retrying…`, "connection");
        } else {
          showBanner(error.message, "message");
        }
        await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  // Edited bot messages keep their id, so recent history is fetched again now and then.
  async function refreshRecent() {
    if (state.refreshing || !state.loaded || state.userId === 0) return;
    const session = state.session;
    const ids = [...state.messages.keys()].sort((a, b) => a - b);
    const after = ids.length > RECENT_WINDOW ? ids[ids.length - RECENT_WINDOW] - 1 : 0;
    state.refreshing = true;
    try {
      const data = await api(
        "GET", `${chatPath("messages")}?after=${after}`, undefined, state.controller.signal,
      );
      if (session === state.session) applyMessages(data.messages);
    } catch {
      // The long-poll loop reports connection problems; a missed refresh is retried soon.
    } finally {
      state.refreshing = false;
    }
  }

  // ---------- Actions ----------

  function showTyping() {
    ui.typing.hidden = false;
    clearTimeout(state.typingTimer);
    state.typingTimer = setTimeout(hideTyping, TYPING_HINT_MS);
    if (isNearBottom()) scrollToBottom();
  }

  function hideTyping() {
    clearTimeout(state.typingTimer);
    ui.typing.hidden = true;
  }

  async function sendText(text) {
    if (text.trim() === "" || state.userId === 0) return false;
    const session = state.session;
    const body = { text };
    if (state.firstName) body.first_name = state.firstName;
    try {
      const data = await api("POST", chatPath("messages"), asMember(body));
      if (session !== state.session) return true;
      hideBanner("message");
      if (Number.isInteger(data.message_id) && !state.messages.has(data.message_id)) {
        applyMessages([typeof data.text === "string" ? data : {
          message_id: data.message_id, from: "user", text, entities: [],
          date: Math.floor(Date.now() / 1000), edited: false,
        }]);
      }
      scrollToBottom();
      showTyping();
      return true;
    } catch (error) {
      showBanner(error.message, error.unreachable ? "connection" : "message");
      return false;
    }
  }

  async function pressButton(messageId, data, button) {
    const session = state.session;
    button.classList.add("busy");
    button.setAttribute("aria-busy", "true");
    try {
      const pressed = await api("POST", chatPath("callbacks"), asMember({ message_id: messageId, data }));
      if (session !== state.session) return;
      hideBanner("message");
      showTyping();
      for (const delay of AFTER_PRESS_REFRESH_MS) setTimeout(refreshRecent, delay);
      if (typeof pressed.callback_query_id === "string") {
        showButtonAnswer(pressed.callback_query_id, session);
      }
    } catch (error) {
      showBanner(error.message, error.unreachable ? "connection" : "message");
    } finally {
      button.classList.remove("busy");
      button.removeAttribute("aria-busy");
    }
  }

  // ---------- A button's answer: a toast, or an alert to dismiss (as Telegram shows them) ----------

  async function showButtonAnswer(queryId, session) {
    const path = userPath(`callbacks/${encodeURIComponent(queryId)}`);
    const deadline = Date.now() + TYPING_HINT_MS;
    while (session === state.session && Date.now() < deadline) {
      let answer;
      try {
        answer = await api("GET", path, undefined, state.controller.signal);
      } catch {
        return; // the long-poll loop reports connection problems
      }
      if (session !== state.session) return;
      if (answer.answered) {
        const text = typeof answer.text === "string" ? answer.text : "";
        if (text === "") return; // Telegram shows nothing for an answer without text
        hideTyping();
        if (answer.show_alert) showAlert(text);
        else showToast(text);
        return;
      }
      await pause(ANSWER_POLL_MS);
    }
  }

  function showToast(text) {
    ui.toast.textContent = text;
    ui.toast.hidden = false;
    clearTimeout(state.toastTimer);
    const shown = Math.min(TOAST_MAX_MS, TOAST_MIN_MS + TOAST_MS_PER_CHAR * text.length);
    state.toastTimer = setTimeout(hideToast, shown);
  }

  function hideToast() {
    clearTimeout(state.toastTimer);
    ui.toast.hidden = true;
  }

  function showAlert(text) {
    hideToast();
    ui.alertText.textContent = text;
    if (!ui.alertDialog.open) ui.alertDialog.showModal();
    ui.alertOk.focus();
  }

  // ---------- Button labels: whole words on a line, smaller type where a word is too long ----------

  function fitButtonLabels(root) {
    for (const button of root.querySelectorAll(".inline-button")) {
      button.style.fontSize = "";
      button.classList.remove("cramped");
      let size = parseFloat(getComputedStyle(button).fontSize);
      while (button.scrollWidth > button.clientWidth && size > SMALLEST_BUTTON_FONT_PX) {
        size -= 1;
        button.style.fontSize = `${size}px`;
      }
      // Even the smallest type is too wide: break the word rather than cut it off.
      if (button.scrollWidth > button.clientWidth) button.classList.add("cramped");
    }
  }

  function blockedUsers() {
    const stored = readStorage(BLOCKED_KEY, []);
    return Array.isArray(stored) ? stored : [];
  }

  function showBlocked(blocked) {
    state.blocked = blocked;
    ui.blockToggle.setAttribute("aria-pressed", String(blocked));
    ui.blockToggle.textContent = blocked ? "Unblock bot" : "Block bot";
    ui.blockToggle.disabled = inGroup(); // a group member leaves no block on the bot
    updateNotes();
  }

  async function toggleBlock() {
    if (state.userId === 0) return;
    const wanted = !state.blocked;
    const userId = state.userId;
    ui.blockToggle.disabled = true;
    try {
      await api("POST", userPath(wanted ? "block" : "unblock"));
      const others = blockedUsers().filter((id) => id !== userId);
      writeStorage(BLOCKED_KEY, wanted ? [...others, userId] : others);
      if (userId === state.userId) showBlocked(wanted);
      hideBanner("message");
    } catch (error) {
      showBanner(error.message, error.unreachable ? "connection" : "message");
    } finally {
      ui.blockToggle.disabled = false;
    }
  }

  // ---------- Choosing the user ----------

  function parseUserId(raw) {
    const text = String(raw).trim();
    if (!/^\d{1,15}$/.test(text) || Number(text) <= 0) return null;
    return Number(text);
  }

  function syncPreset() {
    const value = `${ui.userId.value.trim()}|${ui.userName.value.trim()}`;
    const match = [...ui.preset.options].some((option) => option.value === value);
    ui.preset.value = match ? value : "custom";
  }

  function openChat(rawId, rawName) {
    const userId = parseUserId(rawId);
    if (userId === null) {
      ui.userId.setAttribute("aria-invalid", "true");
      showBanner("The user id must be a whole number above 0, for example 1001.", "message");
      ui.userId.focus();
      return;
    }
    ui.userId.removeAttribute("aria-invalid");
    hideBanner("message");
    state.firstName = String(rawName).trim().slice(0, 64);
    state.nameTyped = false;
    writeStorage(USER_KEY, { id: userId, name: state.firstName });
    syncPreset();
    if (userId === state.userId) return;
    state.userId = userId;
    restartChat();
  }

  // Opens the chosen chat (private or group) for the current user, from an empty list.
  function restartChat() {
    const userId = state.userId;
    state.controller.abort();
    state.controller = new AbortController();
    state.session += 1;
    state.messages.clear();
    state.lastId = 0;
    state.loaded = false;
    ui.list.replaceChildren();
    hideTyping();
    hideBanner("connection");
    showBlocked(!inGroup() && blockedUsers().includes(userId));
    const where = inGroup() ? ` in ${state.groupTitles.get(state.chatId) || "a group"}` : "";
    document.title = `Chat as ${state.firstName || "user"} (${userId})${where} – applicant bot sandbox`;
    ui.input.placeholder = inGroup() ? "Write to the group" : ui.input.placeholder;
    pollLoop(state.session, state.controller.signal);
  }

  // ---------- Choosing the chat: private, or one of the groups ----------

  async function refreshGroups() {
    let data;
    try {
      data = await api("GET", "api/groups");
    } catch {
      return; // the long-poll loop reports connection problems
    }
    if (!Array.isArray(data.groups)) return;
    const options = [new Option(PRIVATE_CHAT_LABEL, "private")];
    state.groupTitles.clear();
    for (const group of data.groups) {
      if (!group || !Number.isInteger(group.chat_id) || typeof group.title !== "string") continue;
      state.groupTitles.set(group.chat_id, group.title);
      const members = Array.isArray(group.member_ids) ? group.member_ids.length : 0;
      options.push(new Option(`Group: ${group.title} (${members} members)`, String(group.chat_id)));
    }
    const wanted = state.chatId === null ? "private" : String(state.chatId);
    const same = options.length === ui.chatPicker.options.length
      && options.every((option, i) => option.value === ui.chatPicker.options[i].value
        && option.text === ui.chatPicker.options[i].text);
    if (!same) ui.chatPicker.replaceChildren(...options);
    ui.chatPicker.value = options.some((option) => option.value === wanted) ? wanted : "private";
  }

  function pickChat() {
    const value = ui.chatPicker.value;
    const chatId = value === "private" ? null : Number(value);
    if (chatId === state.chatId) return;
    state.chatId = Number.isInteger(chatId) ? chatId : null;
    explainEnter();
    restartChat();
  }

  function explainEnter() {
    ui.input.placeholder = KEYBOARD_SCREEN.matches
      ? "Type a message (Enter sends, Shift+Enter adds a line)"
      : "Type a message";
  }

  function autosizeInput() {
    ui.input.style.height = "auto";
    ui.input.style.height = `${ui.input.scrollHeight + 2}px`;
  }

  // ---------- Wiring ----------

  ui.preset.addEventListener("change", () => {
    if (ui.preset.value === "custom") {
      // Someone else: their own name, not the last persona's (the sandbox keeps a known
      // user's name, or calls a new one "User <id>", when the field stays empty).
      ui.userName.value = "";
      state.nameTyped = false;
      ui.userId.focus();
      ui.userId.select();
      return;
    }
    const [id, name] = ui.preset.value.split("|");
    ui.userId.value = id;
    ui.userName.value = name;
    openChat(id, name);
  });

  // Opens the chat the form names. A name left over from the previous user (not typed since)
  // must not rename a new user id for everyone, so it is dropped.
  function openChosenChat() {
    const other = parseUserId(ui.userId.value) !== state.userId;
    if (other && !state.nameTyped) ui.userName.value = "";
    openChat(ui.userId.value, ui.userName.value);
  }

  ui.userForm.addEventListener("submit", (event) => {
    event.preventDefault();
    openChosenChat();
  });

  ui.userId.addEventListener("change", openChosenChat);
  ui.userName.addEventListener("input", () => { state.nameTyped = true; });
  ui.userName.addEventListener("change", () => openChat(ui.userId.value, ui.userName.value));

  ui.composer.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = ui.input.value;
    if (text.trim() === "") {
      ui.input.focus();
      return;
    }
    ui.input.value = "";
    autosizeInput();
    const sent = await sendText(text);
    if (!sent && ui.input.value === "") {
      ui.input.value = text;
      autosizeInput();
    }
    ui.input.focus();
  });

  ui.input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      ui.composer.requestSubmit();
    }
  });
  ui.input.addEventListener("input", autosizeInput);
  KEYBOARD_SCREEN.addEventListener("change", explainEnter);
  explainEnter();

  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target.closest(".command") : null;
    if (target && target.dataset.command) sendText(target.dataset.command);
  });

  ui.alertOk.addEventListener("click", () => ui.alertDialog.close());
  ui.toast.addEventListener("click", hideToast);
  let fitPending = false;
  window.addEventListener("resize", () => {
    if (fitPending) return;
    fitPending = true;
    requestAnimationFrame(() => {
      fitPending = false;
      fitButtonLabels(ui.list);
    });
  });

  ui.blockToggle.addEventListener("click", toggleBlock);
  ui.chatPicker.addEventListener("change", pickChat);
  ui.chatPicker.addEventListener("focus", refreshGroups);
  setInterval(() => {
    if (document.visibilityState === "visible") refreshGroups();
  }, GROUPS_REFRESH_MS);
  refreshGroups();
  ui.bannerClose.addEventListener("click", () => hideBanner());
  ui.bannerAction.addEventListener("click", () => {
    if (state.wakeUp) state.wakeUp();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") refreshRecent();
  });
  setInterval(() => {
    if (document.visibilityState === "visible") refreshRecent();
  }, EDIT_REFRESH_MS);

  const remembered = readStorage(USER_KEY, DEFAULT_USER);
  const startId = remembered && parseUserId(remembered.id) !== null ? remembered.id : DEFAULT_USER.id;
  const startName = remembered && typeof remembered.name === "string" ? remembered.name : DEFAULT_USER.name;
  ui.userId.value = String(startId);
  ui.userName.value = startName;
  openChat(startId, startName);
})();

// The widget's DOM: a launcher and a chat panel inside a shadow root. It renders a view model
// and reports what the visitor does; it holds no conversation state of its own. Every piece of
// text that comes from a person or a page is written with textContent / text nodes, never HTML.
import type { HandoffLine } from "./handoff";
import { splitLinks } from "./links";
import type { BotInfo } from "./session";
import type { ListItem } from "./store";
import { styles } from "./styles";

export type WidgetStatus = "idle" | "connecting" | "online" | "offline" | "unavailable";

export interface ViewModel {
  items: ListItem[];
  status: WidgetStatus;
  unread: number;
  notice?: string;
  /** Where the handoff to a person stands; absent when there is none in progress. */
  handoff?: HandoffLine;
  /** The project's bot, once a welcome has named it. */
  bot?: BotInfo;
  /** "Dana is typing…", while the agent types. */
  typing?: string;
  /** Offer the "Talk to a person" button (no handoff waiting or in progress). */
  askForPerson: boolean;
  /** Show the five rating buttons (a person resolved the chat, no rating yet). */
  rating: boolean;
}

export interface ViewHandlers {
  /** Returns true when the text was accepted (the input is then cleared). */
  onSend(text: string): boolean;
  onOpenChange(open: boolean): void;
  onRetry(clientId: string): void;
  onTalkToPerson(): void;
  /** 1–5 from the rating buttons. */
  onRate(score: number): void;
  /** The visitor typed in the box (throttled by the caller). */
  onTyping(): void;
}

export interface WidgetView {
  update(model: ViewModel): void;
  isOpen(): boolean;
}

const STATUS_TEXT: Record<WidgetStatus, string> = {
  idle: "Ask us anything",
  connecting: "Connecting…",
  online: "Online",
  offline: "Offline. We'll send your messages when you're back.",
  unavailable: "Chat is unavailable right now",
};

const DEFAULT_TITLE = "Chat with us";
const DEFAULT_INTRO = "Hi! Ask us anything. Our assistant answers right away, and a person from the team can take over whenever you like.";

const icon = (path: string, cls = "") =>
  `<svg class="${cls}" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">${path}</svg>`;
const CLOSE_PATH = '<path d="M18 6 6 18M6 6l12 12"/>';

// Static markup only: nothing here is interpolated from data.
const TEMPLATE = `<div class="root">
<section class="panel" id="panel" role="dialog" aria-labelledby="title" hidden>
<header><div><h2 id="title"></h2><p class="status"><span class="dot"></span><span class="status-text"></span></p></div>
<button class="close" type="button" aria-label="Close chat">${icon(CLOSE_PATH)}</button></header>
<div class="log" role="log" aria-live="polite" aria-label="Conversation" tabindex="0"><p class="intro"></p></div>
<p class="typing" aria-live="polite"></p>
<fieldset class="rate" hidden><legend>How was the help you got?</legend>${[1, 2, 3, 4, 5].map((n) => `<button type="button" data-rate="${n}" aria-label="${n} out of 5${n === 1 ? ", poor" : n === 5 ? ", excellent" : ""}">${n}★</button>`).join("")}</fieldset>
<p class="handoff" role="status" hidden><span class="mark"></span><span class="handoff-text"></span></p>
<p class="human-bar"><button class="human" type="button">Talk to a person</button></p>
<p class="notice" role="alert" hidden></p>
<form><label class="sr" for="input">Message</label><textarea id="input" rows="1" maxlength="4000" placeholder="Write a message…" enterkeyhint="send"></textarea>
<button class="send" type="submit" aria-label="Send message">${icon('<path d="M22 2 11 13M22 2l-7 20-4-9-9-4 20-7z"/>')}</button></form>
<footer>Powered by Baton</footer>
</section>
<button class="launcher" type="button" aria-controls="panel" aria-expanded="false" aria-label="Open chat">${icon('<path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z"/>', "i-chat")}${icon(CLOSE_PATH, "i-close")}<span class="badge" hidden></span></button>
</div>`;

interface Row {
  el: HTMLElement;
  who: HTMLElement;
  bubble: HTMLElement;
  meta: HTMLElement;
  text: string;
  signature: string;
}

/** Creates the host element, its shadow root and the whole widget; returns the render function. */
export function mountWidget(options: { title?: string; accent?: string }, handlers: ViewHandlers): WidgetView {
  const host = document.createElement("baton-widget");
  const shadow = host.attachShadow({ mode: "open" });
  shadow.innerHTML = `<style>${styles}</style>${TEMPLATE}`;
  const $ = <T extends HTMLElement>(selector: string) => shadow.querySelector(selector) as T;
  const root = $(".root");
  const panel = $(".panel");
  const launcher = $<HTMLButtonElement>(".launcher");
  const badge = $(".badge");
  const statusText = $(".status-text");
  const log = $(".log");
  const intro = $(".intro");
  const notice = $(".notice");
  const handoff = $(".handoff");
  const handoffText = $(".handoff-text");
  const title = $("h2");
  const typing = $(".typing");
  const rate = $(".rate");
  const human = $<HTMLButtonElement>(".human");
  const form = $<HTMLFormElement>("form");
  const input = $<HTMLTextAreaElement>("textarea");

  if (options.accent) root.style.setProperty("--accent", options.accent);
  document.body.append(host);

  const rows = new Map<string, Row>();
  let open = false;
  let unread = 0;
  let introText = "";

  function setOpen(next: boolean, focus = true) {
    if (open === next) return;
    open = next;
    panel.hidden = !open;
    root.classList.toggle("open", open);
    launcher.setAttribute("aria-expanded", String(open));
    updateLauncherLabel();
    if (open) {
      log.scrollTop = log.scrollHeight;
      if (focus) input.focus();
    } else if (focus) {
      launcher.focus();
    }
    handlers.onOpenChange(open);
  }

  function updateLauncherLabel() {
    const action = open ? "Close chat" : "Open chat";
    launcher.setAttribute("aria-label", !open && unread > 0 ? `${action}, ${unread} unread` : action);
    badge.hidden = open || unread === 0;
    badge.textContent = unread > 9 ? "9+" : String(unread);
  }

  function submit() {
    if (handlers.onSend(input.value)) {
      input.value = "";
      autosize();
    }
    input.focus();
  }

  function autosize() {
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight + 2, 128)}px`;
  }

  launcher.addEventListener("click", () => setOpen(!open));
  $(".close").addEventListener("click", () => setOpen(false));
  panel.addEventListener("keydown", (e) => {
    if (e.key === "Escape") setOpen(false);
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    submit();
  });
  input.addEventListener("input", () => {
    autosize();
    if (input.value.trim()) handlers.onTyping();
  });
  human.addEventListener("click", () => {
    handlers.onTalkToPerson();
    input.focus();
  });
  rate.addEventListener("click", (e) => {
    const score = Number((e.target as HTMLElement).closest("[data-rate]")?.getAttribute("data-rate"));
    if (score) handlers.onRate(score);
  });
  input.addEventListener("keydown", (e) => {
    // isComposing: Enter also confirms an IME composition (Japanese, Chinese…), which must not send.
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit();
    }
  });
  log.addEventListener("click", (e) => {
    const clientId = (e.target as HTMLElement).closest("[data-retry]")?.getAttribute("data-retry");
    if (clientId) handlers.onRetry(clientId);
  });

  function update(model: ViewModel) {
    root.dataset.status = model.status;
    statusText.textContent = STATUS_TEXT[model.status];
    notice.hidden = !model.notice;
    notice.textContent = model.notice ?? "";
    handoff.hidden = !model.handoff;
    handoff.dataset.tone = model.handoff?.tone ?? "";
    handoffText.textContent = model.handoff?.text ?? "";
    typing.textContent = model.typing ?? "";
    rate.hidden = !model.rating;
    human.parentElement!.hidden = !model.askForPerson;
    title.textContent = options.title || model.bot?.name || DEFAULT_TITLE;
    // The greeting stays at the top of the log: it usually arrives with the first reply.
    const greeting = model.bot?.greeting || DEFAULT_INTRO;
    if (introText !== greeting) fillText(intro, (introText = greeting), true);
    unread = model.unread;
    updateLauncherLabel();

    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 60;
    let sentByVisitor = false;
    const seen = new Set<string>();
    let previous: Element = intro;
    let previousSpeaker = "";
    for (const item of model.items) {
      seen.add(item.key);
      let row = rows.get(item.key);
      if (!row) {
        row = createRow();
        rows.set(item.key, row);
        if (item.from === "visitor") sentByVisitor = true;
      }
      const speaker = item.from + (item.kind === "message" ? (item.author ?? "") : "");
      renderRow(row, item, speaker !== previousSpeaker);
      previousSpeaker = speaker;
      if (previous.nextElementSibling !== row.el) previous.after(row.el);
      previous = row.el;
    }
    for (const [key, row] of rows) {
      if (!seen.has(key)) {
        row.el.remove();
        rows.delete(key);
      }
    }
    if (atBottom || sentByVisitor) log.scrollTop = log.scrollHeight;
  }

  return { update, isOpen: () => open };
}

function createRow(): Row {
  const el = document.createElement("div");
  const who = document.createElement("span");
  const bubble = document.createElement("div");
  const meta = document.createElement("span");
  who.className = "who";
  bubble.className = "bubble";
  meta.className = "meta";
  el.append(who, bubble, meta);
  return { el, who, bubble, meta, text: "", signature: "" };
}

function renderRow(row: Row, item: ListItem, first: boolean) {
  if (row.text !== item.text) {
    row.text = item.text;
    // Only the project's own voices (its bot, its team) get clickable links; the visitor's text is echoed as typed.
    fillText(row.bubble, item.text, item.from === "bot" || item.from === "agent");
  }
  const status = item.kind === "message" ? "sent" : item.status;
  const label = item.kind === "message" ? (item.author ?? (item.from === "bot" ? "Assistant" : item.from === "agent" ? "Agent" : "")) : "";
  const signature = [item.from, status, first, label, item.kind === "message" ? item.seq : "", item.kind === "outgoing" ? (item.error ?? "") : ""].join("|");
  if (row.signature === signature) return;
  row.signature = signature;

  const { el } = row;
  el.className = `row ${item.from}${first ? " first" : ""}`;
  el.dataset.from = item.from;
  el.dataset.status = status;
  if (item.kind === "message") el.dataset.seq = String(item.seq);
  el.title = new Date(item.at).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
  row.who.textContent = label;
  row.who.hidden = !first || !label;

  row.meta.textContent = "";
  row.meta.hidden = status === "sent";
  if (item.kind === "outgoing" && item.status === "pending") row.meta.textContent = "Sending…";
  if (item.kind === "outgoing" && item.status === "failed") {
    const retry = document.createElement("button");
    retry.type = "button";
    retry.textContent = "Retry";
    retry.dataset.retry = item.key.slice(2);
    row.meta.append(`Not sent${item.error ? `: ${item.error}` : ""}. `, retry);
  }
}

/** Writes text as text nodes; with `links`, http(s) URLs become anchors (href: the parsed URL, text: its short label). */
function fillText(el: HTMLElement, text: string, links: boolean) {
  el.textContent = "";
  if (!links) return void el.append(text);
  for (const part of splitLinks(text)) {
    if (!part.href) {
      el.append(part.text);
      continue;
    }
    const link = document.createElement("a");
    link.href = part.href;
    link.textContent = part.label;
    link.title = part.href;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    el.append(link);
  }
}

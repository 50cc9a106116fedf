// The widget's controller: owns the conversation state and wires storage, HTTP, the socket and
// the view together. Rules about messages live in store.ts; this file only decides when to
// start a conversation, what to send next, and when to give up on a refused socket.
import type { ErrorCode } from "../protocol/frames";
import { canAskForPerson, handoffLine, receiveHandoff, wantsRating, type HandoffView } from "./handoff";
import { newClientId } from "./ids";
import { loadSaved, saveState, socketUrl, startConversation, type BotInfo, type Session, type VisitorUser } from "./session";
import { openRoomSocket, type RoomSocket } from "./socket";
import {
  checkText,
  countUnread,
  emptyState,
  listItems,
  markFailed,
  MAX_TEXT_LENGTH,
  pendingMessages,
  queueMessage,
  receiveMessage,
  retryMessage,
  startOver,
  type ChatState,
} from "./store";
import { mountWidget, type WidgetStatus } from "./ui";

export interface WidgetConfig {
  projectKey: string;
  /** Origin of the Baton API (where widget.js came from, unless `data-api` says otherwise). */
  api: string;
  /** From `data-title`; without it the panel shows the bot's name. */
  title?: string;
  accent?: string;
  /** A logged-in visitor, from `data-user-id` (and `data-user-hash`, `-name`, `-email`). */
  user?: VisitorUser;
}

/** Error codes after which the same frame may simply be sent again (see docs/protocol.md). */
const RETRYABLE: readonly ErrorCode[] = ["rate_limited", "internal"];
const RESEND_AFTER_ERROR_MS = 3_000;
const FIRST_START_DELAY_MS = 2_000;
const MAX_START_DELAY_MS = 30_000;
/** "Typing" goes out at most this often while the visitor types, and "stopped" after this long without a key. */
const TYPING_EVERY_MS = 3_000;
const TYPING_STOP_MS = 4_000;
/** An agent's "typing" that is not refreshed is stale after this long. */
const AGENT_TYPING_MS = 6_000;
const ASK_FOR_PERSON = "I'd like to talk to a person, please.";

/** Mounts the widget and resumes the visitor's conversation if this browser has one. */
export function startChat(config: WidgetConfig): void {
  const saved = loadSaved(config.projectKey, config.user?.id);
  let session: Session | undefined = saved.session;
  let readSeq = saved.readSeq;
  let bot: BotInfo | undefined = saved.bot;
  /** Not saved: the room sends it again after every (re)connect. */
  let handoff: HandoffView | null = null;
  let state: ChatState = { ...emptyState, outbox: saved.outbox };
  let status: WidgetStatus = "idle";
  let notice: string | undefined;
  let socket: RoomSocket | undefined;
  /** The clientId sent on the current connection and not yet echoed. One at a time keeps the visitor's order. */
  let inFlight: string | undefined;
  let starting = false;
  let startDelay = FIRST_START_DELAY_MS;
  let resendTimer: ReturnType<typeof setTimeout> | undefined;
  /** When "typing" was last sent (0: the room thinks the visitor is not typing). */
  let typingSentAt = 0;
  let typingStop: ReturnType<typeof setTimeout> | undefined;
  let agentTyping: string | undefined;
  let agentTypingClear: ReturnType<typeof setTimeout> | undefined;

  function stopTyping() {
    clearTimeout(typingStop);
    if (typingSentAt) socket?.send({ type: "visitor.typing", typing: false });
    typingSentAt = 0;
  }

  function write(raw: string): boolean {
    const checked = checkText(raw);
    notice = checked.ok || checked.reason === "empty" ? undefined : `Messages are limited to ${MAX_TEXT_LENGTH} characters.`;
    if (checked.ok) {
      stopTyping();
      state = queueMessage(state, { clientId: newClientId(), text: checked.text, at: new Date().toISOString() });
      persist();
      deliver();
    }
    render();
    return checked.ok;
  }

  const view = mountWidget(config, {
    onSend: write,
    onTalkToPerson: () => void write(ASK_FOR_PERSON),
    onRate: (score) => void write(`${score}/5`),
    onTyping() {
      const now = Date.now();
      if (now - typingSentAt > TYPING_EVERY_MS && socket?.send({ type: "visitor.typing", typing: true })) typingSentAt = now;
      clearTimeout(typingStop);
      typingStop = setTimeout(stopTyping, TYPING_STOP_MS);
    },
    onOpenChange() {
      markRead();
      render();
    },
    onRetry(clientId) {
      state = retryMessage(state, clientId);
      persist();
      render();
      deliver();
    },
  });

  function render() {
    const line = handoffLine(handoff, state.messages);
    view.update({
      items: listItems(state),
      status,
      unread: view.isOpen() ? 0 : countUnread(state, readSeq),
      ...(notice ? { notice } : {}),
      ...(line ? { handoff: line } : {}),
      ...(bot ? { bot } : {}),
      ...(agentTyping !== undefined ? { typing: `${agentTyping || "The team"} is typing…` } : {}),
      askForPerson: canAskForPerson(handoff) && !pendingMessages(state).length,
      rating: wantsRating(handoff),
    });
  }

  function persist() {
    saveState(config.projectKey, { ...(session ? { session } : {}), outbox: [...state.outbox], readSeq, ...(bot ? { bot } : {}) }, config.user?.id);
  }

  function markRead() {
    if (view.isOpen() && readSeq !== state.lastSeq) {
      readSeq = state.lastSeq;
      persist();
    }
  }

  /** Sends the oldest pending message unless one is already in flight; starts a conversation first if needed. */
  function deliver() {
    if (!session) return void begin();
    const next = pendingMessages(state)[0];
    if (!next || inFlight !== undefined) return;
    if (socket?.send({ type: "visitor.message", clientId: next.clientId, text: next.text })) inFlight = next.clientId;
  }

  function resendLater() {
    clearTimeout(resendTimer);
    resendTimer = setTimeout(deliver, RESEND_AFTER_ERROR_MS);
  }

  async function begin() {
    if (starting || session || pendingMessages(state).length === 0) return;
    starting = true;
    status = "connecting";
    render();
    const result = await startConversation(config.api, config.projectKey, config.user);
    starting = false;
    if (result.ok) {
      session = result.session;
      startDelay = FIRST_START_DELAY_MS;
      persist();
      return connect();
    }
    console.warn(`[baton] could not start a conversation: ${result.message}`);
    if (result.retryable) {
      status = navigator.onLine ? "connecting" : "offline";
      // A refusal for too many new conversations says when to come back: sooner would only be refused again.
      setTimeout(begin, Math.max(startDelay, result.retryAfterMs ?? 0));
      startDelay = Math.min(startDelay * 2, MAX_START_DELAY_MS);
    } else {
      status = "unavailable";
    }
    render();
  }

  function connect() {
    const current = session!;
    socket = openRoomSocket({
      url: () => socketUrl(current, config.api, state.lastSeq),
      onStatus(next) {
        status = next;
        if (next !== "online") inFlight = undefined; // whatever was in flight is resent on the next welcome
        render();
      },
      onFrame(frame) {
        switch (frame.type) {
          case "welcome":
            inFlight = undefined;
            // An older room sends no bot: keep what we had rather than blanking the panel.
            if ((frame.bot.name || frame.bot.greeting) && (frame.bot.name !== bot?.name || frame.bot.greeting !== bot.greeting)) {
              bot = frame.bot;
              persist();
              render();
            }
            return deliver();
          case "handoff":
            handoff = receiveHandoff(handoff, frame, state.lastSeq);
            return render();
          case "typing":
            clearTimeout(agentTypingClear);
            agentTyping = frame.typing ? frame.name : undefined;
            if (frame.typing) {
              agentTypingClear = setTimeout(() => {
                agentTyping = undefined;
                render();
              }, AGENT_TYPING_MS);
            }
            return render();
          case "message": {
            if (frame.from === "agent") agentTyping = undefined;
            const outboxSize = state.outbox.length;
            state = receiveMessage(state, frame);
            markRead();
            if (state.outbox.length !== outboxSize) persist();
            if (inFlight !== undefined && !state.outbox.some((o) => o.clientId === inFlight)) inFlight = undefined;
            render();
            return deliver();
          }
          case "error": {
            // Error frames may not name the message; with one in flight, it is that one.
            const target = frame.clientId ?? inFlight;
            inFlight = undefined;
            if (target && !RETRYABLE.includes(frame.code)) {
              state = markFailed(state, target, frame.message);
              persist();
              render();
              return deliver();
            }
            return resendLater();
          }
        }
      },
      onRefused() {
        // The token expired or the conversation is gone: start a new one, keeping unsent messages.
        socket?.close();
        socket = undefined;
        session = undefined;
        inFlight = undefined;
        handoff = null;
        state = startOver(state);
        readSeq = 0;
        status = "idle";
        persist();
        render();
        deliver();
      },
    });
  }

  if (session) connect();
  else deliver();
  render();
}

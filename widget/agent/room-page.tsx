// The agent room (/agent/handoffs/:id): first the handoff-context screen (who, what they need, why
// the bot handed over, lead evidence, what the bot tried, where and when, the suggested first
// reply), then the live transcript with the reply box, suggested replies and steps, and the
// handoff's actions. The conversation's room socket feeds it; HTTP commands change it.
import ReconnectingWebSocket from "partysocket/ws";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { resolveSuggestion, suggestReplies, type Suggestion, templateValues } from "../../domain/desk/reply-templates";
import { type SuggestedStep, suggestedSteps } from "../../domain/desk/suggested-steps";
import type { ContextPacket } from "../../protocol/jobs";
import { ApiFailure, api, socketUrl } from "./api";
import { link, useApp, useNow } from "./app-context";
import { claim } from "./claim";
import { reasonLabel, STATUS_LABEL, timeAgo, TRIGGER_LABEL, visitorName, when } from "./format";
import { addLines, applyRoomFrame, isSummaryPending, isVisitorTyping, type Line, type RoomView } from "./room-state";
import { markSeen } from "./seen";

interface HandoffRow {
  id: string;
  conversationId: string;
  status: RoomView["handoff"]["status"];
  mode: "live" | "capture";
  claimedBy: { id: string; name: string } | null;
  claimedAt: string | null;
  satisfaction: number | null;
  escalationLevel: string | null;
  packet: ContextPacket;
  createdAt: string;
}

interface Loaded {
  row: HandoffRow;
  transcript: Line[];
}

const TYPING_EVERY_MS = 3000;
const TYPING_STOP_MS = 4000;
const LEAD_LABEL = { hot: "Hot lead", warm: "Warm lead", cold: "Cold lead" } as const;
const DIMENSIONS = [
  ["problemFit", "Problem"],
  ["authorityFit", "Authority"],
  ["companyFit", "Company"],
  ["timingFit", "Timing"],
] as const;

export default function RoomPage({ handoffId = "" }: { handoffId?: string }) {
  const app = useApp();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    setSeenOnce(app.boot.agent.id, handoffId);
    api<{ handoff: HandoffRow; transcript: Line[] }>(`/handoffs/${encodeURIComponent(handoffId)}`).then(
      (body) => setLoaded({ row: body.handoff, transcript: body.transcript }),
      (error) => setFailure(error instanceof ApiFailure && error.body.status === 404 ? "There is no such handoff in your project." : (error as Error).message),
    );
  }, [handoffId, app.boot.agent.id]);

  if (failure) {
    return (
      <div class="room-missing">
        <p class="empty">{failure}</p>
        <a href="/desk" onClick={link(app.navigate, "/desk")}>
          Back to the queue
        </a>
      </div>
    );
  }
  if (!loaded) return <p class="boot">Loading the handoff…</p>;
  return <Room loaded={loaded} />;
}

function setSeenOnce(agentId: string, handoffId: string) {
  if (handoffId) markSeen(agentId, handoffId);
}

function initialView({ row, transcript }: Loaded): RoomView {
  const base: RoomView = {
    lines: [],
    lastSeq: 0,
    handoff: {
      id: row.id,
      status: row.status,
      mode: row.mode,
      claimedBy: row.claimedBy,
      ...(row.satisfaction !== null ? { satisfaction: row.satisfaction } : {}),
    },
    packet: row.packet,
    summaryPendingUntil: null,
    visitorTypingAt: null,
  };
  return addLines(base, transcript);
}

/** The conversation's agent socket, resuming by seq; a refused token is fetched again. */
function useRoomSocket(conversationId: string, lastSeq: () => number, onFrame: (frame: Record<string, unknown>) => void) {
  const socket = useRef<ReconnectingWebSocket | null>(null);
  const [online, setOnline] = useState(false);
  useEffect(() => {
    let session: string | null = null;
    const ws = new ReconnectingWebSocket(
      async () => {
        session ??= (await api<{ socketUrl: string }>(`/conversations/${encodeURIComponent(conversationId)}/agent-session`, { method: "POST", body: {} }))
          .socketUrl;
        const url = new URL(socketUrl(session));
        url.searchParams.set("since", String(lastSeq()));
        return url.href;
      },
      undefined,
      { minReconnectionDelay: 500, maxReconnectionDelay: 10_000, maxEnqueuedMessages: 0 },
    );
    ws.addEventListener("message", (event) => {
      try {
        const frame = JSON.parse(String(event.data)) as Record<string, unknown>;
        if (frame.type === "welcome") setOnline(true);
        onFrame(frame);
      } catch {
        // not JSON: ignore
      }
    });
    ws.addEventListener("close", (event) => {
      setOnline(false);
      if (event.code === 4001) session = null; // a new token on the next attempt
    });
    const ping = setInterval(() => ws.readyState === ws.OPEN && ws.send('{"type":"ping"}'), 25_000);
    socket.current = ws;
    return () => {
      clearInterval(ping);
      ws.close();
    };
  }, [conversationId]);
  const send = (frame: object): boolean => {
    const ws = socket.current;
    if (!ws || ws.readyState !== ws.OPEN) return false;
    ws.send(JSON.stringify(frame));
    return true;
  };
  return { online, send };
}

function Room({ loaded }: { loaded: Loaded }) {
  const app = useApp();
  const now = useNow(1000);
  const me = app.boot.agent;
  const [view, setView] = useState(() => initialView(loaded));
  const viewRef = useRef(view);
  viewRef.current = view;
  const { row } = loaded;
  const { handoff, packet } = view;
  const mine = handoff.claimedBy?.id === me.id && (handoff.status === "claimed" || handoff.status === "active");
  const unclaimed = handoff.status === "pending" || handoff.status === "notified";
  const closed = !unclaimed && !mine && handoff.status !== "claimed" && handoff.status !== "active";
  const [phase, setPhase] = useState<"context" | "conversation">(mine || closed ? "conversation" : "context");
  const [busy, setBusy] = useState(false);
  const [escalating, setEscalating] = useState(false);
  const composer = useRef<HTMLTextAreaElement>(null);
  const primary = useRef<HTMLButtonElement>(null);
  const [draft, setDraft] = useState("");
  // Focus goes where the next step is: the context screen's main action, or the reply box.
  useEffect(() => {
    (phase === "context" ? primary.current : composer.current)?.focus();
  }, [phase]);

  const socket = useRoomSocket(
    row.conversationId,
    () => viewRef.current.lastSeq,
    (frame) => setView((v) => applyRoomFrame(v, frame, Date.now())),
  );

  const run = async (what: string, path: string, body: unknown, after?: () => void) => {
    setBusy(true);
    try {
      await api(`/handoffs/${encodeURIComponent(handoff.id)}/${path}`, { method: "POST", body });
      after?.();
    } catch (error) {
      app.toast(`${what}: ${(error as Error).message}`, "error");
    } finally {
      setBusy(false);
    }
  };

  const start = async () => {
    setBusy(true);
    const ok = await claim(app, handoff.id);
    setBusy(false);
    if (!ok) return;
    setView((v) => ({
      ...v,
      handoff: { ...v.handoff, status: v.handoff.status === "active" ? "active" : "claimed", claimedBy: { id: me.id, name: me.name } },
    }));
    setPhase("conversation");
    setTimeout(() => composer.current?.focus(), 0);
  };

  const fill = (text: string) => {
    setDraft(text);
    setTimeout(() => {
      const el = composer.current;
      if (!el) return;
      el.focus();
      el.setSelectionRange(text.length, text.length);
    }, 0);
  };

  return (
    <div class="room">
      <div class="room-bar">
        <a href="/desk" onClick={link(app.navigate, "/desk")} class="back">
          ← Queue
        </a>
        <h1>{visitorName(packet.visitor)}</h1>
        <span class={`status status-${handoff.status}`}>{STATUS_LABEL[handoff.status] ?? handoff.status}</span>
        {handoff.claimedBy && !mine && (
          <span class="claimed-by">
            Claimed by {handoff.claimedBy.name}
            {row.claimedAt && row.claimedBy?.id === handoff.claimedBy.id ? `, ${timeAgo(row.claimedAt, now)}` : ""}
          </span>
        )}
        <span class={`conn conn-${socket.online ? "online" : "connecting"}`}>{socket.online ? "Live" : "Reconnecting…"}</span>
        {phase === "conversation" && (
          <button type="button" class="secondary" onClick={() => setPhase("context")}>
            Context
          </button>
        )}
      </div>

      {phase === "context" ? (
        <ContextScreen
          view={view}
          now={now}
          row={row}
          actions={
            <div class="context-actions">
              {unclaimed && (
                <button type="button" class="primary" disabled={busy} onClick={start} ref={primary}>
                  Claim / Start here
                </button>
              )}
              {!unclaimed && (
                <button type="button" class="primary" onClick={() => setPhase("conversation")} ref={primary}>
                  {mine ? "Back to the conversation" : "See the conversation"}
                </button>
              )}
              {unclaimed && <SnoozeMenu disabled={busy} onSnooze={(minutes) => run("Snooze", "snooze", { minutes }, () => app.navigate("/desk"))} />}
              {!closed && (
                <button type="button" class="secondary" onClick={() => setEscalating(true)}>
                  Escalate
                </button>
              )}
            </div>
          }
        />
      ) : (
        <Conversation
          view={view}
          now={now}
          mine={mine}
          unclaimed={unclaimed}
          closed={closed}
          busy={busy}
          composer={composer}
          draft={draft}
          setDraft={setDraft}
          fill={fill}
          sendFrame={socket.send}
          onClaim={start}
          onResolve={(handBackToBot) =>
            run(handBackToBot ? "Back to bot" : "Resolve", "resolve", { handBackToBot }, () =>
              app.toast(handBackToBot ? "Handed back to the bot." : "Resolved."),
            )
          }
          onEscalate={() => setEscalating(true)}
        />
      )}
      {escalating && (
        <EscalateDialog
          handoffId={handoff.id}
          onClose={() => setEscalating(false)}
          onDone={(level) => {
            setEscalating(false);
            app.toast(`Escalated to ${level === "manager" ? "a manager" : "a lead"}.`);
          }}
        />
      )}
    </div>
  );
}

/** The first screen: everything the agent needs to act, readable in half a minute. */
function ContextScreen({ view, now, row, actions }: { view: RoomView; now: number; row: HandoffRow; actions: preact.JSX.Element }) {
  const { packet } = view;
  const v = packet.visitor;
  const pending = isSummaryPending(view, now);
  const lastVisitor = [...view.lines].reverse().find((l) => l.from === "visitor" && l.kind === "message");
  const evidence = DIMENSIONS.flatMap(([key, label]) =>
    packet.qualification[key].evidence.map((e) => ({ label, quote: e.quote, confidence: packet.qualification[key].confidence })),
  );
  return (
    <article class="context" aria-labelledby="context-title">
      <h2 id="context-title" class="sr-only">
        Handoff context
      </h2>
      <section class="ctx-need">
        <h3>What they need</h3>
        {packet.summary.trim() ? (
          <p class="summary">{packet.summary}</p>
        ) : (
          <p class="summary muted">No summary. Their last message: {lastVisitor ? `“${lastVisitor.text}”` : "none yet"}.</p>
        )}
        {pending && (
          <p class="pending" role="status">
            <span class="spinner" aria-hidden="true" /> A better summary is being written; this one is the rules' meanwhile.
          </p>
        )}
      </section>
      <section class="ctx-who">
        <h3>Who</h3>
        <dl>
          <dt>Name</dt>
          <dd>{v.name ?? "Not given"}</dd>
          <dt>Email</dt>
          <dd>{v.email ?? "Not given yet"}</dd>
          <dt>Company</dt>
          <dd>{v.company ?? "—"}</dd>
          <dt>Role</dt>
          <dd>{v.role ?? "—"}</dd>
        </dl>
      </section>
      <section class="ctx-why">
        <h3>Why the bot handed over</h3>
        <p>
          <strong>{TRIGGER_LABEL[packet.trigger]}</strong>
          {packet.route ? ` · for ${packet.route.replace(/_/g, " ")}` : ""} · {packet.priority} priority ·{" "}
          {packet.mode === "live" ? "live" : "offline: follow up by email"}
          {packet.commitment ? ` (promised ${packet.commitment.label})` : ""}
        </p>
        {packet.reasons.length > 0 && (
          <ul class="reasons">
            {packet.reasons.map((r) => (
              <li key={r}>{reasonLabel(r)}</li>
            ))}
          </ul>
        )}
        <p class="muted small">Sentiment: {packet.sentiment.label}</p>
      </section>
      <section class="ctx-lead">
        <h3>
          Lead: <span class={`lead lead-${packet.leadLevel}`}>{LEAD_LABEL[packet.leadLevel]}</span>
        </h3>
        {evidence.length ? (
          <ul class="evidence">
            {evidence.map((e, i) => (
              <li key={i}>
                <span class="dim">{e.label}</span> “{e.quote}” <span class="muted small">({Math.round(e.confidence * 100)}%)</span>
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">No qualification evidence yet.</p>
        )}
      </section>
      <section class="ctx-tried">
        <h3>What the bot already tried</h3>
        {packet.botTried.length ? (
          <ul>
            {packet.botTried.map((t, i) => (
              <li key={i}>{t}</li>
            ))}
          </ul>
        ) : (
          <p class="muted">Nothing: the visitor asked for a person before the bot answered anything.</p>
        )}
      </section>
      <section class="ctx-where">
        <h3>Where and when</h3>
        <dl>
          <dt>Page</dt>
          <dd>{packet.page.title || packet.page.url || "Unknown"}</dd>
          {packet.page.url && packet.page.title && (
            <>
              <dt>Address</dt>
              <dd class="url">{packet.page.url}</dd>
            </>
          )}
          <dt>Conversation started</dt>
          <dd>{when(packet.timestamps.conversationStartedAt)}</dd>
          <dt>Handed over</dt>
          <dd>
            {when(packet.timestamps.handoffAt)} ({timeAgo(packet.timestamps.handoffAt, now)})
          </dd>
          <dt>Last visitor message</dt>
          <dd>{when(packet.timestamps.lastVisitorMessageAt)}</dd>
          <dt>Messages</dt>
          <dd>{packet.messageCount}</dd>
        </dl>
      </section>
      <section class="ctx-reply">
        <h3>Suggested first reply</h3>
        <blockquote>{packet.suggestedReply}</blockquote>
      </section>
      {row.escalationLevel && <p class="muted">Already escalated to {row.escalationLevel}.</p>}
      {actions}
    </article>
  );
}

interface Pending {
  clientId: string;
  text: string;
  kind: "message" | "note";
  error?: string;
}

function Conversation(props: {
  view: RoomView;
  now: number;
  mine: boolean;
  unclaimed: boolean;
  closed: boolean;
  busy: boolean;
  composer: preact.RefObject<HTMLTextAreaElement>;
  draft: string;
  setDraft(text: string): void;
  fill(text: string): void;
  sendFrame(frame: object): boolean;
  onClaim(): void;
  onResolve(handBack: boolean): void;
  onEscalate(): void;
}) {
  const app = useApp();
  const { view, now, mine, draft, setDraft } = props;
  const [mode, setMode] = useState<"reply" | "note">(mine ? "reply" : "note");
  const [pending, setPending] = useState<Pending[]>([]);
  const chipsKey = `baton:chips-hidden:${view.handoff.id}`;
  const [chipsHidden, setChipsHidden] = useState(() => sessionStorage.getItem(chipsKey) === "1");
  const log = useRef<HTMLDivElement>(null);
  const typing = useRef<{ sentAt: number; stop?: ReturnType<typeof setTimeout> }>({ sentAt: 0 });
  const templates = app.config?.replyTemplates ?? [];
  const visitorTexts = view.lines.filter((l) => l.from === "visitor" && l.kind === "message").map((l) => l.text);
  const values = templateValues(view.packet.visitor, app.boot.agent.name);
  const steps: SuggestedStep[] = useMemo(
    () => suggestedSteps({ packet: view.packet, templates, visitorTexts, agentName: app.boot.agent.name }),
    [view.packet, templates, visitorTexts.join("\n"), app.boot.agent.name],
  );
  const replies: Suggestion[] = useMemo(
    () => suggestReplies(templates, visitorTexts, values, templates.length),
    [templates, visitorTexts.join("\n"), values.name, values.agent],
  );

  useEffect(() => {
    if (mine) setMode("reply");
  }, [mine]);
  // Echoes replace pending sends.
  useEffect(() => {
    const echoed = new Set(view.lines.flatMap((l) => (l.clientId ? [l.clientId] : [])));
    setPending((list) => (list.some((p) => echoed.has(p.clientId)) ? list.filter((p) => !echoed.has(p.clientId)) : list));
  }, [view.lines]);
  useEffect(() => {
    const el = log.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [view.lines.length, pending.length]);

  const hideChips = () => {
    setChipsHidden(true);
    sessionStorage.setItem(chipsKey, "1");
  };
  const stopTyping = () => {
    clearTimeout(typing.current.stop);
    if (typing.current.sentAt) props.sendFrame({ type: "agent.typing", typing: false });
    typing.current.sentAt = 0;
  };
  const onInput = (text: string) => {
    setDraft(text);
    if (mode !== "reply" || !mine) return;
    const t = Date.now();
    if (t - typing.current.sentAt > TYPING_EVERY_MS) {
      props.sendFrame({ type: "agent.typing", typing: true });
      typing.current.sentAt = t;
    }
    clearTimeout(typing.current.stop);
    typing.current.stop = setTimeout(stopTyping, TYPING_STOP_MS);
  };

  const send = async () => {
    const text = draft.trim();
    if (!text) return;
    const kind = mode === "reply" && mine ? "message" : "note";
    const clientId = crypto.randomUUID();
    setPending((list) => [...list, { clientId, text, kind }]);
    setDraft("");
    stopTyping();
    if (kind === "message") hideChips();
    try {
      if (kind === "message") await api(`/handoffs/${encodeURIComponent(view.handoff.id)}/messages`, { method: "POST", body: { text, clientId } });
      // A note is stored in the transcript by the room (agents only); its echo carries the clientId.
      else if (!props.sendFrame({ type: "agent.note", clientId, text })) throw new Error("not connected; try again in a moment");
    } catch (error) {
      setPending((list) => list.map((p) => (p.clientId === clientId ? { ...p, error: (error as Error).message } : p)));
    }
  };

  const insert = (suggestion: Suggestion) => {
    const text = resolveSuggestion(app.config?.replyTemplates ?? [], suggestion, values);
    if (text === null) return app.toast("That template was removed from the settings; nothing was inserted.", "error");
    props.fill(text);
  };

  const visitor = visitorName(view.packet.visitor);
  return (
    <div class="conversation">
      <div class="transcript-wrap">
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling log must be reachable from the keyboard to scroll it */}
        <div class="transcript" role="log" aria-label="Conversation" aria-live="polite" tabIndex={0} ref={log}>
          {view.lines.map((l) => (
            <div key={l.seq} class={`line from-${l.from} kind-${l.kind}`} data-seq={l.seq}>
              <span class="line-who">
                {l.kind === "note"
                  ? `Internal note · ${l.author?.name ?? ""}`
                  : l.from === "visitor"
                    ? visitor
                    : (l.author?.name ?? (l.from === "system" ? "" : l.from))}
              </span>
              <div class="bubble">{l.text}</div>
              <time class="line-at" dateTime={l.at}>
                {new Date(l.at).toLocaleTimeString([], { timeStyle: "short" })}
              </time>
            </div>
          ))}
          {pending.map((p) => (
            <div key={p.clientId} class={`line from-agent kind-${p.kind} pending`}>
              <span class="line-who">{p.kind === "note" ? "Internal note" : app.boot.agent.name}</span>
              <div class="bubble">{p.text}</div>
              <span class="line-at">{p.error ? `Not sent: ${p.error}` : "Sending…"}</span>
            </div>
          ))}
        </div>
        <p class="typing" aria-live="polite">
          {isVisitorTyping(view, now) ? `${visitor} is typing…` : ""}
        </p>
      </div>

      <aside class="room-side">
        <section class="panel">
          <h2>Actions</h2>
          <div class="actions">
            {props.unclaimed && (
              <button type="button" class="primary" disabled={props.busy} onClick={props.onClaim}>
                Claim / Start here
              </button>
            )}
            {mine && (
              <>
                <button type="button" class="primary" disabled={props.busy} onClick={() => props.onResolve(false)}>
                  Resolve
                </button>
                <button type="button" class="secondary" disabled={props.busy} onClick={() => props.onResolve(true)}>
                  Back to bot
                </button>
              </>
            )}
            {!props.closed && (
              <button type="button" class="secondary" onClick={props.onEscalate}>
                Escalate
              </button>
            )}
          </div>
          {view.handoff.status === "resolved" && (
            <p class="muted">
              Resolved{view.handoff.satisfaction ? ` · the visitor rated it ${view.handoff.satisfaction}/5` : " · waiting for the visitor's rating"}.
            </p>
          )}
        </section>
        {mine && replies.length > 0 && (
          <section class="panel">
            <h2>Suggested replies</h2>
            <ul class="replies">
              {replies.map((s) => (
                <li key={s.templateId}>
                  <button type="button" class="reply" onClick={() => insert(s)}>
                    <strong>{s.label}</strong>
                    <span>{s.text}</span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        )}
      </aside>

      <div class="composer">
        {mine && !chipsHidden && steps.length > 0 && (
          <fieldset class="chips">
            <legend class="sr-only">Suggested steps</legend>
            {steps.map((s) => (
              <button key={s.id} type="button" class="chip" title={s.text} onClick={() => props.fill(s.text)}>
                {s.label}
              </button>
            ))}
            <button type="button" class="chip-close" aria-label="Hide suggested steps" onClick={hideChips}>
              ✕
            </button>
          </fieldset>
        )}
        <div class="mode">
          <button type="button" aria-pressed={mode === "reply"} disabled={!mine} onClick={() => setMode("reply")}>
            Reply to {visitor}
          </button>
          <button type="button" aria-pressed={mode === "note"} onClick={() => setMode("note")}>
            Internal note
          </button>
        </div>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void send();
          }}
        >
          <label class="sr-only" for="composer">
            {mode === "reply" ? "Reply" : "Internal note"}
          </label>
          <textarea
            id="composer"
            ref={props.composer}
            rows={3}
            maxLength={4000}
            value={draft}
            placeholder={mode === "reply" ? (mine ? `Write to ${visitor}…` : "Claim the conversation to reply") : "A note only your team sees…"}
            disabled={mode === "reply" && !mine}
            onInput={(e) => onInput((e.currentTarget as HTMLTextAreaElement).value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
                e.preventDefault();
                void send();
              }
            }}
          />
          <button type="submit" class="primary" disabled={!draft.trim() || (mode === "reply" && !mine)}>
            {mode === "reply" ? "Send" : "Add note"}
          </button>
        </form>
      </div>
    </div>
  );
}

function SnoozeMenu({ disabled, onSnooze }: { disabled: boolean; onSnooze(minutes: number): void }) {
  return (
    <fieldset class="snooze" disabled={disabled}>
      <legend>Snooze the alert</legend>
      {[5, 15, 30].map((m) => (
        <button key={m} type="button" class="secondary" onClick={() => onSnooze(m)}>
          {m} min
        </button>
      ))}
    </fieldset>
  );
}

function EscalateDialog({ handoffId, onClose, onDone }: { handoffId: string; onClose(): void; onDone(level: string): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [level, setLevel] = useState<"lead" | "manager">("lead");
  const [suggested, setSuggested] = useState<"lead" | "manager" | null>(null);
  const [note, setNote] = useState("");
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    dialog.current?.showModal();
    api<{ level: "lead" | "manager" }>(`/handoffs/${encodeURIComponent(handoffId)}/suggested-level`).then(
      (s) => {
        setSuggested(s.level);
        setLevel(s.level);
      },
      () => undefined,
    );
  }, [handoffId]);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await api(`/handoffs/${encodeURIComponent(handoffId)}/escalate`, { method: "POST", body: { level, note } });
      onDone(level);
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  return (
    <dialog ref={dialog} class="dialog" aria-labelledby="escalate-title" onClose={onClose}>
      <form onSubmit={submit}>
        <h2 id="escalate-title">Escalate</h2>
        <fieldset>
          <legend>To</legend>
          {(["lead", "manager"] as const).map((l) => (
            <label key={l}>
              <input type="radio" name="level" value={l} checked={level === l} onChange={() => setLevel(l)} />
              {l === "lead" ? "A lead" : "A manager"}
              {suggested === l ? " (suggested)" : ""}
            </label>
          ))}
        </fieldset>
        <label for="escalate-note">What they need to know</label>
        <textarea id="escalate-note" required rows={3} maxLength={4000} value={note} onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)} />
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" class="secondary" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={!note.trim()}>
            Escalate
          </button>
        </div>
      </form>
    </dialog>
  );
}

// The team desk (/desk): the live queue of the project's handoffs, sorted by SLA and priority with
// ticking waits, tabs for mine / unclaimed / all open / resolved today, unread dots, who is
// available, and the team's metrics. Fed by the app's one desk socket (ProjectInbox).
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { DeskCard } from "../../protocol/desk";
import { DEFAULT_SLA_MINUTES, filterQueue, formatWait, isOpen, isUnclaimed, QUEUE_TABS, type QueueTab, slaOf, sortQueue } from "../../domain/desk/sla";
import { link, useApp, useDesk, useNow } from "./app-context";
import { claim } from "./claim";
import { oneLine, STATUS_LABEL, timeAgo, TRIGGER_LABEL, visitorName } from "./format";
import { loadSeen, markSeen } from "./seen";

const TAB_LABEL: Record<QueueTab, string> = { mine: "Mine", unclaimed: "Unclaimed", open: "All open", resolved: "Resolved today" };
const TIER_LABEL = { P1: "P1 · breached over 2 h", P2: "P2 · breached", P3: "P3 · within SLA", met: "Answered", closed: "Closed" } as const;
const LEAD_LABEL = { hot: "Hot lead", warm: "Warm lead", cold: "Cold lead" } as const;

function startOfToday(now: number): Date {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d;
}

export default function DeskPage() {
  const app = useApp();
  const state = useDesk(app.desk);
  const now = useNow(1000);
  const me = app.boot.agent.id;
  const [tab, setTab] = useState<QueueTab>(() => (sessionStorage.getItem("baton:desk-tab") as QueueTab | null) ?? "open");
  const [seen, setSeen] = useState(() => loadSeen(me));
  const [arrived, setArrived] = useState<ReadonlySet<string>>(new Set());
  const [metricsOpen, setMetricsOpen] = useState(false);
  const list = useRef<HTMLUListElement>(null);
  const targets = app.config?.slaMinutes ?? DEFAULT_SLA_MINUTES;

  useEffect(() => sessionStorage.setItem("baton:desk-tab", tab), [tab]);
  useEffect(
    () =>
      app.desk.onArrival((event) => {
        setArrived((s) => new Set([...s, event.card.handoffId]));
        setTimeout(() => setArrived((s) => new Set([...s].filter((id) => id !== event.card.handoffId))), 1500);
      }),
    [app.desk],
  );

  const cards = useMemo(() => Object.values(state.cards), [state.cards]);
  const today = startOfToday(now);
  const counts = Object.fromEntries(QUEUE_TABS.map((t) => [t, filterQueue(cards, t, me, today).length])) as Record<QueueTab, number>;
  const shown = sortQueue(filterQueue(cards, tab, me, today), targets, new Date(now));

  const open = (card: DeskCard) => {
    setSeen(markSeen(me, card.handoffId));
    app.navigate(`/agent/handoffs/${card.handoffId}`);
  };
  const take = async (card: DeskCard) => {
    setSeen(markSeen(me, card.handoffId));
    if (await claim(app, card.handoffId)) app.navigate(`/agent/handoffs/${card.handoffId}`);
  };

  // Arrow keys move through the queue; Home and End jump to its ends.
  const onKeyDown = (event: KeyboardEvent) => {
    const links = [...(list.current?.querySelectorAll<HTMLAnchorElement>("a.card-link") ?? [])];
    const at = links.indexOf(document.activeElement as HTMLAnchorElement);
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: links.length - 1 }[event.key];
    if (to === undefined || links.length === 0) return;
    event.preventDefault();
    links[Math.max(0, Math.min(links.length - 1, to))]?.focus();
  };

  return (
    <div class="desk">
      <section class="queue" aria-labelledby="queue-title">
        <div class="queue-head">
          <h1 id="queue-title">Queue</h1>
          <div class="tabs" role="tablist" aria-label="Which handoffs">
            {QUEUE_TABS.map((t) => (
              <button key={t} type="button" role="tab" id={`tab-${t}`} aria-selected={tab === t} aria-controls="queue-list" onClick={() => setTab(t)}>
                {TAB_LABEL[t]} <span class="count">{counts[t]}</span>
              </button>
            ))}
          </div>
        </div>
        {!state.loaded ? (
          <p class="empty">Connecting to the queue…</p>
        ) : shown.length === 0 ? (
          <p class="empty" id="queue-list" role="tabpanel" aria-labelledby={`tab-${tab}`}>
            {tab === "mine"
              ? "Nothing claimed by you right now."
              : tab === "resolved"
                ? "Nothing resolved yet today."
                : "No one is waiting. New handoffs appear here as they open."}
          </p>
        ) : (
          <ul class="cards" id="queue-list" role="tabpanel" aria-labelledby={`tab-${tab}`} ref={list} onKeyDown={onKeyDown}>
            {shown.map((card) => (
              <QueueCard
                key={card.handoffId}
                card={card}
                now={now}
                unread={isOpen(card) && !seen.includes(card.handoffId)}
                arrived={arrived.has(card.handoffId)}
                mine={card.claimedBy?.id === me}
                targets={targets}
                onOpen={() => open(card)}
                onClaim={() => take(card)}
              />
            ))}
          </ul>
        )}
      </section>
      <aside class="side">
        <section aria-labelledby="team-title" class="panel">
          <h2 id="team-title">Team</h2>
          {state.presence?.agents.length ? (
            <ul class="team">
              {state.presence.agents.map((a) => (
                <li key={a.id} class={`agent agent-${a.status}`}>
                  <span class="dot" aria-hidden="true" />
                  {a.name}
                  {a.id === me ? " (you)" : ""} <span class="status-word">{a.status === "available" ? "available" : "away"}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">Nobody has the desk open.</p>
          )}
          <p class="muted small">New handoffs go live while someone is available; otherwise the bot takes an email and promises a reply.</p>
        </section>
        <details class="panel metrics" onToggle={(e) => setMetricsOpen((e.currentTarget as HTMLDetailsElement).open)}>
          <summary>
            <h2>Metrics</h2>
          </summary>
          {metricsOpen && <LazyMetrics />}
        </details>
      </aside>
    </div>
  );
}

function QueueCard(props: {
  card: DeskCard;
  now: number;
  unread: boolean;
  arrived: boolean;
  mine: boolean;
  targets: typeof DEFAULT_SLA_MINUTES;
  onOpen(): void;
  onClaim(): void;
}) {
  const { card, now } = props;
  const app = useApp();
  const sla = slaOf(card, props.targets, new Date(now));
  const who = visitorName(card.visitor);
  const href = `/agent/handoffs/${card.handoffId}`;
  const openLink = link(() => props.onOpen(), href);
  return (
    <li class={`card tier-${sla.tier}${props.arrived ? " arrived" : ""}${props.mine ? " mine" : ""}`} data-handoff={card.handoffId}>
      <a class="card-link" href={href} onClick={openLink} aria-describedby={`sum-${card.handoffId}`}>
        {props.unread && <span class="unread" role="img" aria-label="Unread" title="Unread" />}
        <span class="card-top">
          <span class={`sla sla-${sla.tier}`}>{TIER_LABEL[sla.tier]}</span>
          <span class={`priority priority-${card.priority}`}>{card.priority}</span>
          <span class={`lead lead-${card.leadLevel}`}>{LEAD_LABEL[card.leadLevel]}</span>
          <span class="trigger">{TRIGGER_LABEL[card.trigger]}</span>
          {card.mode === "capture" && <span class="capture">Offline · email</span>}
        </span>
        <span class="card-who">
          <strong>{who}</strong>
          {card.visitor.company ? ` · ${card.visitor.company}` : ""}
          <span class="wait" title="Waiting for a person">
            {sla.tier === "closed"
              ? timeAgo(card.resolvedAt ?? card.updatedAt, now)
              : sla.tier === "met"
                ? `answered in ${formatWait(sla.waitingSeconds)}`
                : `waiting ${formatWait(sla.waitingSeconds)}`}
          </span>
        </span>
        <span class="card-summary" id={`sum-${card.handoffId}`}>
          {oneLine(card.summary)}
        </span>
        <span class="card-meta">
          {STATUS_LABEL[card.status] ?? card.status}
          {card.claimedBy ? ` · ${card.claimedBy.id === app.boot.agent.id ? "you" : card.claimedBy.name}` : ""}
          {card.snoozedUntil && Date.parse(card.snoozedUntil) > now
            ? ` · snoozed until ${new Date(card.snoozedUntil).toLocaleTimeString([], { timeStyle: "short" })}`
            : ""}
          {card.escalationLevel ? ` · escalated to ${card.escalationLevel}` : ""}
        </span>
      </a>
      {isOpen(card) && isUnclaimed(card) && (
        <button type="button" class="claim" onClick={props.onClaim} aria-label={`Claim the conversation with ${who}`}>
          Claim
        </button>
      )}
    </li>
  );
}

function LazyMetrics() {
  const [Panel, setPanel] = useState<(() => preact.JSX.Element) | null>(null);
  useEffect(() => {
    import("./metrics-panel").then((m) => setPanel(() => m.default));
  }, []);
  return Panel ? <Panel /> : <p class="muted">Loading metrics…</p>;
}

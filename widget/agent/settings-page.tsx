// The project settings (/settings, admins only): every setting, with the API's own validation
// messages next to the part they name; the embed snippet; channels; business hours and holidays;
// reply templates and SLA targets; and the agents (invite by sign-in link, role, revoke).
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiFailure, api } from "./api";
import { useApp } from "./app-context";

type Json = Record<string, unknown>;
type Interval = { start: string; end: string };
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const DAY_LABEL: Record<(typeof DAYS)[number], string> = {
  mon: "Monday",
  tue: "Tuesday",
  wed: "Wednesday",
  thu: "Thursday",
  fri: "Friday",
  sat: "Saturday",
  sun: "Sunday",
};
const ROLES = ["agent", "lead", "manager", "admin"] as const;
/** Settings edited as JSON (lists of records), by key. */
const ADVANCED = ["knowledgeBase", "categories", "resources", "explicitRequestPhrases", "stall"] as const;

interface AgentRow {
  id: string;
  name: string;
  email: string;
  role: string;
  disabledAt: string | null;
  activeSessions: number;
}

interface FieldError {
  field: string;
  message: string;
}

export default function SettingsPage() {
  const [settings, setSettings] = useState<Json | null>(null);
  const [saved, setSaved] = useState<Json | null>(null);
  const [error, setError] = useState<FieldError | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const app = useApp();

  useEffect(() => {
    api<{ settings: Json }>("/settings").then(
      (b) => {
        setSettings(b.settings);
        setSaved(b.settings);
      },
      (e) => setLoadError((e as Error).message),
    );
  }, []);

  if (loadError) return <p class="error">{loadError}</p>;
  if (!settings) return <p class="boot">Loading the settings…</p>;

  const set = (key: string, value: unknown) => setSettings((s) => ({ ...(s ?? {}), [key]: value }));
  const dirty = JSON.stringify(settings) !== JSON.stringify(saved);
  const errorFor = (...prefixes: string[]) => (error && prefixes.some((p) => error.field === p || error.field.startsWith(`${p}.`)) ? error : null);

  const save = async (e: Event) => {
    e.preventDefault();
    setSaving(true);
    setError(null);
    try {
      const body = await api<{ settings: Json }>("/settings", { method: "PUT", body: settings });
      setSettings(body.settings);
      setSaved(body.settings);
      app.toast("Settings saved. Conversations pick them up within 30 seconds.");
    } catch (failure) {
      const b = failure instanceof ApiFailure ? failure.body : null;
      setError({ field: b?.field ?? "", message: b?.message ?? (failure as Error).message });
      app.toast("The settings were not saved: see the message in the form.", "error");
    } finally {
      setSaving(false);
    }
  };

  const hours = (settings.businessHours ?? {}) as { timezone?: string; weekly?: Record<string, Interval[]>; holidays?: string[]; followUp?: Json };

  return (
    <div class="settings">
      <h1>Settings · {app.boot.project.name}</h1>
      <Embed publicKey={app.boot.project.publicKey} />
      <Channels />
      <form onSubmit={save} class="settings-form" noValidate>
        {error && (
          <p class="error banner" role="alert">
            {error.field ? `${error.field}: ` : ""}
            {error.message.replace(/^[\w.]+: /, "")}
          </p>
        )}
        <Section title="The bot" error={errorFor("botName", "greeting")}>
          <Text label="Name" value={settings.botName} onChange={(v) => set("botName", v)} invalid={!!errorFor("botName")} />
          <Area label="Greeting" value={settings.greeting} onChange={(v) => set("greeting", v)} invalid={!!errorFor("greeting")} />
        </Section>

        <Section
          title="Handing over"
          error={errorFor(
            "handoffEnabled",
            "sentimentThreshold",
            "botFailureThreshold",
            "responseTimeoutMinutes",
            "reminderGraceMinutes",
            "abandonAfterMinutes",
            "refundLimitUsd",
            "calendlyUrl",
            "warmSoftOfferAfterExchanges",
          )}
        >
          <label class="check">
            <input
              type="checkbox"
              checked={settings.handoffEnabled !== false}
              onChange={(e) => set("handoffEnabled", (e.currentTarget as HTMLInputElement).checked)}
            />
            Hand conversations to the team (off: an explicit request is still taken as a message)
          </label>
          <Num
            label="Minutes an agent has to answer before a reminder"
            value={settings.responseTimeoutMinutes}
            onChange={(v) => set("responseTimeoutMinutes", v)}
            invalid={!!errorFor("responseTimeoutMinutes")}
          />
          <Num
            label="Extra minutes after the reminder before a ticket"
            value={settings.reminderGraceMinutes}
            onChange={(v) => set("reminderGraceMinutes", v)}
            invalid={!!errorFor("reminderGraceMinutes")}
          />
          <Num
            label="Minutes a waiting visitor may be gone before the handoff counts as abandoned"
            value={settings.abandonAfterMinutes}
            onChange={(v) => set("abandonAfterMinutes", v)}
            invalid={!!errorFor("abandonAfterMinutes")}
          />
          <Num
            label="Unanswered questions in a row before handing over"
            value={settings.botFailureThreshold}
            onChange={(v) => set("botFailureThreshold", v)}
            invalid={!!errorFor("botFailureThreshold")}
          />
          <Num
            label="Frustration threshold (0–1)"
            step="0.05"
            value={settings.sentimentThreshold}
            onChange={(v) => set("sentimentThreshold", v)}
            invalid={!!errorFor("sentimentThreshold")}
          />
          <Num
            label="Refunds above this amount (USD) suggest a manager"
            value={settings.refundLimitUsd}
            onChange={(v) => set("refundLimitUsd", v)}
            invalid={!!errorFor("refundLimitUsd")}
          />
          <Num
            label="Exchanges before a warm lead gets a resource"
            value={settings.warmSoftOfferAfterExchanges}
            onChange={(v) => set("warmSoftOfferAfterExchanges", v)}
            invalid={!!errorFor("warmSoftOfferAfterExchanges")}
          />
          <Text
            label="Calendly link for hot leads (optional)"
            value={settings.calendlyUrl ?? ""}
            onChange={(v) => set("calendlyUrl", v.trim() ? v.trim() : undefined)}
            invalid={!!errorFor("calendlyUrl")}
          />
        </Section>

        <Section title="Business hours and holidays" error={errorFor("businessHours")}>
          <Text
            label="Time zone (IANA, e.g. Europe/Paris)"
            value={hours.timezone}
            onChange={(v) => set("businessHours", { ...hours, timezone: v })}
            invalid={!!errorFor("businessHours.timezone")}
          />
          <div class="weekly">
            {DAYS.map((d) => (
              <WeekDay
                key={d}
                day={d}
                value={hours.weekly?.[d] ?? []}
                invalid={!!errorFor(`businessHours.weekly.${d}`)}
                onChange={(v) => set("businessHours", { ...hours, weekly: { ...(hours.weekly ?? {}), [d]: v } })}
              />
            ))}
          </div>
          <Area
            label="Holidays (one date per line, YYYY-MM-DD)"
            value={(hours.holidays ?? []).join("\n")}
            onChange={(v) =>
              set("businessHours", {
                ...hours,
                holidays: v
                  .split(/\s+/)
                  .map((x) => x.trim())
                  .filter(Boolean),
              })
            }
            invalid={!!errorFor("businessHours.holidays")}
          />
          <Text
            label="Outside hours, promise a reply the next business morning before"
            value={(hours.followUp as { beforeLocalTime?: string } | undefined)?.beforeLocalTime}
            onChange={(v) => set("businessHours", { ...hours, followUp: { ...(hours.followUp ?? {}), beforeLocalTime: v } })}
            invalid={!!errorFor("businessHours.followUp")}
          />
        </Section>

        <Section title="SLA: minutes to a first human reply" error={errorFor("slaMinutes")}>
          <div class="inline">
            {(["urgent", "high", "normal", "low"] as const).map((p) => (
              <Num
                key={p}
                label={p}
                value={(settings.slaMinutes as Json | undefined)?.[p]}
                onChange={(v) => set("slaMinutes", { ...((settings.slaMinutes as Json) ?? {}), [p]: v })}
                invalid={!!errorFor(`slaMinutes.${p}`)}
              />
            ))}
          </div>
          <p class="muted small">Past its target a card is P2 (breached); two hours later P1. An offline capture's target is the reply-by promise.</p>
        </Section>

        <Section title="Reply templates" error={errorFor("replyTemplates")}>
          <Templates value={(settings.replyTemplates as Json[]) ?? []} onChange={(v) => set("replyTemplates", v)} />
        </Section>

        <Section title="Knowledge, categories and more (JSON)" error={errorFor(...ADVANCED)}>
          {ADVANCED.map((key) => (
            <JsonField key={key} label={key} value={settings[key]} onChange={(v) => set(key, v)} invalid={!!errorFor(key)} />
          ))}
        </Section>

        <div class="save-bar">
          <button type="submit" class="primary" disabled={saving || !dirty}>
            {saving ? "Saving…" : dirty ? "Save settings" : "Saved"}
          </button>
          {dirty && (
            <button type="button" class="secondary" onClick={() => setSettings(saved)}>
              Discard changes
            </button>
          )}
        </div>
      </form>
      <Agents />
    </div>
  );
}

function Section({ title, error, children }: { title: string; error: FieldError | null; children: ComponentChildren }) {
  return (
    <fieldset class="section">
      <legend>{title}</legend>
      {error && (
        <p class="error" role="alert">
          {error.message}
        </p>
      )}
      {children}
    </fieldset>
  );
}

let ids = 0;
const useId = () => useState(() => `f${++ids}`)[0];

function Text({ label, value, onChange, invalid }: { label: string; value: unknown; onChange(v: string): void; invalid?: boolean }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        type="text"
        value={typeof value === "string" ? value : ""}
        aria-invalid={invalid || undefined}
        onInput={(e) => onChange((e.currentTarget as HTMLInputElement).value)}
      />
    </div>
  );
}

function Area({ label, value, onChange, invalid }: { label: string; value: unknown; onChange(v: string): void; invalid?: boolean }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <textarea
        id={id}
        rows={3}
        value={typeof value === "string" ? value : ""}
        aria-invalid={invalid || undefined}
        onInput={(e) => onChange((e.currentTarget as HTMLTextAreaElement).value)}
      />
    </div>
  );
}

function Num({
  label,
  value,
  onChange,
  invalid,
  step = "1",
}: {
  label: string;
  value: unknown;
  onChange(v: number | string): void;
  invalid?: boolean;
  step?: string;
}) {
  const id = useId();
  return (
    <div class="field num">
      <label for={id}>{label}</label>
      <input
        id={id}
        type="number"
        step={step}
        value={typeof value === "number" || typeof value === "string" ? value : ""}
        aria-invalid={invalid || undefined}
        onInput={(e) => {
          const raw = (e.currentTarget as HTMLInputElement).value;
          // Sent as typed when it is not a number, so the API names the field.
          onChange(raw.trim() !== "" && Number.isFinite(Number(raw)) ? Number(raw) : raw);
        }}
      />
    </div>
  );
}

/** A day's opening hours as "09:00-12:00, 13:00-18:00" (empty: closed). */
function WeekDay({ day, value, onChange, invalid }: { day: (typeof DAYS)[number]; value: Interval[]; onChange(v: Interval[]): void; invalid: boolean }) {
  const id = useId();
  const [text, setText] = useState(value.map((i) => `${i.start}-${i.end}`).join(", "));
  const [bad, setBad] = useState(false);
  return (
    <div class="field day">
      <label for={id}>{DAY_LABEL[day]}</label>
      <input
        id={id}
        type="text"
        value={text}
        placeholder="closed"
        aria-invalid={bad || invalid || undefined}
        aria-describedby={bad ? `${id}-hint` : undefined}
        onInput={(e) => {
          const raw = (e.currentTarget as HTMLInputElement).value;
          setText(raw);
          const parts = raw
            .split(",")
            .map((p) => p.trim())
            .filter(Boolean);
          const parsed = parts.map((p) => /^(\d{2}:\d{2})\s*[-–]\s*(\d{2}:\d{2})$/.exec(p));
          setBad(parsed.some((m) => !m));
          if (parsed.every((m) => m)) onChange(parsed.map((m) => ({ start: m![1]!, end: m![2]! })));
        }}
      />
      {bad && (
        <span id={`${id}-hint`} class="hint">
          Write hours as 09:00-18:00, several separated by commas.
        </span>
      )}
    </div>
  );
}

function Templates({ value, onChange }: { value: Json[]; onChange(v: Json[]): void }) {
  const update = (i: number, patch: Json) => onChange(value.map((t, j) => (j === i ? { ...t, ...patch } : t)));
  return (
    <div class="templates">
      <p class="muted small">
        Placeholders: {"{{name}}"}, {"{{firstName}}"}, {"{{company}}"}, {"{{email}}"}, {"{{agent}}"} — unknown values read “there”, “your team”… Keywords pick
        the template for what the visitor wrote; one without keywords is a generic reply.
      </p>
      {value.map((t, i) => (
        <div class="template" key={i}>
          <Text label="Id" value={t.id} onChange={(v) => update(i, { id: v })} />
          <Text label="Label" value={t.label} onChange={(v) => update(i, { label: v })} />
          <Area label="Text" value={t.text} onChange={(v) => update(i, { text: v })} />
          <Text
            label="Keywords (comma separated; * matches any ending)"
            value={Array.isArray(t.keywords) ? (t.keywords as string[]).join(", ") : ""}
            onChange={(v) =>
              update(i, {
                keywords: v
                  .split(",")
                  .map((k) => k.trim())
                  .filter(Boolean),
              })
            }
          />
          <button type="button" class="secondary" onClick={() => onChange(value.filter((_, j) => j !== i))}>
            Remove template
          </button>
        </div>
      ))}
      <button
        type="button"
        class="secondary"
        onClick={() => onChange([...value, { id: `template_${value.length + 1}`, label: "New template", text: "Hi {{firstName}}, ", keywords: [] }])}
      >
        Add a template
      </button>
    </div>
  );
}

function JsonField({ label, value, onChange, invalid }: { label: string; value: unknown; onChange(v: unknown): void; invalid: boolean }) {
  const id = useId();
  const [text, setText] = useState(JSON.stringify(value ?? null, null, 2));
  const [bad, setBad] = useState(false);
  return (
    <div class="field json">
      <label for={id}>{label}</label>
      <textarea
        id={id}
        rows={6}
        spellcheck={false}
        value={text}
        aria-invalid={bad || invalid || undefined}
        onInput={(e) => {
          const raw = (e.currentTarget as HTMLTextAreaElement).value;
          setText(raw);
          try {
            onChange(JSON.parse(raw));
            setBad(false);
          } catch {
            setBad(true);
          }
        }}
      />
      {bad && <span class="hint">Not valid JSON yet: the last valid version is what will be saved.</span>}
    </div>
  );
}

function Embed({ publicKey }: { publicKey: string }) {
  const app = useApp();
  const snippet = `<script src="${location.origin}/widget.js" data-project="${publicKey}" async></script>`;
  return (
    <section class="section panel">
      <h2>Embed the widget</h2>
      <p>Paste this before the closing body tag of every page where visitors may chat:</p>
      <pre class="snippet">
        <code>{snippet}</code>
      </pre>
      <button
        type="button"
        class="secondary"
        onClick={() =>
          navigator.clipboard.writeText(snippet).then(
            () => app.toast("Embed snippet copied."),
            () => app.toast("Copy failed: select the text instead.", "error"),
          )
        }
      >
        Copy the snippet
      </button>
    </section>
  );
}

interface ChannelRow {
  kind: string;
  configured: boolean;
  enabled: boolean;
  humanFacing: boolean;
  health: "ok" | "failing" | null;
  lastError: string | null;
  config: { channelId?: string };
}

/** Where alerts go: the desk always; Slack through its install (OAuth) once the Slack app is configured here. */
function Channels() {
  const app = useApp();
  const [channels, setChannels] = useState<ChannelRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<{ channels: ChannelRow[] }>("/channels").then(
      (b) => setChannels(b.channels),
      (e) => setError((e as Error).message),
    );
  }, []);
  const slack = channels?.find((c) => c.kind === "slack");
  const connect = async () => {
    try {
      const { url } = await api<{ url: string }>("/slack/install-link", { method: "POST", body: {} });
      location.assign(url);
    } catch (e) {
      app.toast((e as Error).message, "error");
    }
  };
  return (
    <section class="section panel">
      <h2>Channels</h2>
      {error && <p class="error">{error}</p>}
      <ul class="channels">
        <li>
          <strong>Team desk</strong> — always on: handoffs go live while an agent is available here.
        </li>
        {channels && (
          <li>
            <strong>Slack</strong> —{" "}
            {slack?.configured ? (
              <>
                {slack.enabled ? "connected" : "connected, paused"}
                {slack.config.channelId ? ` to channel ${slack.config.channelId}` : ""}
                {slack.health === "failing" ? `; failing: ${slack.lastError ?? "unknown error"}` : ""}.{" "}
              </>
            ) : (
              "not connected. "
            )}
            <button type="button" class="secondary" onClick={connect}>
              {slack?.configured ? "Reconnect Slack" : "Connect Slack"}
            </button>
          </li>
        )}
        {channels
          ?.filter((c) => c.kind !== "slack" && c.configured)
          .map((c) => (
            <li key={c.kind}>
              <strong>{c.kind === "outbox" ? "Dev outbox" : c.kind}</strong> — {c.enabled ? "on" : "off"}
              {c.health === "failing" ? `, failing: ${c.lastError ?? ""}` : ""}
            </li>
          ))}
      </ul>
    </section>
  );
}

function Agents() {
  const app = useApp();
  const [agents, setAgents] = useState<AgentRow[] | null>(null);
  const [invite, setInvite] = useState({ name: "", email: "", role: "agent" });
  const [link, setLink] = useState<{ name: string; url: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    api<{ agents: AgentRow[] }>("/agents").then(
      (b) => setAgents(b.agents),
      (e) => setError((e as Error).message),
    );
  useEffect(() => void load(), []);

  const mint = async (agent: { id: string; name: string }) => {
    const { url } = await api<{ url: string }>(`/agents/${encodeURIComponent(agent.id)}/sign-in-link`, { method: "POST", body: { ttlSeconds: 7 * 24 * 3600 } });
    setLink({ name: agent.name, url });
  };
  const act = async (what: () => Promise<unknown>) => {
    setError(null);
    try {
      await what();
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <section class="section panel agents" aria-labelledby="agents-title">
      <h2 id="agents-title">Agents</h2>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {link && (
        <div class="link-box" role="status">
          <p>Send this sign-in link to {link.name}. It works once, within 7 days; there is no password.</p>
          <input
            type="text"
            readOnly
            value={link.url}
            aria-label={`Sign-in link for ${link.name}`}
            onFocus={(e) => (e.currentTarget as HTMLInputElement).select()}
          />
          <button type="button" class="secondary" onClick={() => navigator.clipboard.writeText(link.url).then(() => app.toast("Link copied."))}>
            Copy the link
          </button>
        </div>
      )}
      {agents && (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Signed-in browsers</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {agents.map((a) => (
              <tr key={a.id} class={a.disabledAt ? "revoked" : ""}>
                <td>{a.name}</td>
                <td>{a.email}</td>
                <td>
                  {a.disabledAt ? (
                    "revoked"
                  ) : (
                    <select
                      aria-label={`Role of ${a.name}`}
                      value={a.role}
                      disabled={a.id === app.boot.agent.id}
                      onChange={(e) =>
                        act(() => api(`/agents/${encodeURIComponent(a.id)}`, { method: "PATCH", body: { role: (e.currentTarget as HTMLSelectElement).value } }))
                      }
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  )}
                </td>
                <td>{a.activeSessions}</td>
                <td class="row-actions">
                  {!a.disabledAt && (
                    <>
                      <button type="button" class="secondary" onClick={() => act(() => mint(a))}>
                        New sign-in link
                      </button>
                      {a.id !== app.boot.agent.id && (
                        <button
                          type="button"
                          class="danger"
                          onClick={() =>
                            confirm(`Revoke ${a.name}? Their sessions end at once; their history stays.`) &&
                            act(() => api(`/agents/${encodeURIComponent(a.id)}`, { method: "DELETE" }))
                          }
                        >
                          Revoke
                        </button>
                      )}
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        class="invite"
        onSubmit={(e) => {
          e.preventDefault();
          void act(async () => {
            const created = await api<{ agentId: string }>("/agents", { method: "POST", body: invite });
            await mint({ id: created.agentId, name: invite.name });
            setInvite({ name: "", email: "", role: "agent" });
          });
        }}
      >
        <h3>Invite an agent</h3>
        <Text label="Name" value={invite.name} onChange={(v) => setInvite({ ...invite, name: v })} />
        <Text label="Email" value={invite.email} onChange={(v) => setInvite({ ...invite, email: v })} />
        <div class="field">
          <label for="invite-role">Role</label>
          <select id="invite-role" value={invite.role} onChange={(e) => setInvite({ ...invite, role: (e.currentTarget as HTMLSelectElement).value })}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" class="primary" disabled={!invite.name.trim() || !invite.email.trim()}>
          Invite and get a sign-in link
        </button>
      </form>
    </section>
  );
}

// A handoff in HubSpot: the visitor's contact (upserted by email, with name, company, role and
// lead level), one note carrying the packet and, as the handoff moves, a timeline (claimed,
// resolved with the transcript link, the ticket answered or missed…), and a task for the owner
// due when the promise falls due. Idempotent per handoff and event: the records' ids and the
// timeline (keyed by job id) live in D1 `crm_records`, one job per handoff at a time holds a
// lease on that row, and a record whose creation we never heard back about is found by its
// marker token before it is created again. A retried job updates; it never duplicates.
import type { NotificationJob } from "../../protocol/jobs";
import { RetryableError } from "../errors";
import { escapeHtml, eventLine, htmlLines, packetFacts, packetHeadline, packetSections, visitorName } from "../packet-view";
import type { HubSpotClient } from "./client";

/** The property the lead level is written to, unless configured otherwise (dropped if the portal lacks it). */
export const DEFAULT_LEAD_LEVEL_PROPERTY = "baton_lead_level";

/** Jobs that change the CRM record. Transcript lines, snoozes and nags do not. */
const HUBSPOT_KINDS: ReadonlySet<NotificationJob["kind"]> = new Set([
  "handoff.opened",
  "handoff.updated",
  "handoff.claimed",
  "handoff.escalated",
  "handoff.resolved",
  "handoff.reopened",
  "handoff.abandoned",
  "handoff.ticket_created",
  "handoff.ticket_overdue",
  "handoff.ticket_answered",
  "handoff.ticket_closed",
  "handoff.ticket_reopened",
]);

/** Jobs that add a line to the note's timeline (an update only refreshes the packet). */
const TIMELINE_KINDS: ReadonlySet<NotificationJob["kind"]> = new Set([...HUBSPOT_KINDS].filter((k) => k !== "handoff.updated"));

const TASK_DONE: ReadonlySet<NotificationJob["kind"]> = new Set(["handoff.resolved", "handoff.ticket_answered", "handoff.ticket_closed", "handoff.abandoned"]);
const TASK_OPEN: ReadonlySet<NotificationJob["kind"]> = new Set(["handoff.reopened", "handoff.ticket_reopened"]);

/** How long one job may hold a handoff's record before another may take over (a crashed consumer). */
const LEASE_MS = 60_000;
const NOTE_MAX = 60_000;

export function isHubSpotJob(job: NotificationJob): boolean {
  // A resolve told to the holder as well (someone else resolved their handoff) is the same event twice.
  if (job.kind === "handoff.resolved" && job.notice?.to === "claimer") return false;
  return HUBSPOT_KINDS.has(job.kind);
}

interface TimelineEntry {
  jobId: string;
  at: string;
  text: string;
}

interface CrmRecord {
  contactId: string | null;
  noteId: string | null;
  taskId: string | null;
  timeline: TimelineEntry[];
}

export interface HubSpotSyncOptions {
  /** The agent room's page for this handoff: the transcript link. */
  handoffUrl: string;
  /** The HubSpot owner the task is assigned to; found by `ownerEmail` when not given. */
  ownerId?: string;
  ownerEmail?: string;
  /** The contact property for the lead level; empty to leave it out. */
  leadLevelProperty: string;
}

/** The word in every record Baton creates for a handoff, so HubSpot's search can find it. */
export function markerToken(handoffId: string): string {
  return `baton${handoffId.replace(/[^A-Za-z0-9]/g, "")}`;
}

/** Brings HubSpot up to date with `job`; returns the note's id (the delivery's external reference). */
export async function syncToHubSpot(db: D1Database, client: HubSpotClient, job: NotificationJob, options: HubSpotSyncOptions): Promise<string> {
  const store = new RecordStore(db, job);
  const record = await store.acquire();
  try {
    const marker = markerToken(job.handoffId);
    const timeline = withEvent(record.timeline, job, options.handoffUrl);
    const contactId = await syncContact(client, store, record, job, options);
    const body = noteBody(job, timeline, options.handoffUrl, marker);
    let noteId = record.noteId;
    if (noteId) await client.updateNote(noteId, body);
    else {
      const found = await client.findByToken("notes", marker);
      if (found) await client.updateNote(found, body);
      noteId = found ?? (await client.createNote(body, job.packet.timestamps.handoffAt, contactId));
      await store.save({ noteId });
    }
    await syncTask(client, store, record, job, contactId, marker, options);
    await store.save({ timeline });
    return noteId;
  } finally {
    await store.release();
  }
}

async function syncContact(
  client: HubSpotClient,
  store: RecordStore,
  record: CrmRecord,
  job: NotificationJob,
  options: HubSpotSyncOptions,
): Promise<string | null> {
  const email = job.packet.visitor.email;
  const refresh = job.kind === "handoff.opened" || job.kind === "handoff.updated";
  if (!email || (record.contactId && !refresh)) return record.contactId;
  const v = job.packet.visitor;
  const [firstname, ...rest] = (v.name ?? "").trim().split(/\s+/);
  const lead = options.leadLevelProperty;
  const properties: Record<string, string> = {
    ...(firstname ? { firstname } : {}),
    ...(rest.length ? { lastname: rest.join(" ") } : {}),
    ...(v.company ? { company: v.company } : {}),
    ...(v.role ? { jobtitle: v.role } : {}),
    ...(lead ? { [lead]: job.packet.leadLevel } : {}),
  };
  const contactId = await client.upsertContact(email, properties, lead ? [lead] : []);
  if (!record.contactId) {
    // The address arrived after the note and task: link them to the contact now.
    if (record.noteId) await client.associate("notes", record.noteId, contactId);
    if (record.taskId) await client.associate("tasks", record.taskId, contactId);
    await store.save({ contactId });
  }
  return contactId;
}

async function syncTask(
  client: HubSpotClient,
  store: RecordStore,
  record: CrmRecord,
  job: NotificationJob,
  contactId: string | null,
  marker: string,
  options: HubSpotSyncOptions,
): Promise<void> {
  const due = job.ticket?.commitment?.by ?? job.packet.commitment?.by ?? job.packet.timestamps.handoffAt;
  if (record.taskId) {
    if (TASK_DONE.has(job.kind)) await client.updateTask(record.taskId, { hs_task_status: "COMPLETED" });
    else if (TASK_OPEN.has(job.kind)) await client.updateTask(record.taskId, { hs_task_status: "NOT_STARTED" });
    else if (job.kind === "handoff.ticket_created") await client.updateTask(record.taskId, { hs_timestamp: due, hs_task_type: "EMAIL" });
    return;
  }
  if (TASK_DONE.has(job.kind)) return; // over before a task was ever needed
  const found = await client.findByToken("tasks", marker);
  if (found) {
    await store.save({ taskId: found });
    return;
  }
  const ownerId = options.ownerId || (options.ownerEmail ? await client.findOwnerId(options.ownerEmail) : null);
  const { packet } = job;
  const hot = packet.leadLevel === "hot" || packet.priority === "urgent" || packet.priority === "high";
  const taskId = await client.createTask(
    {
      hs_task_subject: `Follow up with ${visitorName(packet)} — ${packetHeadline(packet)}`.slice(0, 250),
      hs_task_body: [packet.summary, "", `Open in Baton: ${options.handoffUrl}`, `Ref: ${marker}`].join("\n").slice(0, 60_000),
      hs_timestamp: due,
      hs_task_status: "NOT_STARTED",
      hs_task_priority: hot ? "HIGH" : packet.priority === "low" ? "LOW" : "MEDIUM",
      hs_task_type: packet.mode === "capture" || job.ticket ? "EMAIL" : "TODO",
      ...(ownerId ? { hubspot_owner_id: ownerId } : {}),
    },
    contactId,
  );
  await store.save({ taskId });
}

/** The timeline with this job's line, once (keyed by job id), in time order. */
function withEvent(timeline: readonly TimelineEntry[], job: NotificationJob, handoffUrl: string): TimelineEntry[] {
  if (!TIMELINE_KINDS.has(job.kind) || timeline.some((e) => e.jobId === job.id)) return [...timeline];
  const text = job.kind === "handoff.resolved" ? `${eventLine(job)} Transcript: ${handoffUrl}` : eventLine(job);
  return [...timeline, { jobId: job.id, at: job.at, text }].sort((a, b) => a.at.localeCompare(b.at));
}

const utc = (iso: string) => (Number.isFinite(Date.parse(iso)) ? `${new Date(iso).toISOString().slice(0, 16).replace("T", " ")} UTC` : iso);

/** The note: the packet, the timeline and the link to the transcript, as the HTML HubSpot shows. */
export function noteBody(job: NotificationJob, timeline: readonly TimelineEntry[], handoffUrl: string, marker: string): string {
  const { packet } = job;
  const facts = packetFacts(packet, job.ticket)
    .map((f) => `<strong>${escapeHtml(f.label)}:</strong> ${htmlLines(f.value)}`)
    .join("<br>");
  const sections = packetSections(packet)
    .map((s) => `<p><strong>${escapeHtml(s.label)}</strong><br>${htmlLines(s.value)}</p>`)
    .join("");
  const events = timeline.map((e) => `<li>${escapeHtml(utc(e.at))} — ${htmlLines(e.text)}</li>`).join("");
  const html = `<h3>Baton handoff: ${escapeHtml(packetHeadline(packet))} — ${escapeHtml(visitorName(packet))}</h3>
<p>${facts}</p>${sections}${events ? `<p><strong>Timeline</strong></p><ul>${events}</ul>` : ""}
<p><a href="${escapeHtml(handoffUrl)}">Open the conversation and its transcript in Baton</a></p>
<p>Ref: ${marker}</p>`;
  return html.length > NOTE_MAX ? `${html.slice(0, NOTE_MAX)}…<p>Ref: ${marker}</p>` : html;
}

/** The handoff's row in `crm_records`, held by one job at a time. */
class RecordStore {
  private readonly owner = crypto.randomUUID();

  constructor(
    private readonly db: D1Database,
    private readonly job: NotificationJob,
  ) {}

  async acquire(): Promise<CrmRecord> {
    const now = new Date();
    await this.db
      .prepare("INSERT OR IGNORE INTO crm_records (provider, handoff_id, project_id, updated_at) VALUES ('hubspot', ?, ?, ?)")
      .bind(this.job.handoffId, this.job.projectId, now.toISOString())
      .run();
    const taken = await this.db
      .prepare(
        "UPDATE crm_records SET lock_owner = ?, lock_until = ? WHERE provider = 'hubspot' AND handoff_id = ? AND project_id = ? AND (lock_until IS NULL OR lock_until < ?)",
      )
      .bind(this.owner, new Date(now.getTime() + LEASE_MS).toISOString(), this.job.handoffId, this.job.projectId, now.toISOString())
      .run();
    if ((taken.meta.changes ?? 0) === 0) throw new RetryableError("another job is updating this handoff in HubSpot", 2);
    const row = await this.db
      .prepare("SELECT contact_id, note_id, task_id, timeline FROM crm_records WHERE provider = 'hubspot' AND handoff_id = ?")
      .bind(this.job.handoffId)
      .first<{ contact_id: string | null; note_id: string | null; task_id: string | null; timeline: string }>();
    return {
      contactId: row?.contact_id ?? null,
      noteId: row?.note_id ?? null,
      taskId: row?.task_id ?? null,
      timeline: parseTimeline(row?.timeline),
    };
  }

  async save(patch: { contactId?: string; noteId?: string; taskId?: string; timeline?: TimelineEntry[] }): Promise<void> {
    await this.db
      .prepare(
        `UPDATE crm_records SET contact_id = COALESCE(?, contact_id), note_id = COALESCE(?, note_id), task_id = COALESCE(?, task_id),
           timeline = COALESCE(?, timeline), updated_at = ? WHERE provider = 'hubspot' AND handoff_id = ? AND lock_owner = ?`,
      )
      .bind(
        patch.contactId ?? null,
        patch.noteId ?? null,
        patch.taskId ?? null,
        patch.timeline ? JSON.stringify(patch.timeline) : null,
        new Date().toISOString(),
        this.job.handoffId,
        this.owner,
      )
      .run();
  }

  async release(): Promise<void> {
    await this.db
      .prepare("UPDATE crm_records SET lock_owner = NULL, lock_until = NULL WHERE provider = 'hubspot' AND handoff_id = ? AND lock_owner = ?")
      .bind(this.job.handoffId, this.owner)
      .run();
  }
}

function parseTimeline(json: string | undefined): TimelineEntry[] {
  try {
    const value = JSON.parse(json ?? "[]") as unknown;
    return Array.isArray(value) ? (value as TimelineEntry[]).filter((e) => e && typeof e.jobId === "string" && typeof e.text === "string") : [];
  } catch {
    return [];
  }
}

// HubSpot's CRM API (v3 objects, v4 associations), as much of it as Baton uses: upsert a contact
// by email, create and update notes and tasks, associate them with the contact, find an owner by
// email, and search by a marker token (to find a record whose creation we never heard back
// about). A private-app token authorizes every call; HUBSPOT_API_URL points it at a fake or proxy.
import { PermanentError } from "../errors";
import { callOutbound } from "../outbound";

export const DEFAULT_HUBSPOT_API_URL = "https://api.hubapi.com";

/** HubSpot-defined association types (note → contact, task → contact). */
const ASSOCIATION = { noteToContact: 202, taskToContact: 204 } as const;

type Properties = Record<string, string>;

export class HubSpotClient {
  private readonly base: string;

  constructor(
    private readonly token: string,
    baseUrl: string | undefined,
  ) {
    this.base = (baseUrl || DEFAULT_HUBSPOT_API_URL).replace(/\/+$/, "");
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T | null> {
    const response = await callOutbound("HubSpot", `${this.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json", accept: "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status === 204) return null;
    return (await response.json().catch(() => null)) as T | null;
  }

  /**
   * Creates or updates the contact with this email; returns its id. A property the portal does not
   * have (the optional lead-level one) is dropped and the upsert retried, rather than failing.
   */
  async upsertContact(email: string, properties: Properties, optional: readonly string[] = []): Promise<string> {
    const upsert = (props: Properties) =>
      this.call<{ results?: Array<{ id: string }> }>("POST", "/crm/v3/objects/contacts/batch/upsert", {
        inputs: [{ idProperty: "email", id: email, properties: { ...props, email } }],
      });
    let result: { results?: Array<{ id: string }> } | null;
    try {
      result = await upsert(properties);
    } catch (error) {
      if (!(error instanceof PermanentError) || !/PROPERTY_DOESNT_EXIST/.test(error.message) || optional.length === 0) throw error;
      result = await upsert(Object.fromEntries(Object.entries(properties).filter(([k]) => !optional.includes(k))));
    }
    const id = result?.results?.[0]?.id;
    if (!id) throw new PermanentError("HubSpot answered the contact upsert without an id");
    return String(id);
  }

  async createNote(body: string, timestamp: string, contactId: string | null): Promise<string> {
    return this.create("notes", { hs_note_body: body, hs_timestamp: timestamp }, contactId, ASSOCIATION.noteToContact);
  }

  async updateNote(id: string, body: string): Promise<void> {
    await this.call("PATCH", `/crm/v3/objects/notes/${encodeURIComponent(id)}`, { properties: { hs_note_body: body } });
  }

  async createTask(properties: Properties, contactId: string | null): Promise<string> {
    return this.create("tasks", properties, contactId, ASSOCIATION.taskToContact);
  }

  async updateTask(id: string, properties: Properties): Promise<void> {
    await this.call("PATCH", `/crm/v3/objects/tasks/${encodeURIComponent(id)}`, { properties });
  }

  /** Links a note or task to a contact (idempotent: the default association, PUT). */
  async associate(objectType: "notes" | "tasks", id: string, contactId: string): Promise<void> {
    await this.call("PUT", `/crm/v4/objects/${objectType}/${encodeURIComponent(id)}/associations/default/contacts/${encodeURIComponent(contactId)}`);
  }

  /** The HubSpot user (owner) with this email, if the token may read owners and one exists. */
  async findOwnerId(email: string): Promise<string | null> {
    try {
      const result = await this.call<{ results?: Array<{ id: string }> }>("GET", `/crm/v3/owners/?email=${encodeURIComponent(email)}&limit=1`);
      const id = result?.results?.[0]?.id;
      return id ? String(id) : null;
    } catch (error) {
      if (error instanceof PermanentError) return null; // no owners scope: the task stays unassigned
      throw error;
    }
  }

  /** The first note or task whose body contains `token` (HubSpot's search index lags by seconds). */
  async findByToken(objectType: "notes" | "tasks", token: string): Promise<string | null> {
    const propertyName = objectType === "notes" ? "hs_note_body" : "hs_task_body";
    const result = await this.call<{ results?: Array<{ id: string }> }>("POST", `/crm/v3/objects/${objectType}/search`, {
      filterGroups: [{ filters: [{ propertyName, operator: "CONTAINS_TOKEN", value: token }] }],
      properties: [propertyName],
      limit: 1,
    });
    const id = result?.results?.[0]?.id;
    return id ? String(id) : null;
  }

  private async create(objectType: "notes" | "tasks", properties: Properties, contactId: string | null, associationTypeId: number): Promise<string> {
    const associations = contactId ? [{ to: { id: contactId }, types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId }] }] : [];
    const result = await this.call<{ id?: string }>("POST", `/crm/v3/objects/${objectType}`, { properties, associations });
    if (!result?.id) throw new PermanentError(`HubSpot answered the ${objectType} creation without an id`);
    return String(result.id);
  }
}

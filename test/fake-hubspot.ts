// A local fake of HubSpot's CRM API for tests: the outside world at its HTTP boundary. One
// "portal" per private-app token (so tests never share records), holding contacts (unique by
// email), notes, tasks, their associations and owners; search by CONTAINS_TOKEN; and failures on
// demand, including "after commit" (the record is created, the answer lost), which is what makes
// a naive retry create a duplicate. Control: POST /_admin/fail, /_admin/drop-property, GET /_admin/state.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

interface HubObject {
  id: string;
  properties: Record<string, string>;
  associations: string[]; // contact ids
}

interface Portal {
  contacts: HubObject[];
  notes: HubObject[];
  tasks: HubObject[];
  contactProperties: Set<string>;
  calls: Array<{ method: string; path: string; body: unknown; status: number }>;
}

interface Failure {
  token?: string;
  method: string;
  /** A path, e.g. "/crm/v3/objects/tasks"; a trailing "*" matches any rest ("/crm/v3/objects/notes/*"). */
  path: string;
  status: number;
  times: number;
  /** Perform the operation, then answer `status`: the caller never learns the id. */
  afterCommit?: boolean;
  retryAfter?: number;
}

export interface FakeHubSpot {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const OWNERS = [{ id: "9001", email: "owner@acme.test", firstName: "Olive", lastName: "Owner" }];
const STANDARD = ["email", "firstname", "lastname", "company", "jobtitle", "phone", "lifecyclestage", "baton_lead_level"];

function pathMatches(pattern: string, path: string): boolean {
  return pattern.endsWith("*") ? path.startsWith(pattern.slice(0, -1)) : path === pattern;
}

export async function startFakeHubSpot(port = 0): Promise<FakeHubSpot> {
  const portals = new Map<string, Portal>();
  let failures: Failure[] = [];
  let nextId = 1000;

  const portal = (token: string): Portal => {
    let p = portals.get(token);
    if (!p) {
      p = { contacts: [], notes: [], tasks: [], contactProperties: new Set(STANDARD), calls: [] };
      portals.set(token, p);
    }
    return p;
  };

  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", () => {
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        if (status === 204) return res.writeHead(204, headers).end();
        return res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
      };
      const url = new URL(req.url ?? "/", "http://fake");
      const method = req.method ?? "GET";
      let body: any = {};
      try {
        body = raw ? JSON.parse(raw) : {};
      } catch {
        return send(400, { status: "error", message: "Invalid JSON", category: "VALIDATION_ERROR" });
      }

      if (url.pathname.startsWith("/_admin/")) {
        switch (url.pathname) {
          case "/_admin/fail":
            failures.push({ times: 1, status: 500, ...body });
            return send(200, { ok: true });
          case "/_admin/drop-property":
            portal(body.token).contactProperties.delete(body.name);
            return send(200, { ok: true });
          case "/_admin/state": {
            const p = portal(url.searchParams.get("token") ?? "");
            return send(200, { contacts: p.contacts, notes: p.notes, tasks: p.tasks, calls: p.calls });
          }
          case "/_admin/reset":
            failures = [];
            portals.clear();
            return send(200, { ok: true });
        }
        return send(404, { ok: false });
      }

      const token = /^Bearer (pat-[\w-]+)$/.exec(req.headers.authorization ?? "")?.[1];
      if (!token) return send(401, { status: "error", message: "Authentication credentials not found.", category: "INVALID_AUTHENTICATION" });
      const p = portal(token);
      const record = (status: number) => p.calls.push({ method, path: url.pathname + url.search, body, status });

      const failure = failures.find((f) => f.times > 0 && f.method === method && pathMatches(f.path, url.pathname) && (!f.token || f.token === token));
      if (failure) failure.times--;
      const answer = (status: number, payload: unknown) => {
        if (failure) {
          record(failure.status);
          const headers: Record<string, string> = failure.retryAfter ? { "retry-after": String(failure.retryAfter) } : {};
          return send(failure.status, { status: "error", message: `fake failure ${failure.status}`, category: "FAKE" }, headers);
        }
        record(status);
        return send(status, payload);
      };
      if (failure && !failure.afterCommit) return answer(0, null);

      const objects = (type: string): HubObject[] | null => (type === "notes" ? p.notes : type === "tasks" ? p.tasks : type === "contacts" ? p.contacts : null);
      const path = url.pathname;
      let m: RegExpExecArray | null;

      if (method === "POST" && path === "/crm/v3/objects/contacts/batch/upsert") {
        const input = body.inputs?.[0];
        if (input?.idProperty !== "email" || typeof input.id !== "string" || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(input.id)) {
          return answer(400, { status: "error", message: "Property values were not valid: INVALID_EMAIL", category: "VALIDATION_ERROR" });
        }
        const unknown = Object.keys(input.properties ?? {}).filter((k) => !p.contactProperties.has(k));
        if (unknown.length) {
          const detail = unknown.map((name) => ({ isValid: false, message: `Property "${name}" does not exist`, error: "PROPERTY_DOESNT_EXIST", name }));
          return answer(400, { status: "error", message: `Property values were not valid: ${JSON.stringify(detail)}`, category: "VALIDATION_ERROR" });
        }
        const email = input.id.toLowerCase();
        let contact = p.contacts.find((c) => c.properties.email === email);
        const isNew = !contact;
        if (!contact) {
          contact = { id: String(++nextId), properties: { email }, associations: [] };
          p.contacts.push(contact);
        }
        Object.assign(contact.properties, input.properties, { email });
        return answer(200, { status: "COMPLETE", results: [{ id: contact.id, properties: contact.properties, new: isNew }] });
      }

      if ((m = /^\/crm\/v3\/objects\/(notes|tasks)$/.exec(path)) && method === "POST") {
        const list = objects(m[1]!)!;
        const associations = (body.associations ?? []).map((a: any) => String(a.to?.id));
        if (associations.some((id: string) => !p.contacts.some((c) => c.id === id))) return answer(400, { status: "error", message: "unknown contact" });
        const obj: HubObject = { id: String(++nextId), properties: { ...body.properties }, associations };
        list.push(obj);
        return answer(201, { id: obj.id, properties: obj.properties });
      }

      if ((m = /^\/crm\/v3\/objects\/(notes|tasks)\/(\w+)$/.exec(path)) && method === "PATCH") {
        const obj = objects(m[1]!)!.find((o) => o.id === m![2]);
        if (!obj) return answer(404, { status: "error", message: "Object not found", category: "OBJECT_NOT_FOUND" });
        Object.assign(obj.properties, body.properties);
        return answer(200, { id: obj.id, properties: obj.properties });
      }

      if ((m = /^\/crm\/v4\/objects\/(notes|tasks)\/(\w+)\/associations\/default\/contacts\/(\w+)$/.exec(path)) && method === "PUT") {
        const obj = objects(m[1]!)!.find((o) => o.id === m![2]);
        if (!obj || !p.contacts.some((c) => c.id === m![3])) return answer(404, { status: "error", message: "Object not found" });
        if (!obj.associations.includes(m[3]!)) obj.associations.push(m[3]!);
        return answer(200, { status: "COMPLETE", results: [{ from: { id: obj.id }, to: { id: m[3] } }] });
      }

      if ((m = /^\/crm\/v3\/objects\/(notes|tasks)\/search$/.exec(path)) && method === "POST") {
        const filter = body.filterGroups?.[0]?.filters?.[0];
        const list = objects(m[1]!)!;
        const found =
          filter?.operator === "CONTAINS_TOKEN" ? list.filter((o) => (o.properties[filter.propertyName] ?? "").split(/\W+/).includes(filter.value)) : [];
        return answer(200, { total: found.length, results: found.slice(0, body.limit ?? 10).map((o) => ({ id: o.id, properties: o.properties })) });
      }

      if (path === "/crm/v3/owners/" && method === "GET") {
        const email = url.searchParams.get("email");
        return answer(200, { results: OWNERS.filter((o) => !email || o.email === email) });
      }

      return answer(404, { status: "error", message: `no route ${method} ${path}`, category: "OBJECT_NOT_FOUND" });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${bound}`, server, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

// Compliance and reporting for the project owner (secret key): the audit log of every operator
// decision, as JSON or NDJSON, and the metrics (with the commitments kept and missed). Tickets: tickets.ts.
import { Hono } from "hono";
import * as z from "zod";
import { commitmentMetrics, computeMetrics } from "../../domain/handoff/metrics";
import { requireProject } from "../auth";
import { listDecisions, metricRows, ticketMetricRows } from "../../adapters/db";
import type { Env } from "../env";
import { ApiError } from "../../adapters/errors";
import { parseQuery } from "../errors";

const instant = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v)), "must be an ISO 8601 date or time")
  .transform((v) => new Date(v).toISOString());

export const auditRoutes = new Hono<{ Bindings: Env }>()
  .get("/decisions", async (c) => {
    const project = await requireProject(c);
    const query = parseQuery(
      z.object({
        since: instant.default("1970-01-01T00:00:00.000Z"),
        format: z.enum(["json", "ndjson"]).default("json"),
        limit: z.coerce.number().int().min(1).max(10_000).default(1000),
      }),
      c.req.query(),
    );
    const decisions = await listDecisions(c.env.DB, project.id, query.since, query.limit);
    if (query.format === "json") return c.json({ decisions });
    return c.body(decisions.map((d) => JSON.stringify(d)).join("\n") + (decisions.length ? "\n" : ""), 200, { "content-type": "application/x-ndjson" });
  })
  .get("/metrics", async (c) => {
    const project = await requireProject(c);
    const query = parseQuery(z.object({ from: instant, to: instant }), c.req.query());
    if (query.from >= query.to) throw new ApiError(400, "invalid_query", "from must be before to", { field: "from" });
    const [rows, tickets] = await Promise.all([
      metricRows(c.env.DB, project.id, query.from, query.to),
      ticketMetricRows(c.env.DB, project.id, query.from, query.to),
    ]);
    const window = { from: new Date(query.from), to: new Date(query.to) };
    return c.json({
      from: query.from,
      to: query.to,
      metrics: {
        ...computeMetrics(rows as Parameters<typeof computeMetrics>[0], window),
        commitments: commitmentMetrics(tickets, window, new Date()),
      },
    });
  });

// Compliance and reporting for the project owner (secret key): the audit log of every operator
// decision, as JSON or NDJSON, and the metrics (with the commitments kept and missed). Tickets: tickets.ts.
import { Hono } from "hono";
import * as z from "zod";
import { bucketFor, commitmentMetrics, computeMetrics, metricSeries } from "../../domain/handoff/metrics";
import { requireAgent, requireProject } from "../auth";
import { listDecisions, metricRows, ticketMetricRows } from "../../adapters/db";
import type { Env } from "../env";
import { ApiError } from "../../adapters/errors";
import { parseQuery } from "../errors";

const instant = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v)), "must be an ISO 8601 date or time")
  .transform((v) => new Date(v).toISOString());

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

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
    // The owner's reports (secret key), and the team's own numbers on the desk (any agent of the project).
    const projectId = c.req.header("authorization")?.includes(" sk_") ? (await requireProject(c)).id : (await requireAgent(c)).projectId;
    const query = parseQuery(z.object({ from: instant.optional(), to: instant.optional(), bucket: z.enum(["hour", "day"]).optional() }), c.req.query());
    // Without a window: the last 7 days up to now (a missing `from` is 7 days before `to`).
    const to = query.to ?? new Date().toISOString();
    const from = query.from ?? new Date(Date.parse(to) - WEEK_MS).toISOString();
    if (from >= to) throw new ApiError(400, "invalid_query", "from must be before to", { field: "from" });
    if (Date.parse(to) - Date.parse(from) > 400 * DAY_MS) throw new ApiError(400, "invalid_query", "the window is at most 400 days", { field: "from" });
    const [metric, tickets] = await Promise.all([metricRows(c.env.DB, projectId, from, to), ticketMetricRows(c.env.DB, projectId, from, to)]);
    const rows = metric as Parameters<typeof computeMetrics>[0];
    const window = { from: new Date(from), to: new Date(to) };
    const bucket = query.bucket ?? bucketFor(window);
    if (bucket === "hour" && Date.parse(to) - Date.parse(from) > 14 * DAY_MS) {
      throw new ApiError(400, "invalid_query", "hourly points cover at most 14 days", { field: "bucket" });
    }
    const metrics = { ...computeMetrics(rows, window), commitments: commitmentMetrics(tickets, window, new Date()) };
    return c.json({ from, to, metrics, bucket, series: metricSeries(rows, window, bucket) });
  });

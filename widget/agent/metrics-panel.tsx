// The team's metrics on the desk, over a chosen period: escalation rate, time to the first human
// reply, time to the first action after the claim, abandonment, ticket conversion, satisfaction,
// and a small chart of handoffs and first-reply times (uPlot, loaded only with this panel).
import { useEffect, useRef, useState } from "preact/hooks";
import uPlot from "uplot";
import { formatWait } from "../../domain/desk/sla";
import { api } from "./api";

interface MetricsBody {
  from: string;
  to: string;
  bucket: "hour" | "day";
  metrics: {
    conversations: number;
    handoffs: number;
    escalationRate: number | null;
    firstReplySeconds: { count: number; median: number | null; p90: number | null };
    firstActionSeconds: { count: number; median: number | null; p90: number | null };
    abandonmentRate: number | null;
    ticketConversionRate: number | null;
    satisfaction: { count: number; average: number | null };
  };
  series: Array<{ from: string; handoffs: number; firstReplyMedian: number | null }>;
}

const PERIODS = [
  { id: "24h", label: "Last 24 hours", ms: 86_400_000 },
  { id: "7d", label: "Last 7 days", ms: 7 * 86_400_000 },
  { id: "30d", label: "Last 30 days", ms: 30 * 86_400_000 },
] as const;

const percent = (v: number | null) => (v === null ? "—" : `${Math.round(v * 100)} %`);
const seconds = (v: number | null) => (v === null ? "—" : formatWait(v));

export default function MetricsPanel() {
  const [period, setPeriod] = useState<(typeof PERIODS)[number]["id"]>("7d");
  const [body, setBody] = useState<MetricsBody | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const ms = PERIODS.find((p) => p.id === period)!.ms;
    const to = new Date();
    const from = new Date(to.getTime() - ms);
    setError(null);
    api<MetricsBody>(`/metrics?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`).then(setBody, (e) =>
      setError((e as Error).message),
    );
  }, [period]);

  const m = body?.metrics;
  return (
    <div class="metrics-body">
      <label class="period">
        Period{" "}
        <select value={period} onChange={(e) => setPeriod((e.currentTarget as HTMLSelectElement).value as typeof period)}>
          {PERIODS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </select>
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {m && (
        <>
          <dl class="figures">
            <Figure label="Escalation rate" value={percent(m.escalationRate)} detail={`${m.handoffs} handoffs / ${m.conversations} conversations`} />
            <Figure label="First human reply (median)" value={seconds(m.firstReplySeconds.median)} detail={`p90 ${seconds(m.firstReplySeconds.p90)}`} />
            <Figure label="First action after the claim" value={seconds(m.firstActionSeconds.median)} detail={`p90 ${seconds(m.firstActionSeconds.p90)}`} />
            <Figure label="Abandoned" value={percent(m.abandonmentRate)} />
            <Figure label="Became a ticket" value={percent(m.ticketConversionRate)} />
            <Figure
              label="Satisfaction"
              value={m.satisfaction.average === null ? "—" : `${m.satisfaction.average.toFixed(1)} / 5`}
              detail={`${m.satisfaction.count} ratings`}
            />
          </dl>
          <Chart body={body} />
        </>
      )}
    </div>
  );
}

function Figure({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <div class="figure">
      <dt>{label}</dt>
      <dd>
        <strong>{value}</strong>
        {detail && <span class="muted small">{detail}</span>}
      </dd>
    </div>
  );
}

function Chart({ body }: { body: MetricsBody }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const xs = body.series.map((p) => Date.parse(p.from) / 1000);
    const handoffs = body.series.map((p) => p.handoffs);
    const replies = body.series.map((p) => (p.firstReplyMedian === null ? null : p.firstReplyMedian / 60));
    const plot = new uPlot(
      {
        width: Math.max(260, el.current.clientWidth),
        height: 180,
        scales: { x: { time: true }, minutes: { auto: true } },
        series: [
          {},
          { label: "Handoffs", stroke: "#4338ca", width: 2, fill: "rgba(67,56,202,.08)" },
          { label: "First reply (min, median)", stroke: "#0f766e", width: 2, scale: "minutes", spanGaps: true },
        ],
        axes: [{}, { label: "handoffs" }, { side: 1, scale: "minutes", label: "min", grid: { show: false } }],
      },
      [xs, handoffs, replies],
      el.current,
    );
    return () => plot.destroy();
  }, [body]);
  return (
    <figure class="chart">
      <div ref={el} role="img" aria-label={`Handoffs per ${body.bucket} and the median first-reply time over the period`} />
      <figcaption class="muted small">Per {body.bucket}, in your local time.</figcaption>
    </figure>
  );
}

// The isolate's live JS heap by constructor, from a V8 heap snapshot taken through the inspector
// (`npm run profile -- --kind memory --heap-diff`): what each step of making a conversation
// leaves in the heap, object kind by object kind, where RSS and the heap's total say only how much.

/** Takes a heap snapshot (after a full GC, as V8 does for one) and returns Map<"type name", {count, bytes}>. */
export async function heapByConstructor(inspector) {
  const chunks = [];
  const off = inspector.on("HeapProfiler.addHeapSnapshotChunk", ({ chunk }) => chunks.push(chunk));
  try {
    await inspector.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
  } finally {
    off();
  }
  const snapshot = JSON.parse(chunks.join(""));
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [TYPE, NAME, SIZE] = ["type", "name", "self_size"].map((f) => fields.indexOf(f));
  const out = new Map();
  const { nodes, strings } = snapshot;
  for (let i = 0; i < nodes.length; i += fields.length) {
    const type = types[nodes[i + TYPE]];
    // Strings and numbers by kind only: their names are their contents.
    const name = type === "string" || type === "concatenated string" || type === "sliced string" || type === "number" ? "" : strings[nodes[i + NAME]];
    const key = `${type} ${name}`.trim();
    const entry = out.get(key) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += nodes[i + SIZE];
    out.set(key, entry);
  }
  return out;
}

/** The `top` kinds that grew most from `before` to `after`, per room, as Markdown rows. */
export function heapGrowth(before, after, rooms, top = 12) {
  const rows = [];
  for (const [key, a] of after) {
    const b = before.get(key) ?? { count: 0, bytes: 0 };
    if (a.bytes > b.bytes) rows.push([key, (a.count - b.count) / rooms, (a.bytes - b.bytes) / rooms]);
  }
  rows.sort((x, y) => y[2] - x[2]);
  const total = rows.reduce((sum, r) => sum + r[2], 0);
  return [
    `| kind (type and constructor) | objects per room | bytes per room |`,
    `| --- | ---: | ---: |`,
    ...rows.slice(0, top).map(([key, n, bytes]) => `| ${key.replace(/\|/g, "\\|").slice(0, 80)} | ${n.toFixed(1)} | ${bytes.toFixed(0)} |`),
    `| every kind that grew | | ${total.toFixed(0)} |`,
  ].join("\n");
}

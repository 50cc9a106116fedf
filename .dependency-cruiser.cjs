// The shape of the tree, checked by `npm test` (npm run lint:deps). docs/architecture.md has the
// table of layers these rules enforce; change both together.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "No import cycles, type-only imports included. The one loop allowed is the Env type naming the Durable Object classes.",
      from: {},
      to: { circular: true, viaOnly: { pathNot: "^worker/env\\.ts$" } },
    },
    {
      name: "env-is-type-only",
      severity: "error",
      comment: "That loop is types only: worker/env.ts is imported as a type, and imports the classes as types.",
      from: { pathNot: "^worker/env\\.ts$" },
      to: { path: "^worker/env\\.ts$", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "env-imports-types-only",
      severity: "error",
      from: { path: "^worker/env\\.ts$" },
      to: { dependencyTypesNot: ["type-only"] },
    },
    {
      name: "domain-is-pure",
      severity: "error",
      comment: "domain/ and protocol/ are pure rules: no runtime, no adapters, no actors, no routes.",
      from: { path: "^(domain|protocol)/" },
      to: { path: "^(worker|durable-objects|adapters|widget)/|^cloudflare:|node_modules/(partyserver|partysocket|hono|openai|@slack)/" },
    },
    {
      name: "domain-no-runtime-builtins",
      severity: "error",
      from: { path: "^(domain|protocol)/" },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "protocol-is-a-leaf",
      severity: "error",
      comment: "protocol/ is the wire contract: it imports nothing of ours.",
      from: { path: "^protocol/" },
      to: { path: "^(domain|worker|durable-objects|adapters|widget)/" },
    },
    {
      name: "widget-has-no-server-code",
      severity: "error",
      comment: "Browser code shares protocol/ (and pure domain/) only, and never full zod.",
      from: { path: "^widget/" },
      to: { path: "^(worker|durable-objects|adapters|migrations)/|^cloudflare:|node_modules/(hono|partyserver|openai|@slack)/" },
    },
    {
      name: "widget-no-full-zod",
      severity: "error",
      from: { path: "^widget/" },
      to: { path: "node_modules/zod/", pathNot: "node_modules/zod/(v4/)?mini/" },
    },
    {
      name: "actors-import-only-env-from-worker",
      severity: "error",
      comment: "durable-objects/ sit below worker/: the only import from worker/ is the Env type.",
      from: { path: "^durable-objects/" },
      to: { path: "^worker/", pathNot: "^worker/env\\.ts$" },
    },
    {
      name: "adapters-below-actors-and-routes",
      severity: "error",
      comment: "adapters/ are imported by durable-objects/ and worker/, never the other way round.",
      from: { path: "^adapters/" },
      to: { path: "^(durable-objects|worker)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|public|bench|\\.wrangler)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
  },
};

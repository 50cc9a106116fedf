// The evaluation set and the settings it is labelled against, loaded as modules so that the same
// code runs under vitest (`npm test`) and as an esbuild bundle (`npm run eval`), with no file I/O.
import demo from "../scripts/demo-project.json";
import { settingsSchema, type Settings } from "../domain/settings";
import type { EvalCase } from "./harness";
import explicit from "./cases/explicit.json";
import frustration from "./cases/frustration.json";
import implicit from "./cases/implicit.json";
import knowledge from "./cases/knowledge.json";
import leads from "./cases/leads.json";
import offtopic from "./cases/offtopic.json";
import personas from "./cases/personas.json";
import sensitive from "./cases/sensitive.json";
import stallFailure from "./cases/stall-failure.json";

/** All 361 cases, in file order. */
export const EVAL_CASES = [
  ...explicit,
  ...implicit,
  ...leads,
  ...personas,
  ...sensitive,
  ...frustration,
  ...stallFailure,
  ...knowledge,
  ...offtopic,
] as EvalCase[];

/** The demo project's settings (scripts/demo-project.json), parsed the way the worker stores them. */
export function demoSettings(): Settings {
  return settingsSchema.parse(demo.settings);
}

// `npm run eval`: runs the evaluation set through the brain and prints the figures.
// `-- --misses` lists the case ids behind every shortfall; `-- --json` prints the raw report.
import { EVAL_CASES, demoSettings } from "./cases";
import { formatReport, runAll, score } from "./harness";

const report = score(runAll(EVAL_CASES, demoSettings()));
const args = process.argv.slice(2);
console.log(args.includes("--json") ? JSON.stringify(report, null, 2) : formatReport(report, { misses: args.includes("--misses") }));

// Types for baton.mjs, which the e2e setup imports too (test/e2e/global-setup.ts).
export declare const RATE_LIMIT_VARS: string[];
export declare function withRaisedRateLimits(toml: string): string;
export declare function startArgs(options: { port: number; persistTo: string; inspectorPort: number; extra?: string[] }): string[];

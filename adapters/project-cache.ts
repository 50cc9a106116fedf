// The project a widget names by its public key, as `POST /v1/conversations` needs it, kept per
// isolate for a few seconds: a project whose visitors start a thousand conversations a minute reads
// its row (its settings included, up to a megabyte) once per isolate every TTL_MS instead of once per
// conversation. A settings PUT forgets it in its own isolate at once; other isolates see the change
// within TTL_MS. Unknown keys are never cached (each is asked of D1 again, behind the address budget).
import { findProjectByPublicKey, type Project } from "./db";

export const PROJECT_TTL_MS = 5_000;
const MAX = 200;
const byKey = new Map<string, { project: Project; until: number }>();

export async function projectByPublicKey(db: D1Database, publicKey: string, nowMs: number): Promise<Project | null> {
  const cached = byKey.get(publicKey);
  if (cached && cached.until > nowMs) return cached.project;
  const project = await findProjectByPublicKey(db, publicKey);
  byKey.delete(publicKey);
  if (project) {
    if (byKey.size >= MAX) byKey.delete(byKey.keys().next().value as string);
    byKey.set(publicKey, { project, until: nowMs + PROJECT_TTL_MS });
  }
  return project;
}

/** Drops the cached project (its settings were just replaced), so this isolate's next conversation reads them. */
export function forgetProject(projectId: string): void {
  for (const [key, entry] of byKey) if (entry.project.id === projectId) byKey.delete(key);
}

// Reads the embed tag: `<script src=".../widget.js" data-project="pk_…" async>` plus the optional
// `data-api`, `data-title`, `data-accent` and, for a logged-in visitor, `data-user-id`,
// `data-user-hash`, `data-user-name`, `data-user-email`. Nothing here trusts the attributes beyond
// their type; the server verifies the hash.
import type { WidgetConfig } from "./chat";
import type { VisitorUser } from "./session";

/** The logged-in visitor the tag describes, or nothing when it names no (usable) user id. */
export function readUser(data: DOMStringMap): VisitorUser | undefined {
  const id = data.userId?.trim();
  if (!id || id.length > 200) return undefined;
  const hash = data.userHash?.trim();
  const name = data.userName?.trim().slice(0, 120);
  const email = data.userEmail?.trim();
  return {
    id,
    ...(hash && /^[0-9a-f]{64}$/i.test(hash) ? { hash } : {}),
    ...(name ? { name } : {}),
    ...(email && email.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? { email } : {}),
  };
}

/** The tag that loaded this script: `currentScript` while it runs, else the first tag with data-project. */
export function findEmbedTag(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.dataset.project) return current;
  return document.querySelector<HTMLScriptElement>("script[data-project]");
}

/** Turns the tag's attributes into a config, or explains why it cannot. */
export function readConfig(tag: HTMLScriptElement | null): { ok: true; config: WidgetConfig } | { ok: false; reason: string } {
  const projectKey = tag?.dataset.project?.trim();
  if (!tag || !projectKey) return { ok: false, reason: "the script tag needs a data-project attribute" };
  let api: string;
  try {
    api = new URL(tag.dataset.api || tag.src || location.href, location.href).origin;
  } catch {
    return { ok: false, reason: "data-api is not a valid URL" };
  }
  if (!/^https?:/.test(api)) return { ok: false, reason: "data-api must be an http(s) URL" };
  const accent = tag.dataset.accent?.trim();
  // Without data-title the panel is titled with the bot's name from the room's welcome.
  const title = tag.dataset.title?.trim().slice(0, 80);
  const user = readUser(tag.dataset);
  return {
    ok: true,
    config: {
      projectKey,
      api,
      ...(title ? { title } : {}),
      ...(accent && CSS.supports("color", accent) ? { accent } : {}),
      ...(user ? { user } : {}),
    },
  };
}

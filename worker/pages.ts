// The HTML the worker itself answers with: the shell of the agent's pages (desk, room, settings —
// one Preact app bundled into public/app/) and short, plain pages for sign-in outcomes. Every
// dynamic value is escaped; the shell's boot data is JSON that cannot close its own tag.

/** Served with every page: scripts and styles from this origin only, no framing. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");

export const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy": CSP,
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] ?? ch);

/** What the app needs before its first request: who is signed in, and where. */
export interface BootData {
  agent: { id: string; name: string; email: string; role: string };
  project: { id: string; name: string; publicKey: string };
}

/** The shell every agent page shares; main.js picks the page from the path. */
export function appShell(boot: BootData): string {
  // `<` escaped so no value can end the script element early.
  const json = JSON.stringify(boot).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Baton desk</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/app/app.css">
<script type="module" src="/app/main.js"></script>
</head>
<body>
<div id="app"><p class="boot">Loading the desk…</p></div>
<script type="application/json" id="baton-boot">${json}</script>
<noscript>The Baton desk needs JavaScript.</noscript>
</body>
</html>`;
}

/** A one-message page (sign-in failed, signed out…), readable without the app's bundle. */
export function messagePage(title: string, paragraphs: readonly string[], link?: { href: string; label: string }): string {
  const body = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("\n");
  const action = link ? `<p><a class="button" href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>` : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Baton</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/app/app.css">
</head>
<body class="message-page">
<main class="message-card">
<h1>${escapeHtml(title)}</h1>
${body}
${action}
</main>
</body>
</html>`;
}

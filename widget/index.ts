// Entry of /widget.js: read the embed tag, then mount the chat once the page has a body.
// Loading the script twice (two tags, a SPA re-inserting it) mounts a single widget.
import { startChat } from "./chat";
import { findEmbedTag, readConfig } from "./config";

const result = readConfig(findEmbedTag());

function boot() {
  if (document.querySelector("baton-widget")) return;
  if (result.ok) startChat(result.config);
  else console.warn(`[baton] widget not started: ${result.reason}`);
}

if (document.body) boot();
else document.addEventListener("DOMContentLoaded", boot, { once: true });

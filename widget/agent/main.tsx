// The agent app's entry (public/app/main.js): reads who is signed in from the page, opens the one
// desk socket, and shows the page the path names — the desk, an agent room, the settings — each a
// lazy chunk. Navigation stays in the page, so the socket, toasts and title alerts live across it.
import { type ComponentType, render } from "preact";
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api } from "./api";
import { App, type AppContext, type Boot, type DeskConfig, link, type Toast, useDesk } from "./app-context";
import { openDesk } from "./desk-socket";
import { visitorName } from "./format";

type Route = { page: "desk" } | { page: "room"; handoffId: string } | { page: "settings" } | { page: "missing" };

export function routeOf(path: string): Route {
  if (path === "/desk" || path === "/desk/") return { page: "desk" };
  if (path === "/settings") return { page: "settings" };
  const room = /^\/agent\/handoffs\/([A-Za-z0-9_-]{1,64})$/.exec(path);
  return room ? { page: "room", handoffId: room[1]! } : { page: "missing" };
}

type PageModule = { default: ComponentType<{ handoffId?: string }> };
const PAGES: Record<Exclude<Route["page"], "missing">, () => Promise<PageModule>> = {
  desk: () => import("./desk-page"),
  room: () => import("./room-page"),
  settings: () => import("./settings-page"),
};

const BASE_TITLE: Record<Route["page"], string> = { desk: "Desk", room: "Conversation", settings: "Settings", missing: "Not found" };

function Root({ boot }: { boot: Boot }) {
  const desk = useMemo(() => openDesk(boot.agent.id), [boot.agent.id]);
  const deskState = useDesk(desk);
  const [path, setPath] = useState(location.pathname);
  const [config, setConfig] = useState<DeskConfig | null>(null);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [loaded, setLoaded] = useState<{ page: string; component: PageModule["default"] } | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const unseenArrivals = useRef(0);
  const route = routeOf(path);
  const title = `${BASE_TITLE[route.page]} · Baton`;

  const navigate = useCallback((to: string) => {
    if (to === location.pathname) return;
    history.pushState(null, "", to);
    setPath(to);
    scrollTo(0, 0);
  }, []);
  const toast = useCallback((text: string, tone: Toast["tone"] = "info") => {
    const id = Date.now() + Math.random();
    setToasts((list) => [...list.slice(-3), { id, text, tone }]);
    setTimeout(() => setToasts((list) => list.filter((t) => t.id !== id)), 7000);
  }, []);

  useEffect(() => {
    const onPop = () => setPath(location.pathname);
    addEventListener("popstate", onPop);
    return () => removeEventListener("popstate", onPop);
  }, []);
  useEffect(() => {
    api<DeskConfig>("/desk/config").then(setConfig, () => toast("The desk's settings could not be loaded; suggestions are off.", "error"));
  }, [toast]);
  useEffect(() => {
    if (route.page === "missing") return setLoaded(null);
    let live = true;
    PAGES[route.page]().then(
      (mod) => live && setLoaded({ page: route.page, component: mod.default }),
      () => live && toast("This page could not be loaded. Reload to try again.", "error"),
    );
    return () => {
      live = false;
    };
  }, [route.page, toast]);

  // A new handoff is announced to screen readers on every page; a backgrounded tab flashes its title.
  useEffect(
    () =>
      desk.onArrival((event) => {
        const who = visitorName(event.card.visitor);
        setAnnouncement(`New handoff from ${who}, ${event.card.priority} priority: ${event.card.summary.slice(0, 120)}`);
        if (document.visibilityState === "hidden") unseenArrivals.current++;
      }),
    [desk],
  );
  useEffect(() => {
    let on = false;
    const timer = setInterval(() => {
      const count = unseenArrivals.current;
      on = count > 0 && !on;
      document.title = on ? `(${count}) New handoff · Baton` : title;
    }, 1000);
    const onVisible = () => {
      if (document.visibilityState === "visible") {
        unseenArrivals.current = 0;
        document.title = title;
      }
    };
    document.addEventListener("visibilitychange", onVisible);
    document.title = title;
    return () => {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [title]);

  const context: AppContext = useMemo(() => ({ boot, desk, config, navigate, toast }), [boot, desk, config, navigate, toast]);
  const Page = loaded?.page === route.page ? loaded.component : null;
  const status = desk.status();
  const available = deskState.presence?.available;

  return (
    <App.Provider value={context}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href="/desk" onClick={link(navigate, "/desk")}>
          Baton <span>{boot.project.name}</span>
        </a>
        <nav aria-label="Agent pages">
          <a href="/desk" onClick={link(navigate, "/desk")} aria-current={route.page === "desk" ? "page" : undefined}>
            Desk
          </a>
          {boot.agent.role === "admin" && (
            <a href="/settings" onClick={link(navigate, "/settings")} aria-current={route.page === "settings" ? "page" : undefined}>
              Settings
            </a>
          )}
        </nav>
        <span class={`conn conn-${desk.connection()}`} title="Desk connection">
          {desk.connection() === "online" ? "Live" : desk.connection() === "offline" ? "Offline" : "Connecting…"}
        </span>
        {available !== undefined && <span class="team-count">{available === 1 ? "1 agent available" : `${available} agents available`}</span>}
        <button
          type="button"
          class={`presence presence-${status}`}
          aria-pressed={status === "available"}
          onClick={() => desk.setStatus(status === "available" ? "away" : "available")}
        >
          <span class="dot" aria-hidden="true" />
          {status === "available" ? "Available" : "Away"}
        </button>
        <span class="me">{boot.agent.name}</span>
        <form method="post" action="/agent/sign-out" class="signout">
          <button type="submit">Sign out</button>
        </form>
      </header>
      <main id="main" tabIndex={-1}>
        {route.page === "missing" ? (
          <p class="empty">There is no page here. Go back to the desk.</p>
        ) : Page ? (
          <Page key={path} {...(route.page === "room" ? { handoffId: route.handoffId } : {})} />
        ) : (
          <p class="boot">Loading…</p>
        )}
      </main>
      <div class="sr-only" role="status" aria-live="polite">
        {announcement}
      </div>
      <div class="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} class={`toast toast-${t.tone}`}>
            <span>{t.text}</span>
            <button type="button" aria-label="Dismiss" onClick={() => setToasts((list) => list.filter((x) => x.id !== t.id))}>
              ×
            </button>
          </div>
        ))}
      </div>
    </App.Provider>
  );
}

const bootEl = document.getElementById("baton-boot");
const appEl = document.getElementById("app");
if (bootEl && appEl) {
  appEl.textContent = "";
  render(<Root boot={JSON.parse(bootEl.textContent ?? "{}") as Boot} />, appEl);
}

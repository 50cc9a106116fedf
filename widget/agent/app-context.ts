// What every page of the agent app shares: who is signed in, the desk socket, navigation, toasts
// and the desk's settings (templates, SLA targets), through one Preact context.
import { createContext } from "preact";
import { useContext, useEffect, useState } from "preact/hooks";
import type { ReplyTemplate } from "../../domain/desk/reply-templates";
import type { SlaMinutes } from "../../domain/desk/sla";
import type { DeskConnection } from "./desk-socket";

export interface Boot {
  agent: { id: string; name: string; email: string; role: string };
  project: { id: string; name: string; publicKey: string };
}

export interface DeskConfig {
  replyTemplates: ReplyTemplate[];
  slaMinutes: SlaMinutes;
  botName: string;
}

export interface Toast {
  id: number;
  text: string;
  tone: "info" | "error";
}

export interface AppContext {
  boot: Boot;
  desk: DeskConnection;
  config: DeskConfig | null;
  navigate(path: string): void;
  toast(text: string, tone?: Toast["tone"]): void;
}

export const App = createContext<AppContext | null>(null);

export function useApp(): AppContext {
  const app = useContext(App);
  if (!app) throw new Error("useApp outside <App.Provider>");
  return app;
}

/** Re-renders whenever the desk socket changes something. */
export function useDesk(desk: DeskConnection) {
  const [, setTick] = useState(0);
  useEffect(() => desk.subscribe(() => setTick((t) => t + 1)), [desk]);
  return desk.state();
}

/** The current time, refreshed every `ms` (waiting times tick). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/** An in-app link: a plain click navigates inside the app; a modified click opens a tab as usual. */
export function link(navigate: (to: string) => void, to: string) {
  return (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
}

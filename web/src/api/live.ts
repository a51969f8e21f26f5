// One graphql-transport-ws connection per tab, authenticated in `connection_init` with the
// in-memory access token. After a 4403 (the token expired, or the session changed) the next
// attempt refreshes the token first; if the session is over, the page shows sign-in.
import { createClient, type Client } from "graphql-ws";
import { session } from "../session/session";

export type LiveState = "idle" | "connecting" | "connected" | "reconnecting";

type Listener = (state: LiveState) => void;

const listeners = new Set<Listener>();
let state: LiveState = "idle";
let refreshFirst = false;

function setState(next: LiveState): void {
  if (next === state) return;
  state = next;
  for (const listener of listeners) listener(next);
}

export function liveState(): LiveState {
  return state;
}

export function onLiveState(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Call `listener` each time the socket is back after being down (events may have been missed). */
export function onReconnected(listener: () => void): () => void {
  let wasDown = false;
  return onLiveState((next) => {
    if (next === "reconnecting") wasDown = true;
    else if (next === "connected" && wasDown) {
      wasDown = false;
      listener();
    }
  });
}

function socketUrl(): string {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${window.location.host}/graphql`;
}

export const liveClient: Client = createClient({
  url: socketUrl,
  lazy: true,
  lazyCloseTimeout: 3_000,
  retryAttempts: Number.POSITIVE_INFINITY,
  shouldRetry: () => session.status !== "signed-out",
  retryWait: async (retries) => {
    const delay = Math.min(1_000 * 2 ** retries, 10_000) * (0.5 + Math.random() / 2);
    await new Promise((resolve) => setTimeout(resolve, delay));
  },
  connectionParams: async () => {
    const token = refreshFirst ? (await session.refresh())?.token : await session.accessToken();
    refreshFirst = false;
    return token ? { Authorization: `Bearer ${token}` } : {};
  },
  on: {
    connected: () => setState("connected"),
    closed: (event) => {
      const code = (event as CloseEvent | undefined)?.code;
      if (code === 4403) refreshFirst = true;
      // 1000: the client closed an unused connection (lazy mode), nothing is lost.
      setState(code === 1000 ? "idle" : "reconnecting");
    },
  },
});

// Signing out ends every live feed of the old user.
session.subscribe((status) => {
  if (status === "signed-out") liveClient.terminate();
});

// The browser session. The refresh token lives only in an HttpOnly cookie that the server scopes
// to /auth/refresh; the access token lives only here, in memory, and is refreshed before it
// expires. Refreshes are serialized across tabs (Web Locks), because the server treats a refresh
// token presented twice as stolen and ends the session.
//
// Cookies are not isolated by port, so a tool on another port of this host may receive the
// cookie. The server also hands the page a binding proof at sign-in, kept in this origin's
// storage (isolated by port) and sent with each refresh: the cookie alone refreshes nothing.
import { stringifyDocument } from "@urql/core";
import { graphql } from "../gql";
import type { Problem } from "../ui/errors";

export const SESSION_HEADER = "X-Machete-Session";
const BINDING_HEADER = "X-Machete-Session-Binding";
const BINDING_KEY = "machete.session-binding";
const REFRESH_URL = "/auth/refresh";
const LOCK_NAME = "machete-session-refresh";
const CHANNEL_NAME = "machete-session";
// Refresh this long before expiry, or at 80% of the lifetime for short-lived tokens.
const REFRESH_MARGIN_MS = 60_000;

const SignInDocument = graphql(`
  mutation SignIn($input: SignInInput!) {
    signIn(input: $input) {
      accessToken
      accessTokenExpiresAt
      errors { code message field }
    }
  }
`);

const SignOutDocument = graphql(`
  mutation SignOut {
    signOut(input: {}) { errors { code message } }
  }
`);

export type SessionStatus = "unknown" | "signed-in" | "signed-out";

interface AccessToken {
  token: string;
  expiresAt: number;
}

type Listener = (status: SessionStatus) => void;

class BrowserSession {
  private access: AccessToken | null = null;
  private current: SessionStatus = "unknown";
  private refreshing: Promise<AccessToken | null> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<Listener>();
  private readonly channel =
    typeof BroadcastChannel === "undefined" ? null : new BroadcastChannel(CHANNEL_NAME);

  constructor() {
    this.channel?.addEventListener("message", (event: MessageEvent) => {
      // Another tab signed out: the session is over here too. Signed in: so are we.
      if (event.data === "signed-out") this.end(false);
      if (event.data === "signed-in" && this.current === "signed-out") void this.refresh();
    });
  }

  get status(): SessionStatus {
    return this.current;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** After a reload: the cookie, if any, buys a new access token. */
  async restore(): Promise<SessionStatus> {
    await this.refresh();
    return this.current;
  }

  /** A valid access token, refreshed first when it is about to expire; null when signed out. */
  async accessToken(): Promise<string | null> {
    if (this.access && this.access.expiresAt - Date.now() > 5_000) return this.access.token;
    if (this.current === "signed-out") return null;
    return (await this.refresh())?.token ?? null;
  }

  /** Spend the refresh cookie for a new access token (one refresh at a time, in all tabs). */
  refresh(): Promise<AccessToken | null> {
    this.refreshing ??= this.refreshUnderLock().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  async signIn(username: string, password: string): Promise<Problem[]> {
    const response = await fetch("/graphql", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", [SESSION_HEADER]: "cookie" },
      body: JSON.stringify({
        query: stringifyDocument(SignInDocument),
        variables: { input: { username, password } },
      }),
    });
    const body = await response.json();
    const payload = body?.data?.signIn;
    if (!payload) {
      return [{ code: "INTERNAL_ERROR", message: "Sign-in failed; try again." }];
    }
    if (payload.errors.length > 0) return payload.errors;
    const binding = response.headers.get(BINDING_HEADER);
    if (binding) localStorage.setItem(BINDING_KEY, binding);
    this.accept(payload.accessToken, payload.accessTokenExpiresAt, serverClockOffset(response));
    this.channel?.postMessage("signed-in");
    return [];
  }

  /** End the session on the server (cookie and access tokens), then here and in other tabs. */
  async signOut(): Promise<void> {
    const token = await this.accessToken();
    try {
      await fetch("/graphql", {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          [SESSION_HEADER]: "cookie",
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query: stringifyDocument(SignOutDocument) }),
      });
    } finally {
      this.end(true);
    }
  }

  private async refreshUnderLock(): Promise<AccessToken | null> {
    const run = () => this.exchangeCookie();
    if (typeof navigator !== "undefined" && navigator.locks) {
      return navigator.locks.request(LOCK_NAME, run);
    }
    return run();
  }

  private async exchangeCookie(): Promise<AccessToken | null> {
    let response: Response;
    try {
      response = await fetch(REFRESH_URL, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          [SESSION_HEADER]: "cookie",
          [BINDING_HEADER]: localStorage.getItem(BINDING_KEY) ?? "",
        },
        body: "{}",
      });
    } catch {
      // The server is unreachable: keep what we have and try again shortly.
      this.schedule(10_000);
      return this.access;
    }
    // 401: the session is over. 403: the server refuses this browser's refresh (another origin,
    // a proxy dropping the header); retrying would only keep the page waiting: sign in again.
    if (response.status === 401 || response.status === 403) {
      this.end(false);
      return null;
    }
    if (!response.ok) {
      this.schedule(10_000);
      return this.access;
    }
    const body = await response.json();
    this.accept(body.accessToken, body.accessTokenExpiresAt, serverClockOffset(response));
    return this.access;
  }

  /** `offsetMs`: how far this machine's clock is ahead of the server's (expiry is server time). */
  private accept(token: string, expiresAt: string, offsetMs: number): void {
    const expires = Date.parse(expiresAt) + offsetMs;
    this.access = { token, expiresAt: expires };
    const lifetime = Math.max(expires - Date.now(), 0);
    const early = lifetime > 2 * REFRESH_MARGIN_MS ? lifetime - REFRESH_MARGIN_MS : lifetime * 0.8;
    this.schedule(Math.max(early, 1_000));
    this.set("signed-in");
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), delayMs);
  }

  private end(broadcast: boolean): void {
    clearTimeout(this.timer);
    this.access = null;
    localStorage.removeItem(BINDING_KEY);
    if (broadcast) this.channel?.postMessage("signed-out");
    this.set("signed-out");
  }

  private set(status: SessionStatus): void {
    if (status === this.current) return;
    this.current = status;
    for (const listener of this.listeners) listener(status);
  }
}

/** The server's clock, read from its `Date` header, against ours (0 when it is not there). */
function serverClockOffset(response: Response): number {
  const date = Date.parse(response.headers.get("Date") ?? "");
  return Number.isNaN(date) ? 0 : Date.now() - date;
}

export const session = new BrowserSession();

// Opening a tool on its own host: the gateway sent the browser here, to
// /_machete/sign-in?return_to=<the tool's URL>&state=<...>, because that host has no pass yet.
// Once signed in here, the dashboard asks the server for a one-time ticket for that sign-in (its
// state is a cookie of the tool's host, so only this browser can spend the ticket) and follows
// the redirect it answers (the tool host's callback, which sets that host's pass and goes on to
// the page asked for).
import { session } from "../session/session";

export const TOOL_SIGN_IN_PATH = "/_machete/sign-in";
const TICKETS_URL = "/_machete/tickets";

/** The tool URL to go back to, when this page load is a tool's sign-in. */
export function toolReturnTo(location: Location = window.location): string | null {
  if (location.pathname !== TOOL_SIGN_IN_PATH) return null;
  return new URLSearchParams(location.search).get("return_to");
}

/** The state the gateway started this sign-in with (bound to a cookie of the tool's host). */
export function toolSignInState(location: Location = window.location): string {
  return new URLSearchParams(location.search).get("state") ?? "";
}

/** The host part of a URL, for telling the user where they are going. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** The callback URL to follow; throws with a message to show when the server refuses. */
export async function ticketRedirect(returnTo: string): Promise<string> {
  const token = await session.accessToken();
  if (!token) throw new Error("You are not signed in.");
  const response = await fetch(TICKETS_URL, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({ returnTo, state: toolSignInState() }),
  });
  const body = await response.json().catch(() => null);
  if (!response.ok || typeof body?.redirect !== "string") {
    throw new Error(body?.error?.message ?? "The server could not open this tool.");
  }
  return body.redirect;
}

// Every HTTP request from GraphiQL carries the browser session's access token, so a signed-in
// user never pastes one. A token the server no longer accepts (UNAUTHENTICATED) is refreshed
// once and the request retried; an Authorization header typed into GraphiQL's Headers tab wins,
// so API tokens can be tried out too.
import { session } from "../session/session";

function isUnauthenticated(body: unknown): boolean {
  const errors = (body as { errors?: { extensions?: { code?: string } }[] } | null)?.errors;
  return Array.isArray(errors) && errors.some((e) => e?.extensions?.code === "UNAUTHENTICATED");
}

async function send(input: RequestInfo | URL, init: RequestInit | undefined, token: string | null) {
  const headers = new Headers(init?.headers);
  if (token && !headers.has("Authorization")) headers.set("Authorization", `Bearer ${token}`);
  // The API authenticates by header only; the refresh cookie is scoped to /auth/refresh anyway.
  return fetch(input, { ...init, headers, credentials: "omit" });
}

export async function authorizedFetch(
  input: RequestInfo | URL,
  init?: RequestInit,
): Promise<Response> {
  const ownAuthorization = new Headers(init?.headers).has("Authorization");
  const response = await send(input, init, await session.accessToken());
  if (ownAuthorization || !response.headers.get("content-type")?.includes("json")) return response;
  const rejected = isUnauthenticated(await response.clone().json().catch(() => null));
  if (!rejected) return response;
  const fresh = await session.refresh();
  return fresh ? send(input, init, fresh.token) : response;
}

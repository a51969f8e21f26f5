import type { AdminApiTokenFragment } from "../../gql/graphql";

export type TokenState = "active" | "revoked" | "expired";

/** Whether a token still opens the API: not revoked and not past its expiry. */
export function tokenState(token: AdminApiTokenFragment, now: Date = new Date()): TokenState {
  if (token.revokedAt) return "revoked";
  if (token.expiresAt && new Date(token.expiresAt) <= now) return "expired";
  return "active";
}

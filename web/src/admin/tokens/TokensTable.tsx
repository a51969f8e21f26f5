import type { AdminApiTokenFragment } from "../../gql/graphql";
import { DateTime } from "../DateTime";
import { RevokeTokenButton } from "./RevokeTokenButton";
import { tokenState, type TokenState } from "./tokenState";

const BADGE: Record<TokenState, string> = { active: "ok", revoked: "bad", expired: "idle" };

/** The viewer's tokens with their state as a word; only active ones can be revoked. */
export function TokensTable({ tokens }: { tokens: readonly AdminApiTokenFragment[] }) {
  const now = new Date();
  return (
    <div className="table-wrap admin-stack">
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Status</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((token) => {
            const state = tokenState(token, now);
            return (
              <tr key={token.id}>
                <th scope="row" data-label="Name" className="admin-token-name">
                  {token.name}
                </th>
                <td data-label="Status">
                  <span>
                    <span className={`badge ${BADGE[state]}`}>{state}</span>
                    {token.revokedAt && (
                      <span className="muted">
                        {" "}
                        on <DateTime iso={token.revokedAt} />
                      </span>
                    )}
                  </span>
                </td>
                <td data-label="Created" className="admin-date">
                  <DateTime iso={token.createdAt} />
                </td>
                <td data-label="Expires" className="admin-date">
                  <DateTime iso={token.expiresAt} fallback="never" />
                </td>
                <td data-label="Last used" className="admin-date">
                  <DateTime iso={token.lastUsedAt} fallback="never" />
                </td>
                <td data-label="Actions">
                  <RevokeTokenButton token={token} active={state === "active"} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

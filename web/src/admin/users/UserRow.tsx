import { useEffect, useRef } from "react";
import type { AdminUserRowFragment } from "../../gql/graphql";
import { ErrorList } from "../../ui/errors";
import { DateTime } from "../DateTime";
import { UserActivationButton } from "./UserActivationButton";
import { UserRoleSelect } from "./UserRoleSelect";
import { useUserUpdate } from "./useUserUpdate";

/** One account: its facts, its role, its activation, and what became of the last change. */
export function UserRow({
  user,
  isSelf,
  focusOnMount = false,
}: {
  user: AdminUserRowFragment;
  isSelf: boolean;
  /** The first row "Load more" brought: focus moves here (the button may be gone). */
  focusOnMount?: boolean;
}) {
  const change = useUserUpdate(user.id);
  const header = useRef<HTMLTableCellElement>(null);
  useEffect(() => {
    if (focusOnMount) header.current?.focus();
  }, [focusOnMount]);
  return (
    <tr>
      <th scope="row" data-label="Username" ref={header} tabIndex={focusOnMount ? -1 : undefined}>
        <span>
          <span className="admin-username">{user.username}</span>
          {isSelf && <span className="muted"> (you)</span>}
        </span>
      </th>
      <td data-label="Email" className="admin-email">
        {user.email}
      </td>
      <td data-label="Role">
        <UserRoleSelect user={user} change={change} />
      </td>
      <td data-label="Status">
        <span className={`badge ${user.isActive ? "ok" : "idle"}`}>
          {user.isActive ? "active" : "deactivated"}
        </span>
      </td>
      <td data-label="Created" className="admin-date">
        <DateTime iso={user.createdAt} />
      </td>
      <td data-label="Actions">
        <div className="admin-row-actions">
          {isSelf ? (
            // Deactivating yourself would end this very session; another admin can do it.
            <span className="muted">You cannot deactivate your own account.</span>
          ) : (
            <UserActivationButton user={user} change={change} />
          )}
          <span role="status" className="admin-status">
            {change.status}
          </span>
          <ErrorList errors={change.problems} />
        </div>
      </td>
    </tr>
  );
}

import type { AdminUserRowFragment } from "../../gql/graphql";
import type { UserUpdate } from "./useUserUpdate";

/** Deactivate (ends the user's sessions; they cannot sign in) or reactivate an account. */
export function UserActivationButton({ user, change }: { user: AdminUserRowFragment; change: UserUpdate }) {
  const verb = user.isActive ? "Deactivate" : "Reactivate";
  function toggle() {
    // Not `disabled` while busy: a disabled button drops the keyboard focus.
    if (change.busy) return;
    const done = user.isActive ? `${user.username} is deactivated.` : `${user.username} is active again.`;
    void change.update({ isActive: !user.isActive }, done, user.isActive ? "Deactivating…" : "Reactivating…");
  }
  return (
    <button
      type="button"
      className={user.isActive ? "danger" : undefined}
      aria-disabled={change.busy || undefined}
      onClick={toggle}
    >
      {verb}
      <span className="visually-hidden"> {user.username}</span>
    </button>
  );
}

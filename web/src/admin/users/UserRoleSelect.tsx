import { useState } from "react";
import type { AdminUserRowFragment, Role } from "../../gql/graphql";
import { ROLES } from "../roles";
import type { UserUpdate } from "./useUserUpdate";

/** The user's role; choosing another saves it at once (the row's status line confirms it). */
export function UserRoleSelect({ user, change }: { user: AdminUserRowFragment; change: UserUpdate }) {
  // While saving, show the chosen role; afterwards the cache's (the old one if it was refused).
  // Never disabled while saving: a disabled control drops the keyboard focus.
  const [chosen, setChosen] = useState<Role | null>(null);
  const id = `admin-role-${user.id}`;

  async function choose(role: Role) {
    setChosen(role);
    await change.update({ role }, `Role saved: ${role}.`, "Saving role…");
    setChosen(null);
  }

  return (
    <>
      <label htmlFor={id} className="visually-hidden">
        Role for {user.username}
      </label>
      <select
        id={id}
        className="admin-role-select"
        value={chosen ?? user.role}
        aria-busy={change.busy || undefined}
        onChange={(e) => void choose(e.target.value as Role)}
      >
        {ROLES.map((role) => (
          <option key={role} value={role}>
            {role}
          </option>
        ))}
      </select>
    </>
  );
}

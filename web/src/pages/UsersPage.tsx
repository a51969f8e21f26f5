import { useState } from "react";
import "../admin/admin.css";
import { CreateUserForm } from "../admin/users/CreateUserForm";
import { UsersList } from "../admin/users/UsersList";
import { isAdmin, useViewer } from "../app/viewer";

/** `/admin/users`: admins create accounts, change roles and (de)activate them. */
export function UsersPage() {
  const viewer = useViewer();
  // Bumped after a user is created: the list asks the server again (new users come last).
  const [refresh, setRefresh] = useState(0);
  if (!isAdmin(viewer)) {
    return (
      <div className="admin-page">
        <h1>Users</h1>
        <p>Only admins manage users.</p>
      </div>
    );
  }
  return (
    <div className="admin-page">
      <h1>Users</h1>
      <CreateUserForm onCreated={() => setRefresh((n) => n + 1)} />
      <UsersList refresh={refresh} />
    </div>
  );
}

import { useCallback, useState } from "react";
import { UserRowsPage, type UsersPageState } from "./UserRowsPage";

/** Every account, oldest first, 50 at a time; "Load more" appends the next page. */
export function UsersList({ refresh }: { refresh: number }) {
  // The cursors of the pages after the first, in the order they were asked for.
  const [cursors, setCursors] = useState<string[]>([]);
  const [states, setStates] = useState<Record<string, UsersPageState>>({});
  const report = useCallback((after: string | null, state: UsersPageState) => {
    setStates((prev) => ({ ...prev, [after ?? ""]: state }));
  }, []);

  const keys = ["", ...cursors];
  const last = states[keys[keys.length - 1]];
  const loading = keys.some((key) => !states[key]?.loaded);
  const failed = keys.some((key) => states[key]?.failed);
  const nextCursor = last?.hasNextPage ? last.endCursor : null;

  return (
    <section aria-labelledby="admin-users-title">
      <h2 id="admin-users-title">All users</h2>
      <div className="table-wrap admin-stack">
        <table>
          <thead>
            <tr>
              <th scope="col">Username</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          {keys.map((key) => (
            <UserRowsPage
              key={key}
              after={key || null}
              focusFirstRow={key !== ""}
              refresh={refresh}
              onState={report}
            />
          ))}
        </table>
      </div>
      <p role="status" className="muted">
        {failed ? "The server did not answer; the list may be incomplete." : loading ? "Loading users…" : ""}
      </p>
      {nextCursor && (
        <div className="actions admin-more">
          <button
            type="button"
            aria-disabled={last.fetching || undefined}
            onClick={() => setCursors((prev) => (prev.includes(nextCursor) ? prev : [...prev, nextCursor]))}
          >
            Load more
          </button>
        </div>
      )}
    </section>
  );
}

import { useEffect, useRef } from "react";
import { useQuery } from "urql";
import { useViewer } from "../../app/viewer";
import { UsersListQuery } from "../documents";
import { UserRow } from "./UserRow";

export interface UsersPageState {
  /** The page's rows have come back (from the cache or the server). */
  loaded: boolean;
  hasNextPage: boolean;
  endCursor: string | null;
  fetching: boolean;
  failed: boolean;
}

interface Props {
  after: string | null;
  /** Asked for by "Load more": its first row takes the focus when it arrives. */
  focusFirstRow: boolean;
  /** Changes when the list must be asked for again (a user was created). */
  refresh: number;
  onState: (after: string | null, state: UsersPageState) => void;
}

/** One page of `users` (50 rows) as its own <tbody>; it tells the list where the next page starts. */
export function UserRowsPage({ after, focusFirstRow, refresh, onState }: Props) {
  const viewer = useViewer();
  const [{ data, fetching, error }, reexecute] = useQuery({ query: UsersListQuery, variables: { after } });

  useEffect(() => {
    onState(after, {
      loaded: Boolean(data),
      hasNextPage: data?.users.pageInfo.hasNextPage ?? false,
      endCursor: data?.users.pageInfo.endCursor ?? null,
      fetching,
      failed: Boolean(error) && !data,
    });
  }, [after, data, fetching, error, onState]);

  const refreshedFor = useRef(refresh);
  useEffect(() => {
    if (refresh === refreshedFor.current) return;
    refreshedFor.current = refresh;
    reexecute({ requestPolicy: "network-only" });
  }, [refresh, reexecute]);

  return (
    <tbody>
      {data?.users.nodes.map((user, index) => (
        <UserRow
          key={user.id}
          user={user}
          isSelf={user.id === viewer.id}
          focusOnMount={focusFirstRow && index === 0}
        />
      ))}
    </tbody>
  );
}

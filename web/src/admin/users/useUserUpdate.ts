import { useRef, useState } from "react";
import { useMutation } from "urql";
import type { UpdateUserInput } from "../../gql/graphql";
import type { Problem } from "../../ui/errors";
import { UpdateUserMutation } from "../documents";
import { problemsOf } from "../problems";

export interface UserUpdate {
  /** Sends the change; `done` is the confirmation shown when the API accepts it. */
  update: (change: Omit<UpdateUserInput, "id">, done: string, pending: string) => Promise<void>;
  busy: boolean;
  /** What the row says about its last change ("Saving…", "Role saved: ADMIN."). */
  status: string;
  problems: Problem[];
}

/** One user's row changes (role, activation): one status line and one error list per row. */
export function useUserUpdate(userId: string): UserUpdate {
  const [{ fetching }, updateUser] = useMutation(UpdateUserMutation);
  const [status, setStatus] = useState("");
  const [problems, setProblems] = useState<Problem[]>([]);
  // Only the latest change speaks in the status line (a keyboard user may pick several roles).
  const latest = useRef(0);

  async function update(change: Omit<UpdateUserInput, "id">, done: string, pending: string) {
    const call = ++latest.current;
    setStatus(pending);
    setProblems([]);
    const result = await updateUser({ input: { id: userId, ...change } });
    if (call !== latest.current) return;
    const payload = result.data?.updateUser;
    if (payload?.user && payload.errors.length === 0) {
      setStatus(done);
    } else {
      setStatus("");
      setProblems(problemsOf(result.error, payload));
    }
  }

  return { update, busy: fetching, status, problems };
}

import { useEffect, useSyncExternalStore } from "react";
import { session, type SessionStatus } from "../session/session";

/** The session's status; the first render after a reload restores it from the cookie. */
export function useSessionStatus(): SessionStatus {
  const status = useSyncExternalStore(
    (listener) => session.subscribe(listener),
    () => session.status,
  );
  useEffect(() => {
    if (session.status === "unknown") void session.restore();
  }, []);
  return status;
}

import { useSyncExternalStore } from "react";
import { liveState, onLiveState } from "../api/live";

/** Whether live updates are flowing; "reconnecting" while the socket is being re-established. */
export function LiveIndicator() {
  const state = useSyncExternalStore(onLiveState, liveState);
  if (state !== "reconnecting") return null;
  return (
    <span className="badge warn" role="status">
      reconnecting
    </span>
  );
}

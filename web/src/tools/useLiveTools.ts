// One subscription to every tool's status and health. The normalised cache applies each event to
// the cards by itself; this hook only notices events the list cannot place (a tool installed or
// uninstalled elsewhere, or one that left or joined the status filter) and asks for a refetch.
import { useEffect, useRef } from "react";
import { useSubscription } from "urql";
import { onReconnected } from "../api/live";
import type { ToolsPageCardFragment } from "../gql/graphql";
import { ToolsLiveSubscription } from "./documents";

// Events are kept in a short log so that two arriving in one render are both looked at.
const RECENT_EVENTS = 50;
// Several events in a burst (an install touches a tool many times) make one refetch.
const REFETCH_DELAY_MS = 300;

interface EventLog {
  total: number;
  recent: ToolsPageCardFragment[];
}

export function useLiveTools(needsRefetch: (tool: ToolsPageCardFragment) => boolean, refetch: () => void) {
  const [{ data }] = useSubscription(
    { query: ToolsLiveSubscription },
    (prev: EventLog | undefined, event): EventLog => ({
      total: (prev?.total ?? 0) + 1,
      recent: [...(prev?.recent ?? []), event.toolUpdated].slice(-RECENT_EVENTS),
    }),
  );

  const latest = useRef({ needsRefetch, refetch });
  latest.current = { needsRefetch, refetch };
  const timer = useRef<number | undefined>(undefined);
  const handled = useRef(0);

  const scheduleRefetch = useRef(() => {
    if (timer.current !== undefined) return;
    timer.current = window.setTimeout(() => {
      timer.current = undefined;
      latest.current.refetch();
    }, REFETCH_DELAY_MS);
  }).current;

  useEffect(() => () => window.clearTimeout(timer.current), []);

  useEffect(() => {
    if (!data) return;
    const unseen = Math.min(data.total - handled.current, data.recent.length);
    handled.current = data.total;
    if (unseen > 0 && data.recent.slice(-unseen).some(latest.current.needsRefetch)) scheduleRefetch();
  }, [data, scheduleRefetch]);

  // This feed sends no snapshot: after the socket was down, changes may have been missed.
  useEffect(() => onReconnected(scheduleRefetch), [scheduleRefetch]);
}

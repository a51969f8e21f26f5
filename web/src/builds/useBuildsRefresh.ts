// When the builds lists should ask the server again: a tool's status changed (a build started,
// moved on or ended), the live connection came back (events may have been missed), or a list
// saw a build come or go. Bursts make one refresh.
import { useCallback, useEffect, useRef, useState } from "react";
import { useSubscription } from "urql";
import { onReconnected } from "../api/live";
import { ToolsLiveSubscription } from "./documents";

const REFRESH_DELAY_MS = 300;
const RECENT_EVENTS = 50;

interface ToolEvents {
  total: number;
  recent: { id: string; status: string }[];
}

export interface BuildsRefresh {
  /** Bumped at each refresh; lists re-query when it changes. */
  refresh: number;
  requestRefresh: () => void;
}

export function useBuildsRefresh(): BuildsRefresh {
  const [refresh, setRefresh] = useState(0);
  const timer = useRef<number | undefined>(undefined);

  const requestRefresh = useCallback(() => {
    if (timer.current !== undefined) return;
    timer.current = window.setTimeout(() => {
      timer.current = undefined;
      setRefresh((n) => n + 1);
    }, REFRESH_DELAY_MS);
  }, []);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  // Health checks also send `toolUpdated`; only a change of status says a build moved. Events
  // are kept in a short log (the reducer stays pure) so two arriving in one render both count.
  const statuses = useRef(new Map<string, string>());
  const handled = useRef(0);
  const [{ data }] = useSubscription({ query: ToolsLiveSubscription }, (prev: ToolEvents | undefined, event) => ({
    total: (prev?.total ?? 0) + 1,
    recent: [...(prev?.recent ?? []), event.toolUpdated].slice(-RECENT_EVENTS),
  }));
  useEffect(() => {
    if (!data) return;
    const unseen = Math.min(data.total - handled.current, data.recent.length);
    handled.current = data.total;
    let changed = false;
    for (const tool of data.recent.slice(data.recent.length - unseen)) {
      if (statuses.current.get(tool.id) !== tool.status) changed = true;
      statuses.current.set(tool.id, tool.status);
    }
    if (changed) requestRefresh();
  }, [data, requestRefresh]);

  useEffect(() => onReconnected(requestRefresh), [requestRefresh]);

  return { refresh, requestRefresh };
}

/** Re-runs a query (from the network) each time `refresh` changes after the first render. */
export function useRefetchOn(refresh: number, refetch: (() => void) | null): void {
  const seen = useRef(refresh);
  const latest = useRef(refetch);
  latest.current = refetch;
  useEffect(() => {
    if (refresh === seen.current) return;
    seen.current = refresh;
    latest.current?.();
  }, [refresh]);
}

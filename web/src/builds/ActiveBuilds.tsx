// The builds queued or running now, newest first, each row following its build live. A build
// that ends leaves the list (and asks for a refresh, so the lists agree with the server).
import { useEffect, useMemo, useRef } from "react";
import { useQuery } from "urql";
import type { BuildsPageRowFragment } from "../gql/graphql";
import { BuildRow, BuildsTable, BuildsTableNote, LiveBuildRow } from "./BuildsTable";
import { ActiveBuildsQuery } from "./documents";
import { isActiveBuild } from "./format";
import { useRefetchOn } from "./useBuildsRefresh";

// Rows that hold a `buildUpdated` subscription each (the server caps them per connection).
const LIVE_ROWS = 20;
// A safety net for changes no event tells of (a build queued behind another).
const POLL_MS = 10_000;

interface ActiveBuildsProps {
  labelledBy: string;
  refresh: number;
  requestRefresh: () => void;
}

export function ActiveBuilds({ labelledBy, refresh, requestRefresh }: ActiveBuildsProps) {
  const [{ data, error }, reexecute] = useQuery({ query: ActiveBuildsQuery });
  const refetch = () => reexecute({ requestPolicy: "network-only" });
  useRefetchOn(refresh, refetch);

  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.visibilityState === "visible") reexecute({ requestPolicy: "network-only" });
    }, POLL_MS);
    return () => window.clearInterval(timer);
  }, [reexecute]);

  const listed: BuildsPageRowFragment[] = useMemo(() => {
    if (!data) return [];
    const all = [...data.queued.nodes, ...data.cloning.nodes, ...data.building.nodes, ...data.starting.nodes];
    const byId = new Map(all.map((build) => [build.id, build]));
    return [...byId.values()].sort((a, b) => b.queuedAt.localeCompare(a.queuedAt) || b.number - a.number);
  }, [data]);
  const active = listed.filter((build) => isActiveBuild(build.status));

  // The set of active builds changed (one ended, or a new one came): tell the other list too.
  const activeKey = active.map((build) => build.id).join(",");
  const someEnded = active.length !== listed.length;
  useEffect(() => {
    if (someEnded) requestRefresh();
  }, [someEnded, requestRefresh]);
  const previousKey = useRef<string | null>(null);
  useEffect(() => {
    if (!data) return;
    if (previousKey.current !== null && previousKey.current !== activeKey) requestRefresh();
    previousKey.current = activeKey;
  }, [data, activeKey, requestRefresh]);

  return (
    <BuildsTable labelledBy={labelledBy}>
      {!data && !error && <BuildsTableNote>Loading…</BuildsTableNote>}
      {!data && error && <BuildsTableNote alert>The active builds could not be loaded.</BuildsTableNote>}
      {data && active.length === 0 && <BuildsTableNote>No builds are queued or running.</BuildsTableNote>}
      {active.map((build, index) =>
        index < LIVE_ROWS ? <LiveBuildRow key={build.id} build={build} /> : <BuildRow key={build.id} build={build} />,
      )}
    </BuildsTable>
  );
}

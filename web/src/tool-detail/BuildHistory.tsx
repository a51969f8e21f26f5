// The tool's builds, newest first, ten at a time. Each page is its own query whose `after` is the
// previous page's end cursor as it is now: when a new build pushes the first page down, the
// second follows it, so no build falls between two pages.
import { useCallback, useEffect, useRef, useState } from "react";
import { useQuery } from "urql";
import type { ToolDetailBuildFragment } from "../gql/graphql";
import { StatusBadge } from "../ui/StatusBadge";
import { BuildLink } from "../builds/BuildLink";
import { CommitSha } from "./CommitSha";
import { ToolDetailBuildsQuery } from "./documents";
import { Time } from "./Time";
import { TableWrap } from "./TableWrap";

interface PageState {
  hasNextPage: boolean;
  loaded: boolean;
}

interface Props {
  toolId: string;
  currentBuildId: string | null;
  /** Changes when the tool's builds changed (a new one, one ended): the first page is asked again. */
  refreshKey: string;
}

export function BuildHistory({ toolId, currentBuildId, refreshKey }: Props) {
  const [pagesWanted, setPagesWanted] = useState(1);
  const [pages, setPages] = useState<Record<number, PageState>>({});
  const report = useCallback((index: number, state: PageState) => {
    setPages((prev) =>
      prev[index]?.hasNextPage === state.hasNextPage && prev[index]?.loaded === state.loaded
        ? prev
        : { ...prev, [index]: state },
    );
  }, []);
  const last = pages[pagesWanted - 1];
  const canLoadMore = Boolean(last?.loaded && last.hasNextPage);
  const loadingMore = pagesWanted > 1 && !last?.loaded;

  return (
    <section className="card detail-section" aria-labelledby="detail-history-title">
      <h2 id="detail-history-title">Build history</h2>
      <TableWrap label="Build history">
        <table className="detail-table">
          <thead>
            <tr>
              <th scope="col">Build</th>
              <th scope="col">Status</th>
              <th scope="col">Trigger</th>
              <th scope="col">Ref</th>
              <th scope="col">Commit</th>
              <th scope="col">Queued</th>
              <th scope="col">Finished</th>
            </tr>
          </thead>
          <BuildHistoryPage
            toolId={toolId}
            after={null}
            index={0}
            pagesWanted={pagesWanted}
            currentBuildId={currentBuildId}
            refreshKey={refreshKey}
            onReport={report}
          />
        </table>
      </TableWrap>
      {(canLoadMore || loadingMore) && (
        <div className="actions">
          <button
            type="button"
            onClick={() => canLoadMore && setPagesWanted((n) => n + 1)}
            aria-disabled={loadingMore || undefined}
          >
            {loadingMore ? "Loading…" : "Load more"}
          </button>
        </div>
      )}
    </section>
  );
}

interface PageProps {
  toolId: string;
  after: string | null;
  index: number;
  pagesWanted: number;
  currentBuildId: string | null;
  refreshKey: string;
  onReport: (index: number, state: PageState) => void;
}

function BuildHistoryPage(props: PageProps) {
  const { toolId, after, index, pagesWanted, currentBuildId, refreshKey, onReport } = props;
  const [{ data, error }, reexecute] = useQuery({
    query: ToolDetailBuildsQuery,
    variables: { id: toolId, after },
  });
  const connection = data?.tool?.builds;
  const builds = connection?.nodes ?? [];
  const hasNextPage = Boolean(connection?.pageInfo.hasNextPage && connection.pageInfo.endCursor);

  useEffect(() => {
    onReport(index, { hasNextPage, loaded: Boolean(connection) });
  }, [index, hasNextPage, connection, onReport]);

  // Only the first page learns of new builds by asking again; the later ones follow its cursor.
  const refreshedFor = useRef(refreshKey);
  useEffect(() => {
    if (index !== 0 || refreshKey === refreshedFor.current) return;
    refreshedFor.current = refreshKey;
    reexecute({ requestPolicy: "network-only" });
  }, [index, refreshKey, reexecute]);

  if (!connection) {
    return (
      <tbody>
        <tr>
          <td colSpan={7} className={error ? "detail-problem" : "muted"}>
            {error ? "The builds could not be loaded." : "Loading builds…"}
          </td>
        </tr>
      </tbody>
    );
  }
  return (
    <>
      <tbody>
        {index === 0 && builds.length === 0 && (
          <tr>
            <td colSpan={7} className="muted">
              No builds yet.
            </td>
          </tr>
        )}
        {builds.map((build) => (
          <BuildRow key={build.id} build={build} current={build.id === currentBuildId} />
        ))}
      </tbody>
      {hasNextPage && index + 1 < pagesWanted && (
        <BuildHistoryPage {...props} after={connection.pageInfo.endCursor ?? null} index={index + 1} />
      )}
    </>
  );
}

function BuildRow({ build, current }: { build: ToolDetailBuildFragment; current: boolean }) {
  return (
    <tr>
      <td className="detail-nowrap">
        <BuildLink build={build} />
        {current && <span className="detail-tag">current</span>}
      </td>
      <td>
        <StatusBadge status={build.status} />
      </td>
      <td>{build.trigger}</td>
      <td>{build.ref ? <code>{build.ref}</code> : <span className="muted">—</span>}</td>
      <td>
        <CommitSha sha={build.commitSha} />
      </td>
      <td className="detail-nowrap">
        <Time value={build.queuedAt} />
      </td>
      <td className="detail-nowrap">
        <Time value={build.finishedAt} />
      </td>
    </tr>
  );
}

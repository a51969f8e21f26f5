// Every build, newest first, 20 at a time with "Load more". Each page is its own query whose
// cursor is the previous page's end *as it is now*: when a refresh shifts the first page (a new
// build), the pages after it follow, so no build falls between two pages.
import { useEffect, useState } from "react";
import { useQuery } from "urql";
import { BuildRow, BuildsTable, BuildsTableNote } from "./BuildsTable";
import { RecentBuildsQuery } from "./documents";
import { useRefetchOn } from "./useBuildsRefresh";

interface Tail {
  hasNextPage: boolean;
  fetching: boolean;
}

export function RecentBuilds({ labelledBy, refresh }: { labelledBy: string; refresh: number }) {
  const [pageCount, setPageCount] = useState(1);
  const [tail, setTail] = useState<Tail>({ hasNextPage: false, fetching: true });
  return (
    <>
      <BuildsTable labelledBy={labelledBy}>
        <RecentPage after={null} index={0} pageCount={pageCount} refresh={refresh} onTail={setTail} />
      </BuildsTable>
      {tail.hasNextPage && (
        <p className="builds-more">
          <button type="button" onClick={() => setPageCount((n) => n + 1)} disabled={tail.fetching}>
            {tail.fetching ? "Loading…" : "Load more"}
          </button>
        </p>
      )}
    </>
  );
}

interface RecentPageProps {
  after: string | null;
  index: number;
  pageCount: number;
  refresh: number;
  onTail: (tail: Tail) => void;
}

function RecentPage({ after, index, pageCount, refresh, onTail }: RecentPageProps) {
  const [{ data, fetching, error }, reexecute] = useQuery({ query: RecentBuildsQuery, variables: { after } });
  // Only the first page is asked again; the later ones follow its cursor.
  useRefetchOn(refresh, index === 0 ? () => reexecute({ requestPolicy: "network-only" }) : null);

  const page = data?.builds;
  const endCursor = page?.pageInfo.endCursor ?? null;
  const hasNextPage = Boolean(page?.pageInfo.hasNextPage && endCursor);
  const isLast = index >= pageCount - 1 || !hasNextPage;
  useEffect(() => {
    if (isLast) onTail({ hasNextPage: index >= pageCount - 1 && hasNextPage, fetching: fetching && !page });
  }, [isLast, index, pageCount, hasNextPage, fetching, page, onTail]);

  if (!page) {
    if (error) return <BuildsTableNote alert>The builds could not be loaded.</BuildsTableNote>;
    return <BuildsTableNote>Loading…</BuildsTableNote>;
  }
  return (
    <>
      {index === 0 && page.nodes.length === 0 && <BuildsTableNote>No builds yet.</BuildsTableNote>}
      {page.nodes.map((build) => (
        <BuildRow key={build.id} build={build} />
      ))}
      {!isLast && endCursor && (
        <RecentPage after={endCursor} index={index + 1} pageCount={pageCount} refresh={refresh} onTail={onTail} />
      )}
    </>
  );
}

// The `tools` query, page after page: "Load more" adds a page fetched after the last one's
// cursor. Each page is its own urql query (so the normalised cache keeps every card live), run by
// a fetcher component that reports its result here, where the pages are joined in order.
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { useQuery } from "urql";
import type { ToolFilter, ToolsPageCardFragment } from "../gql/graphql";
import { TOOLS_PAGE_SIZE, ToolListQuery } from "./documents";

interface PageResult {
  tools: ToolsPageCardFragment[];
  hasNextPage: boolean;
  endCursor: string | null;
  fetching: boolean;
  failed: boolean;
}

interface Pages {
  filterKey: string;
  /** The cursors of the pages after the first, in order. */
  cursors: string[];
  results: Record<string, PageResult>;
}

export interface PagedTools {
  tools: ToolsPageCardFragment[];
  /** Nothing has come back yet for the first page. */
  loading: boolean;
  fetching: boolean;
  failed: boolean;
  hasNextPage: boolean;
  loadMore: () => void;
  /** Render these: they run the queries. */
  fetchers: ReactNode;
}

const FIRST_PAGE = "";

export function usePagedTools(filter: ToolFilter, refresh: number): PagedTools {
  const filterKey = JSON.stringify(filter);
  const [pages, setPages] = useState<Pages>({ filterKey, cursors: [], results: {} });
  // A new filter starts again from its first page (state derived during render, not in an effect,
  // so no frame shows the old filter's pages under the new one).
  let current = pages;
  if (pages.filterKey !== filterKey) {
    current = { filterKey, cursors: [], results: {} };
    setPages(current);
  }

  const report = useCallback((forFilter: string, after: string, result: PageResult) => {
    setPages((prev) =>
      prev.filterKey === forFilter ? { ...prev, results: { ...prev.results, [after]: result } } : prev,
    );
  }, []);

  const order = [FIRST_PAGE, ...current.cursors];
  const loaded: PageResult[] = [];
  for (const key of order) {
    const result = current.results[key];
    if (!result) break;
    loaded.push(result);
  }
  // A tool installed between two pages' fetches can be on both: show it once.
  const byId = new Map<string, ToolsPageCardFragment>();
  for (const tool of loaded.flatMap((page) => page.tools)) if (!byId.has(tool.id)) byId.set(tool.id, tool);
  const tools = [...byId.values()];
  const last = loaded.at(-1);
  const complete = loaded.length === order.length;

  const loadMore = () => {
    const cursor = last?.endCursor;
    if (!complete || !cursor || !last.hasNextPage) return;
    setPages((prev) =>
      prev.filterKey === filterKey && !prev.cursors.includes(cursor)
        ? { ...prev, cursors: [...prev.cursors, cursor] }
        : prev,
    );
  };

  return {
    tools,
    loading: loaded.length === 0,
    fetching: !complete || loaded.some((page) => page.fetching),
    failed: loaded.some((page) => page.failed),
    hasNextPage: complete && Boolean(last?.hasNextPage && last.endCursor),
    loadMore,
    fetchers: order.map((after) => (
      <ToolPageFetcher
        key={`${filterKey}|${after}`}
        filter={filter}
        filterKey={filterKey}
        after={after}
        refresh={refresh}
        onResult={report}
      />
    )),
  };
}

interface FetcherProps {
  filter: ToolFilter;
  filterKey: string;
  after: string;
  refresh: number;
  onResult: (filterKey: string, after: string, result: PageResult) => void;
}

function ToolPageFetcher({ filter, filterKey, after, refresh, onResult }: FetcherProps) {
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: ToolListQuery,
    variables: { filter, first: TOOLS_PAGE_SIZE, after: after || null },
  });

  useEffect(() => {
    if (!data && !error) return;
    onResult(filterKey, after, {
      tools: data?.tools.nodes ?? [],
      hasNextPage: data?.tools.pageInfo.hasNextPage ?? false,
      endCursor: data?.tools.pageInfo.endCursor ?? null,
      fetching,
      failed: Boolean(error) && !data,
    });
  }, [data, fetching, error, filterKey, after, onResult]);

  // The live feed saw a tool this list does not know (installed, uninstalled, or now matching
  // the filter): ask the server again rather than guess where it belongs.
  const refreshedFor = useRef(refresh);
  useEffect(() => {
    if (refresh === refreshedFor.current) return;
    refreshedFor.current = refresh;
    reexecute({ requestPolicy: "network-only" });
  }, [refresh, reexecute]);

  return null;
}

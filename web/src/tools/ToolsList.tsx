// The Tools page's body: filters, then the cards by category (or why there are none), kept live.
import { useMemo, useState } from "react";
import { useQuery } from "urql";
import type { ToolsPageCardFragment } from "../gql/graphql";
import { ToolCategoriesQuery } from "./documents";
import { FirstToolHelp, NoMatch } from "./FirstToolHelp";
import { compareCategories } from "./groupByCategory";
import { ToolFiltersBar } from "./ToolFiltersBar";
import { ToolGroups } from "./ToolGroups";
import { useLiveTools } from "./useLiveTools";
import { usePagedTools } from "./usePagedTools";
import { useToolFilters } from "./useToolFilters";
import "./tools.css";

export function ToolsList() {
  const filters = useToolFilters();
  const [refresh, setRefresh] = useState(0);
  const paged = usePagedTools(filters.filter, refresh);
  const [categoriesResult, reexecuteCategories] = useQuery({ query: ToolCategoriesQuery });

  const categories = useMemo(() => {
    const present = new Set<string>();
    for (const tool of categoriesResult.data?.tools.nodes ?? []) if (tool.category) present.add(tool.category);
    return [...present].sort(compareCategories);
  }, [categoriesResult.data]);

  const known = useMemo(() => new Set(paged.tools.map((tool) => tool.id)), [paged.tools]);
  const wanted = filters.filter.status;
  useLiveTools(
    (tool: ToolsPageCardFragment) =>
      !known.has(tool.id) || tool.desiredState === "REMOVED" || (wanted != null && tool.status !== wanted),
    () => {
      setRefresh((n) => n + 1);
      reexecuteCategories({ requestPolicy: "network-only" });
    },
  );

  // Before the first install there is nothing to search or filter.
  const nothingInstalled = categoriesResult.data?.tools.nodes.length === 0 && paged.tools.length === 0;
  return (
    <>
      {!(nothingInstalled && !filters.active) && <ToolFiltersBar filters={filters} categories={categories} />}
      {paged.fetchers}
      <span id="tools-new-tab" className="visually-hidden">
        Opens in a new tab
      </span>
      <ToolsListBody filtersActive={filters.active} onClear={filters.clear} paged={paged} />
    </>
  );
}

interface BodyProps {
  filtersActive: boolean;
  onClear: () => void;
  paged: ReturnType<typeof usePagedTools>;
}

function ToolsListBody({ filtersActive, onClear, paged }: BodyProps) {
  if (paged.loading) {
    return (
      <p aria-busy="true" className="muted">
        Loading tools…
      </p>
    );
  }
  if (paged.failed && paged.tools.length === 0) {
    return <p role="alert" className="error-box">The tools could not be loaded. Reload the page to try again.</p>;
  }
  if (paged.tools.length === 0) {
    return filtersActive ? <NoMatch onClear={onClear} /> : <FirstToolHelp />;
  }
  return (
    <div aria-busy={paged.fetching}>
      <p className="visually-hidden" role="status">
        {paged.tools.length === 1 ? "1 tool" : `${paged.tools.length} tools`}
        {paged.hasNextPage ? ", more to load" : ""}
      </p>
      <ToolGroups tools={paged.tools} />
      {paged.hasNextPage && (
        <div className="actions tools-more">
          <button type="button" onClick={paged.loadMore} disabled={paged.fetching}>
            Load more
          </button>
        </div>
      )}
    </div>
  );
}

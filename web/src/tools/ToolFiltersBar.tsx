import type { ToolStatus } from "../gql/graphql";
import { TOOL_STATUSES, asToolStatus } from "./statuses";
import type { ToolFilters } from "./useToolFilters";

/** Search, status and category: each change narrows the `tools` query (and the URL). */
export function ToolFiltersBar({ filters, categories }: { filters: ToolFilters; categories: string[] }) {
  // A category from the URL stays choosable even when no tool has it any more.
  const offered = filters.category && !categories.includes(filters.category)
    ? [...categories, filters.category]
    : categories;
  return (
    <form role="search" className="toolbar tools-filters" aria-label="Filter tools" onSubmit={(e) => e.preventDefault()}>
      <div>
        <label htmlFor="tools-search">Search</label>
        <input
          id="tools-search"
          type="search"
          value={filters.searchText}
          onChange={(e) => filters.setSearchText(e.target.value)}
          placeholder="Name or description"
          autoComplete="off"
        />
      </div>
      <div>
        <label htmlFor="tools-status">Status</label>
        <select
          id="tools-status"
          value={filters.status ?? ""}
          onChange={(e) => filters.setStatus(asToolStatus(e.target.value) satisfies ToolStatus | null)}
        >
          <option value="">All</option>
          {TOOL_STATUSES.map((status) => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="tools-category">Category</label>
        <select
          id="tools-category"
          value={filters.category ?? ""}
          onChange={(e) => filters.setCategory(e.target.value || null)}
        >
          <option value="">All</option>
          {offered.map((category) => (
            <option key={category} value={category}>
              {category}
            </option>
          ))}
        </select>
      </div>
    </form>
  );
}

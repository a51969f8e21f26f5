// The Tools page's search and filters, kept in the URL (?q=&status=&category=) so a reload or a
// shared link shows the same list. The search box updates the URL (and so the query) only after
// the user pauses typing.
import { useEffect, useMemo, useRef, useState } from "react";
import { useSearchParams } from "wouter";
import type { ToolFilter, ToolStatus } from "../gql/graphql";
import { asToolStatus } from "./statuses";

const SEARCH_DEBOUNCE_MS = 250;

export interface ToolFilters {
  /** What the search box shows (may be ahead of the URL while typing). */
  searchText: string;
  setSearchText: (text: string) => void;
  status: ToolStatus | null;
  setStatus: (status: ToolStatus | null) => void;
  category: string | null;
  setCategory: (category: string | null) => void;
  /** The filter as the `tools` query takes it, from the URL. */
  filter: ToolFilter;
  active: boolean;
  clear: () => void;
}

export function useToolFilters(): ToolFilters {
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const status = asToolStatus(params.get("status"));
  const category = params.get("category") || null;
  const [searchText, setSearchText] = useState(q);
  // The last search this hook wrote to the URL: a URL that differs was changed by other means
  // (Clear filters, the back button), and the box then follows it.
  const written = useRef(q);

  useEffect(() => {
    if (q === written.current) return;
    written.current = q;
    setSearchText(q);
  }, [q]);

  useEffect(() => {
    const wanted = searchText.trim() ? searchText : "";
    if (wanted === q) return undefined;
    const timer = window.setTimeout(() => {
      written.current = wanted;
      setParams((prev) => withParam(prev, "q", wanted || null), { replace: true });
    }, SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [searchText, q, setParams]);

  const filter = useMemo<ToolFilter>(
    () => ({ search: q.trim() || null, status, category }),
    [q, status, category],
  );

  return {
    searchText,
    setSearchText,
    status,
    setStatus: (next) => setParams((prev) => withParam(prev, "status", next), { replace: true }),
    category,
    setCategory: (next) => setParams((prev) => withParam(prev, "category", next), { replace: true }),
    filter,
    active: Boolean(filter.search || status || category),
    clear: () => {
      setSearchText("");
      setParams(new URLSearchParams(), { replace: true });
    },
  };
}

function withParam(prev: URLSearchParams, key: string, value: string | null): URLSearchParams {
  const next = new URLSearchParams(prev);
  if (value) next.set(key, value);
  else next.delete(key);
  return next;
}

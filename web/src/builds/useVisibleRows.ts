// Which rows of a fixed-height list are in view, from the scroll area's offset and height. For
// rows of one height this is arithmetic: nothing is kept or recomputed per row, so it costs the
// same for 100,000 lines as for ten (a general virtualiser re-measures every row as the list
// grows, which a replaying log would make it do every frame).
import { useCallback, useLayoutEffect, useState, type RefObject } from "react";

export interface VisibleRows {
  /** The first row at least partly in view. */
  first: number;
  /** How many rows fit in the view, plus one for a row cut at the edge. */
  rows: number;
}

// Until the scroll area is measured (before the first paint): about as many as it shows.
const UNMEASURED: VisibleRows = { first: 0, rows: 31 };

export function useVisibleRows(
  scrollRef: RefObject<HTMLElement | null>,
  rowHeight: number,
): VisibleRows & { measure: () => void } {
  const [visible, setVisible] = useState<VisibleRows>(UNMEASURED);

  const measure = useCallback(() => {
    const element = scrollRef.current;
    if (!element) return;
    const first = Math.floor(element.scrollTop / rowHeight);
    const rows = Math.ceil(element.clientHeight / rowHeight) + 1;
    setVisible((current) => (current.first === first && current.rows === rows ? current : { first, rows }));
  }, [scrollRef, rowHeight]);

  useLayoutEffect(() => {
    measure();
    const element = scrollRef.current;
    if (!element || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => measure());
    observer.observe(element);
    return () => observer.disconnect();
  }, [scrollRef, measure]);

  return { ...visible, measure };
}

// The log's lines, virtualised: only the rows on screen (plus some overscan) are in the DOM, all
// of one fixed height, so a 100,000-line log scrolls and grows as cheaply as a short one.
import { useVirtualizer } from "@tanstack/react-virtual";
import { memo, type CSSProperties, type RefObject } from "react";
import type { HeldLine, LogStore } from "./logStore";
import { lineView } from "./terminalText";

/** Matches `.builds-line` in builds.css. */
export const LINE_HEIGHT = 20;
const OVERSCAN = 30;

const STREAM_CLASS: Record<HeldLine["stream"], string> = {
  STDOUT: "builds-line",
  STDERR: "builds-line builds-stderr",
  SYSTEM: "builds-line builds-system",
};

const LogLineRow = memo(function LogLineRow({ line, top }: { line: HeldLine; top: number }) {
  line.view ??= lineView(line.text);
  return (
    <div className={STREAM_CLASS[line.stream]} data-seq={line.seq} style={{ transform: `translateY(${top}px)` }}>
      <span className="builds-seq" aria-hidden="true">
        {line.seq}
      </span>
      <span className="builds-text">
        {line.view.map((span, i) => (
          <span key={i} className={span.className || undefined}>
            {span.text}
          </span>
        ))}
      </span>
    </div>
  );
});

interface LogLinesProps {
  store: LogStore;
  /** How many of the store's lines to show (the store may hold more, not drawn yet). */
  count: number;
  scrollRef: RefObject<HTMLDivElement | null>;
  onScroll: () => void;
  emptyText: string;
}

export function LogLines({ store, count, scrollRef, onScroll, emptyText }: LogLinesProps) {
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => LINE_HEIGHT,
    getItemKey: (index) => store.lines[index]?.seq ?? -index,
    overscan: OVERSCAN,
  });
  const lastSeq = count > 0 ? store.lines[count - 1].seq : 0;
  const gutter = { "--builds-gutter": `${String(lastSeq).length}ch` } as CSSProperties;
  return (
    // Focusable so that keyboard users can scroll it; a log, but not a live region (a screen
    // reader would read every line as it streams).
    <div
      ref={scrollRef}
      className="builds-log-scroll"
      tabIndex={0}
      role="log"
      aria-live="off"
      aria-label="Log lines"
      onScroll={onScroll}
      style={gutter}
    >
      {count === 0 ? (
        <p className="builds-log-empty muted">{emptyText}</p>
      ) : (
        <div className="builds-log-lines" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((item) => (
            <LogLineRow key={item.key} line={store.lines[item.index]} top={item.start} />
          ))}
        </div>
      )}
    </div>
  );
}

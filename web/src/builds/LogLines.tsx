// The log's lines, windowed: only the rows in view (plus some overscan) are in the DOM, all of one
// fixed height, so a 100,000-line log scrolls and grows as cheaply as a short one.
//
// The rows are keyed by their place in the window, not by seq: when the window moves (each redraw
// while a replay is followed) React rewrites the text of the rows it has instead of building new
// elements for each line that passes by, and the rows never change order in the DOM. How a line
// is drawn (colours, `\r`) is worked out only for the rows shown, and forgotten once off screen.
import { memo, useRef, type CSSProperties, type RefObject } from "react";
import type { LogStream } from "../gql/graphql";
import type { LogStore } from "./logStore";
import { lineView, type LineView } from "./terminalText";
import { useVisibleRows } from "./useVisibleRows";

/** Matches `.builds-line` in builds.css. */
export const LINE_HEIGHT = 20;
const OVERSCAN = 20;

const STREAM_CLASS: Record<LogStream, string> = {
  STDOUT: "builds-line",
  STDERR: "builds-line builds-stderr",
  SYSTEM: "builds-line builds-system",
};

interface LogLineRowProps {
  seq: number;
  stream: LogStream;
  view: LineView;
}

const LogLineRow = memo(function LogLineRow({ seq, stream, view }: LogLineRowProps) {
  return (
    <div className={STREAM_CLASS[stream]} data-seq={seq}>
      <span className="builds-seq" aria-hidden="true">
        {seq}
      </span>
      <span className="builds-text">
        {view.map((span, i) => (
          <span key={i} className={span.className || undefined}>
            {span.text}
          </span>
        ))}
      </span>
    </div>
  );
});

/** The views of the rows last drawn, by seq: a row still in the window is not parsed again. */
function useLineViews(store: LogStore): (index: number) => LineView {
  const drawn = useRef(new Map<number, LineView>());
  const previous = drawn.current;
  const current = new Map<number, LineView>();
  drawn.current = current;
  return (index) => {
    const seq = store.seqAt(index);
    const view = previous.get(seq) ?? lineView(store.textAt(index));
    current.set(seq, view);
    return view;
  };
}

interface LogLinesProps {
  store: LogStore;
  /** How many of the store's lines to show (the store may hold more, not drawn yet). */
  count: number;
  /** Kept at the end by the caller (useFollowEnd): show the last lines without waiting for the
   * scroll that follows this render. */
  following: boolean;
  scrollRef: RefObject<HTMLDivElement | null>;
  onScroll: () => void;
  emptyText: string;
}

export function LogLines({ store, count, following, scrollRef, onScroll, emptyText }: LogLinesProps) {
  const visible = useVisibleRows(scrollRef, LINE_HEIGHT);
  const viewOf = useLineViews(store);
  const first = following ? Math.max(0, count - visible.rows) : Math.min(visible.first, count);
  const start = Math.max(0, first - OVERSCAN);
  const end = Math.min(count, first + visible.rows + OVERSCAN);

  const rows = [];
  for (let index = start; index < end; index += 1) {
    rows.push(
      <LogLineRow
        key={index - start}
        seq={store.seqAt(index)}
        stream={store.streamAt(index)}
        view={viewOf(index)}
      />,
    );
  }
  const lastSeq = count > 0 ? store.seqAt(count - 1) : 0;
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
      onScroll={() => {
        onScroll();
        visible.measure();
      }}
      style={gutter}
    >
      {count === 0 ? (
        <p className="builds-log-empty muted">{emptyText}</p>
      ) : (
        <div className="builds-log-lines" style={{ height: count * LINE_HEIGHT }}>
          <div className="builds-log-window" style={{ transform: `translateY(${start * LINE_HEIGHT}px)` }}>
            {rows}
          </div>
        </div>
      )}
    </div>
  );
}

// The tool's container output, live: the last 200 lines, then new ones as they come. Shown only
// to maintainers and admins (the API refuses viewers: output can echo configuration).
import Anser from "anser";
import { memo, useLayoutEffect, useRef, type UIEvent } from "react";
import { useSubscription } from "urql";
import type { ToolDetailLogsSubscription } from "../gql/graphql";
import { ToolDetailLogsSubscription as LogsSubscription } from "./documents";

type Line = ToolDetailLogsSubscription["toolLogs"][number];

const MAX_LINES = 5_000;
const NO_LINES: Line[] = [];
// "At the end" allows for a line's height of rounding, so following survives zoom levels.
const AT_END_SLACK_PX = 24;

function append(prev: Line[] | undefined, event: ToolDetailLogsSubscription): Line[] {
  const batch = event.toolLogs;
  const lines = prev ?? [];
  // The feed started over (the socket reconnected): it sent its tail again, numbered from 1.
  if (batch.length > 0 && batch[0].seq <= (lines.at(-1)?.seq ?? 0)) return batch.slice(-MAX_LINES);
  const joined = [...lines, ...batch];
  return joined.length > MAX_LINES ? joined.slice(-MAX_LINES) : joined;
}

export function ContainerOutput({ toolId }: { toolId: string }) {
  const [{ data, error }] = useSubscription({ query: LogsSubscription, variables: { id: toolId } }, append);
  const lines = data ?? NO_LINES;
  const box = useRef<HTMLDivElement>(null);
  const following = useRef(true);

  const onScroll = (event: UIEvent<HTMLDivElement>) => {
    const el = event.currentTarget;
    following.current = el.scrollHeight - el.scrollTop - el.clientHeight <= AT_END_SLACK_PX;
  };

  // Follow the end unless the reader scrolled up to read something.
  useLayoutEffect(() => {
    const el = box.current;
    if (el && following.current) el.scrollTop = el.scrollHeight;
  }, [lines]);

  return (
    <section className="card detail-section detail-output-section">
      <h2 id="detail-output-title">Container output</h2>
      <p className="muted detail-note">
        The last {MAX_LINES.toLocaleString("en")} lines at most; scroll up to stop following the end.
      </p>
      {error && (
        <p className="detail-problem" role="alert">
          The output could not be followed: {error.graphQLErrors[0]?.message ?? "the server did not answer"}.
        </p>
      )}
      <div
        ref={box}
        className="detail-output"
        role="region"
        aria-labelledby="detail-output-title"
        tabIndex={0}
        onScroll={onScroll}
      >
        {lines.length === 0 ? (
          <span className="muted">No output yet.</span>
        ) : (
          lines.map((line) => <OutputLine key={line.seq} line={line} />)
        )}
      </div>
    </section>
  );
}

// Memoised: a new batch re-renders only its own lines.
const OutputLine = memo(function OutputLine({ line }: { line: Line }) {
  return (
    <div className={line.stream === "STDERR" ? "detail-line detail-stderr" : "detail-line"}>
      {Anser.ansiToText(line.text)}
    </div>
  );
});

// A build's log, live: replayed from the start, then followed as the build writes it, resumed
// without gap or repeat after the connection drops, drawn as a terminal would (colours, `\r`
// progress lines), and downloadable exactly as held.
import { useRef } from "react";
import { useQuery } from "urql";
import { BuildLogNameQuery } from "./documents";
import { downloadText, logFileName } from "./downloadLog";
import { formatCount } from "./format";
import type { LogFeedStatus } from "./liveBuildLog";
import { LINE_HEIGHT, LogLines } from "./LogLines";
import { useFollowEnd } from "./useFollowEnd";
import { useLiveBuildLog } from "./useLiveBuildLog";
import "./builds.css";

export function BuildLog({ buildId }: { buildId: string }) {
  // Another build is another log: start from an empty store.
  return <BuildLogViewer key={buildId} buildId={buildId} />;
}

const EMPTY_TEXT: Record<LogFeedStatus, string> = {
  connecting: "Loading the log…",
  live: "No lines yet: the build has not written any.",
  reconnecting: "No lines yet.",
  finished: "This build wrote no log lines.",
  failed: "No lines.",
};

function BuildLogViewer({ buildId }: { buildId: string }) {
  const { store, count, status, problem } = useLiveBuildLog(buildId);
  const scrollRef = useRef<HTMLDivElement>(null);
  const { following, onScroll, jumpToEnd } = useFollowEnd(scrollRef, count, LINE_HEIGHT);
  const [{ data }] = useQuery({ query: BuildLogNameQuery, variables: { id: buildId } });

  const download = () => {
    const build = data?.build;
    downloadText(logFileName(buildId, build?.tool?.name, build?.number), store.rawText());
  };

  return (
    <section className="builds-log" aria-label="Build log">
      <div className="builds-log-toolbar">
        <span className="builds-log-count">{formatCount(count, "line", "lines")}</span>
        <p role="status" className="builds-log-status">
          {status === "reconnecting" && <span className="badge warn">reconnecting</span>}
          {status === "finished" && <span>Build finished: log complete</span>}
        </p>
        <span className="builds-log-actions">
          {!following && count > 0 && (
            <button type="button" onClick={jumpToEnd}>
              Jump to end
            </button>
          )}
          <button type="button" onClick={download} disabled={count === 0}>
            Download raw log
          </button>
        </span>
      </div>
      {problem && (
        <div role="alert" className="error-box">
          {problem}
        </div>
      )}
      <LogLines
        store={store}
        count={count}
        following={following}
        scrollRef={scrollRef}
        onScroll={onScroll}
        emptyText={EMPTY_TEXT[status]}
      />
    </section>
  );
}

// The build log as React sees it: the lines stay in a ref-held store, and a counter is bumped
// at most once per animation frame, however many chunks arrived in it.
import { useEffect, useState } from "react";
import { LiveBuildLog, type LogFeedStatus } from "./liveBuildLog";
import { LogStore } from "./logStore";

// A hidden tab runs no animation frames; lines still show (and count) within this.
const MAX_REDRAW_DELAY_MS = 250;

export interface LiveLog {
  store: LogStore;
  /** How many lines the store held when this render was scheduled. */
  count: number;
  status: LogFeedStatus;
  problem?: string;
}

export function useLiveBuildLog(buildId: string): LiveLog {
  const [store] = useState(() => new LogStore());
  const [count, setCount] = useState(0);
  const [feed, setFeed] = useState<{ status: LogFeedStatus; problem?: string }>({ status: "connecting" });

  useEffect(() => {
    let frame = 0;
    let timer = 0;
    const redraw = () => {
      window.cancelAnimationFrame(frame);
      window.clearTimeout(timer);
      frame = 0;
      timer = 0;
      setCount(store.lines.length);
    };
    const scheduleRedraw = () => {
      if (frame || timer) return;
      frame = window.requestAnimationFrame(redraw);
      timer = window.setTimeout(redraw, MAX_REDRAW_DELAY_MS);
    };
    const live = new LiveBuildLog(buildId, store, {
      lines: scheduleRedraw,
      status: (status, problem) => setFeed({ status, problem }),
    });
    live.start();
    return () => {
      live.stop();
      window.cancelAnimationFrame(frame);
      window.clearTimeout(timer);
    };
  }, [buildId, store]);

  return { store, count, status: feed.status, problem: feed.problem };
}

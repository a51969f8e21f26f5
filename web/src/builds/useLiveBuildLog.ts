// The build log as React sees it: the lines stay in a ref-held store, and a counter is bumped
// at most once per animation frame and once per MIN_REDRAW_INTERVAL_MS, however many chunks
// arrived meanwhile. Each redraw rewrites every row in view; unpaced, a replay's 200 chunks would
// mean 200 layouts (and their garbage) of lines that nobody can read at that speed.
import { useEffect, useState } from "react";
import { LiveBuildLog, type LogFeedStatus } from "./liveBuildLog";
import { LogStore } from "./logStore";

// A hidden tab runs no animation frames; lines still show (and count) within this.
const MAX_REDRAW_DELAY_MS = 250;
// Still ten redraws a second for a live build: as fast as anyone reads a log.
const MIN_REDRAW_INTERVAL_MS = 100;

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
    let lastRedraw = -Infinity;
    const cancel = () => {
      window.cancelAnimationFrame(frame);
      window.clearTimeout(timer);
      frame = 0;
      timer = 0;
    };
    const redraw = () => {
      cancel();
      lastRedraw = performance.now();
      setCount(store.size);
    };
    const redrawNextFrame = () => {
      frame = window.requestAnimationFrame(redraw);
      timer = window.setTimeout(redraw, MAX_REDRAW_DELAY_MS);
    };
    const scheduleRedraw = () => {
      if (frame || timer) return;
      const wait = lastRedraw + MIN_REDRAW_INTERVAL_MS - performance.now();
      if (wait <= 0) {
        redrawNextFrame();
      } else {
        timer = window.setTimeout(() => {
          timer = 0;
          redrawNextFrame();
        }, wait);
      }
    };
    const live = new LiveBuildLog(buildId, store, {
      lines: scheduleRedraw,
      status: (status, problem) => {
        // The last lines of a finished log are shown at once, not after the pacing delay.
        if ((status === "finished" || status === "failed") && (frame || timer)) redraw();
        setFeed({ status, problem });
      },
    });
    live.start();
    return () => {
      live.stop();
      cancel();
    };
  }, [buildId, store]);

  return { store, count, status: feed.status, problem: feed.problem };
}

// The tool's live feed (`toolUpdated`), run through the urql client so each event lands in the
// normalised cache and the whole page re-renders from there. urql's `useSubscription` does not
// say when a subscription completes, and completion is what tells this page that the tool was
// uninstalled, so the feed is followed here with wonka's `onEnd`.
//
// A feed also ends when the server shuts down, and ends with an error when it fell behind: so
// after an end the page asks whether the tool still exists, and either leaves (it is gone) or
// follows the feed again.
import { useEffect, useRef } from "react";
import { useClient, type CombinedError } from "urql";
import { onEnd, pipe, subscribe } from "wonka";
import { ToolDetailExistsQuery, ToolDetailLiveSubscription } from "./documents";

const RETRY_DELAY_MS = 2_000;

export function useToolFeed(toolId: string, onUninstalled: () => void) {
  const client = useClient();
  const latest = useRef(onUninstalled);
  latest.current = onUninstalled;

  useEffect(() => {
    let stopped = false;
    let unsubscribe: (() => void) | null = null;
    let retryTimer: number | undefined;

    const retryLater = () => {
      retryTimer = window.setTimeout(() => {
        if (!stopped) follow();
      }, RETRY_DELAY_MS);
    };

    const afterEnd = async (error: CombinedError | undefined) => {
      const answer = await client
        .query(ToolDetailExistsQuery, { id: toolId }, { requestPolicy: "network-only" })
        .toPromise();
      if (stopped) return;
      if (answer.data && answer.data.tool === null) {
        latest.current();
        return;
      }
      // Still there (the server stopped, or the feed lagged), or the server did not answer:
      // follow again; a feed's first event is the tool's current state, so nothing is missed.
      if (error || answer.error) retryLater();
      else follow();
    };

    function follow() {
      let lastError: CombinedError | undefined;
      const source = client.subscription(ToolDetailLiveSubscription, { id: toolId });
      const subscription = pipe(
        source,
        onEnd(() => {
          if (!stopped) void afterEnd(lastError);
        }),
        subscribe((result) => {
          lastError = result.error;
        }),
      );
      unsubscribe = subscription.unsubscribe;
    }

    follow();
    return () => {
      stopped = true;
      window.clearTimeout(retryTimer);
      unsubscribe?.();
    };
  }, [client, toolId]);
}

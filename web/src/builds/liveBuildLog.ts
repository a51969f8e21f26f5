// Follows one build's log over the shared graphql-ws connection, resuming where the held lines
// end. urql's useSubscription is not used: after a reconnect graphql-ws re-sends a
// subscription's original payload, whose `afterSeq` is stale by then, so this opens a new
// subscription from the last seq held instead. The store's seq check is the safety net.
import { stringifyDocument } from "@urql/core";
import type { FormattedExecutionResult } from "graphql";
import { liveClient } from "../api/live";
import type { BuildLogLiveSubscription } from "../gql/graphql";
import { BuildLogSubscription } from "./documents";
import type { LogStore } from "./logStore";

export type LogFeedStatus = "connecting" | "live" | "reconnecting" | "finished" | "failed";

export interface LogFeedListener {
  /** Lines were added to the store. */
  lines(): void;
  status(status: LogFeedStatus, problem?: string): void;
}

const QUERY = stringifyDocument(BuildLogSubscription);
// A gap that is still there after asking again this many times is taken as it is.
const GAP_RETRIES = 2;
// Resubscribing after the feed ended without `done` or the server dropped a slow reader.
const RETRY_MS = 1_000;
// Connected again but the build prints nothing: stop saying "reconnecting" after a while.
const QUIET_AFTER_RECONNECT_MS = 2_000;

type SubscriptionError = unknown;

function errorCode(error: SubscriptionError): string | undefined {
  if (!Array.isArray(error)) return undefined;
  const first = error[0] as { extensions?: { code?: unknown } } | undefined;
  return typeof first?.extensions?.code === "string" ? first.extensions.code : undefined;
}

function errorMessage(error: SubscriptionError): string {
  if (Array.isArray(error) && error.length > 0) {
    const message = (error[0] as { message?: unknown }).message;
    if (typeof message === "string" && message) return message;
  }
  if (error && typeof error === "object" && "code" in error && "reason" in error) {
    const { code, reason } = error as { code: number; reason: string };
    return `The live connection closed (${code}${reason ? `: ${reason}` : ""}).`;
  }
  return "The build log could not be followed.";
}

export class LiveBuildLog {
  private dispose: (() => void) | null = null;
  /** Bumped whenever a subscription is dropped, so its late callbacks are ignored. */
  private generation = 0;
  private subscribedAfter = 0;
  private gapRetries = 0;
  private current: LogFeedStatus = "connecting";
  private stopped = false;
  private readonly timers = new Set<number>();
  private readonly unlisten: Array<() => void> = [];

  constructor(
    private readonly buildId: string,
    private readonly store: LogStore,
    private readonly listener: LogFeedListener,
  ) {}

  start(): void {
    this.unlisten.push(
      liveClient.on("closed", () => this.socketClosed()),
      liveClient.on("connected", () => this.socketConnected()),
    );
    this.subscribe();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    for (const unlisten of this.unlisten.splice(0)) unlisten();
    for (const timer of this.timers) window.clearTimeout(timer);
    this.timers.clear();
  }

  private get ended(): boolean {
    return this.stopped || this.current === "finished" || this.current === "failed";
  }

  private setStatus(status: LogFeedStatus, problem?: string): void {
    if (status === this.current && !problem) return;
    this.current = status;
    this.listener.status(status, problem);
  }

  private later(ms: number, action: () => void): void {
    const timer = window.setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) action();
    }, ms);
    this.timers.add(timer);
  }

  private subscribe(): void {
    this.unsubscribe();
    const generation = this.generation;
    const isCurrent = () => generation === this.generation && !this.stopped;
    this.subscribedAfter = this.store.lastSeq;
    this.dispose = liveClient.subscribe<BuildLogLiveSubscription>(
      { query: QUERY, variables: { buildId: this.buildId, afterSeq: this.subscribedAfter } },
      {
        next: (result) => {
          if (isCurrent()) this.receive(result);
        },
        error: (error) => {
          if (isCurrent()) this.failed(error);
        },
        complete: () => {
          if (isCurrent()) this.completed();
        },
      },
    );
  }

  private unsubscribe(): void {
    this.generation += 1;
    const dispose = this.dispose;
    this.dispose = null;
    dispose?.();
  }

  private receive(result: FormattedExecutionResult<BuildLogLiveSubscription, unknown>): void {
    const chunk = result.data?.buildLog;
    if (!chunk) {
      this.failed(result.errors ?? []);
      return;
    }
    const { added, gap } = this.store.append(chunk.lines, this.gapRetries >= GAP_RETRIES);
    if (added > 0) this.listener.lines();
    if (gap) {
      // A missing seq: ask again from the last line held rather than show a hole.
      this.gapRetries += 1;
      this.subscribe();
      return;
    }
    if (added > 0) this.gapRetries = 0;
    if (chunk.done) {
      this.unsubscribe();
      this.setStatus("finished");
      return;
    }
    if (chunk.lines.length > 0 || this.current === "connecting") this.setStatus("live");
  }

  private socketClosed(): void {
    if (this.ended || !this.dispose) return;
    this.setStatus("reconnecting");
    // graphql-ws will re-send this subscription's payload once connected again; if lines came
    // since it was sent, that payload's `afterSeq` is stale: replace the subscription. (On the
    // next tick: the client forgets the closed socket only after every `closed` listener ran.)
    if (this.store.lastSeq !== this.subscribedAfter) {
      this.unsubscribe();
      this.later(0, () => {
        if (!this.ended && !this.dispose) this.subscribe();
      });
    }
  }

  private socketConnected(): void {
    if (this.current !== "reconnecting") return;
    this.later(QUIET_AFTER_RECONNECT_MS, () => {
      if (this.current === "reconnecting") this.setStatus("live");
    });
  }

  private failed(error: SubscriptionError): void {
    if (errorCode(error) === "FEED_LAGGED") {
      // The server dropped this reader for falling behind; it may simply ask again.
      this.unsubscribe();
      this.later(RETRY_MS, () => this.subscribe());
      return;
    }
    this.unsubscribe();
    this.setStatus("failed", errorMessage(error));
  }

  private completed(): void {
    // Ended without `done` (the server went away between chunks): follow again.
    this.dispose = null;
    if (this.ended) return;
    this.later(RETRY_MS, () => {
      if (!this.ended && !this.dispose) this.subscribe();
    });
  }
}

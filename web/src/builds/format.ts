// How the build pages write numbers, times, commits and statuses.
import type { BuildStatus } from "../gql/graphql";

const COUNT = new Intl.NumberFormat("en-US");
const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

export function formatCount(count: number, one: string, many: string): string {
  return `${COUNT.format(count)} ${count === 1 ? one : many}`;
}

export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : DATE_TIME.format(date);
}

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

const ACTIVE: ReadonlySet<BuildStatus> = new Set(["QUEUED", "CLONING", "BUILDING", "STARTING"]);

/** Queued or running: not ended yet, so it can still be cancelled. */
export function isActiveBuild(status: BuildStatus): boolean {
  return ACTIVE.has(status);
}

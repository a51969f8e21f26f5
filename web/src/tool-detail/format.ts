// Small formatting helpers shared by the page's sections.
import type { BuildStatus, ToolStatus } from "../gql/graphql";

export function shortSha(sha: string | null | undefined): string | null {
  return sha ? sha.slice(0, 7) : null;
}

const ACTIVE_BUILD: ReadonlySet<BuildStatus> = new Set(["QUEUED", "CLONING", "BUILDING", "STARTING"]);

/** A build that has not ended yet (it can be cancelled, and blocks a new one). */
export function isActiveBuild(status: BuildStatus | null | undefined): boolean {
  return status != null && ACTIVE_BUILD.has(status);
}

const CONTAINER_UP: ReadonlySet<ToolStatus> = new Set(["RUNNING", "UNHEALTHY", "STARTING"]);

/** The tool has a container that is (or is becoming) up: Stop and Restart make sense. */
export function isContainerUp(status: ToolStatus): boolean {
  return CONTAINER_UP.has(status);
}

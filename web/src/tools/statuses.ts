import type { ToolStatus } from "../gql/graphql";

// A record keyed by the generated union: adding a status to the schema fails the typecheck here
// until the filter offers it too.
const STATUS_ORDER: Record<ToolStatus, number> = {
  PENDING: 0,
  BUILDING: 1,
  STARTING: 2,
  RUNNING: 3,
  UNHEALTHY: 4,
  STOPPED: 5,
  FAILED: 6,
};

export const TOOL_STATUSES = (Object.keys(STATUS_ORDER) as ToolStatus[]).sort(
  (a, b) => STATUS_ORDER[a] - STATUS_ORDER[b],
);

export function asToolStatus(value: string | null): ToolStatus | null {
  return value !== null && value in STATUS_ORDER ? (value as ToolStatus) : null;
}

import type { ToolsPageCardFragment } from "../gql/graphql";

type HealthCheck = ToolsPageCardFragment["healthChecks"][number];

/** Today's checks by their time; older ones with their date too. */
function whenText(at: Date): string {
  return at.toDateString() === new Date().toDateString() ? at.toLocaleTimeString() : at.toLocaleString();
}

/** The latest health check, as words and a time. */
export function ToolHealth({ check }: { check: HealthCheck | undefined }) {
  if (!check) return <span className="muted">not checked yet</span>;
  const checkedAt = new Date(check.checkedAt);
  const detail = check.healthy
    ? check.latencyMs != null ? `${check.latencyMs} ms` : null
    : check.error || (check.statusCode != null ? `HTTP ${check.statusCode}` : null);
  return (
    <span>
      <span className={check.healthy ? "tools-healthy" : "tools-unhealthy"}>
        {check.healthy ? "healthy" : "unhealthy"}
      </span>{" "}
      <span className="muted">
        <span className="tools-when">
          at <time dateTime={check.checkedAt}>{whenText(checkedAt)}</time>
        </span>
        {detail ? ` (${detail})` : ""}
      </span>
    </span>
  );
}

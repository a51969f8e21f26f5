// A status shown as its own word (RUNNING, FAILED, ...), coloured by what it means. The text is
// the contract: tests and screen readers read the status, never the colour alone.
const TONE: Record<string, "ok" | "warn" | "bad" | "idle"> = {
  RUNNING: "ok",
  SUCCEEDED: "ok",
  UNHEALTHY: "warn",
  PENDING: "idle",
  QUEUED: "idle",
  STOPPED: "idle",
  CANCELLED: "idle",
  BUILDING: "warn",
  CLONING: "warn",
  STARTING: "warn",
  FAILED: "bad",
};

export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return (
    <span className={`badge ${TONE[status] ?? "idle"}`} aria-label={label ? `${label}: ${status}` : undefined}>
      {status}
    </span>
  );
}

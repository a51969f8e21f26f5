import { formatDateTime } from "./format";

/** A moment as the reader's local date and time, machine-readable in `dateTime`. */
export function BuildTime({ value }: { value: string | null | undefined }) {
  if (!value) return <span className="muted">—</span>;
  return <time dateTime={value}>{formatDateTime(value)}</time>;
}

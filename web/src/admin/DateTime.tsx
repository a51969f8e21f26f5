import { formatDateTime } from "./dates";

/** An instant in the reader's locale; `fallback` when there is none. */
export function DateTime({ iso, fallback = "—" }: { iso: string | null | undefined; fallback?: string }) {
  if (!iso) return <span className="muted">{fallback}</span>;
  return <time dateTime={iso}>{formatDateTime(iso)}</time>;
}

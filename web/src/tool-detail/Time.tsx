/** A moment as the reader's local date and time, machine-readable in `dateTime`. */
export function Time({ value }: { value: string | null | undefined }) {
  if (!value) return <span className="muted">—</span>;
  const date = new Date(value);
  return (
    <time dateTime={value} className="detail-time">
      {Number.isNaN(date.getTime()) ? value : date.toLocaleString()}
    </time>
  );
}

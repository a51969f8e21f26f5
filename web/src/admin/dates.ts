// Dates as the pages show them: in the browser's locale and time zone, with the exact instant
// kept in <time dateTime> for tools that read it.

export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** The last millisecond of a `YYYY-MM-DD` day in the browser's time zone, as an ISO instant. */
export function endOfDayIso(day: string): string {
  const [year, month, date] = day.split("-").map(Number);
  return new Date(year, month - 1, date, 23, 59, 59, 999).toISOString();
}

/** Today as `YYYY-MM-DD` in the browser's time zone (the earliest expiry a token can have). */
export function todayLocal(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

import { Link } from "wouter";

export function buildHref(id: string): string {
  return `/builds/${encodeURIComponent(id)}`;
}

/** A link to a build's page, named by its number ("Build #3"). */
export function BuildLink({ id, number, label }: { id: string; number: number; label?: string }) {
  return <Link href={buildHref(id)}>{label ?? `Build #${number}`}</Link>;
}

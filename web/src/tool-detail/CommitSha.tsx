import { shortSha } from "./format";

/** A commit as its short SHA; the full one in the title (and for screen readers, in the text). */
export function CommitSha({ sha }: { sha: string | null | undefined }) {
  const short = shortSha(sha);
  if (!sha || !short) return <span className="muted">—</span>;
  return (
    <code title={sha} className="detail-sha">
      {short}
    </code>
  );
}

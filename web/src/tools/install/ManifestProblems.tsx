import type { Problem } from "../../ui/errors";

const MANIFEST_FILE = "machete.yml";

export function isManifestProblem(problem: Problem): boolean {
  return problem.field?.[0] === MANIFEST_FILE;
}

/** `machete.yml` → `machete.port`: the key path inside the file. */
function keyPath(problem: Problem): string {
  return (problem.field ?? []).slice(1).join(".");
}

// The API's message repeats where the problem is ("machete.yml line 7, machete.port: ..."); the
// line and path are shown in their own columns, so only the rest is kept when it matches exactly.
function detail(problem: Problem): string {
  const path = keyPath(problem);
  const where = [problem.line != null ? `${MANIFEST_FILE} line ${problem.line}` : MANIFEST_FILE, path]
    .filter(Boolean)
    .join(", ");
  const prefix = `${where}: `;
  return problem.message.startsWith(prefix) ? problem.message.slice(prefix.length) : problem.message;
}

/** Every problem the check found in machete.yml, each with its line and key path. */
export function ManifestProblems({ problems }: { problems: readonly Problem[] }) {
  if (problems.length === 0) return null;
  return (
    <div role="alert" className="error-box install-manifest-problems">
      <p className="install-problems-title">
        {problems.length === 1 ? "1 problem" : `${problems.length} problems`} in <code>{MANIFEST_FILE}</code>:
      </p>
      <ul>
        {problems.map((problem, i) => (
          <li key={i}>
            {problem.line != null && <span className="line">line {problem.line}</span>}
            {problem.line != null && keyPath(problem) && " · "}
            {keyPath(problem) && <code className="path">{keyPath(problem)}</code>}
            {(problem.line != null || keyPath(problem)) && ": "}
            {detail(problem)}
          </li>
        ))}
      </ul>
    </div>
  );
}

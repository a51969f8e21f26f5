import { Link } from "wouter";
import { canOperate, useViewer } from "../app/viewer";

const EXAMPLE_MANIFEST = `name: hello-tool
description: Says hello
machete:
  version: ">=1.0.0"
  category: testing
  port: 8080
  health_check: /health`;

/** No tool is installed yet: what a tool is, and how to install the first one. */
export function FirstToolHelp() {
  const viewer = useViewer();
  return (
    <section className="card tools-empty" aria-labelledby="tools-empty-title">
      <h2 id="tools-empty-title">No tools yet</h2>
      <p>
        A tool is a Git repository with a <code>Dockerfile</code> and a <code>machete.yml</code>.
        MACHETE clones it, checks the manifest, builds the image and runs it, watching its health.
      </p>
      <p>A minimal <code>machete.yml</code>:</p>
      <pre className="tools-example" tabIndex={0} aria-label="Example machete.yml">
        {EXAMPLE_MANIFEST}
      </pre>
      <p className="muted">
        The tool listens on the port in its <code>PORT</code> variable and answers the{" "}
        <code>health_check</code> path with a 2xx status when it is healthy.
      </p>
      {canOperate(viewer) ? (
        <p>
          <Link href="/install" className="button primary">
            Install tool
          </Link>
        </p>
      ) : (
        <p>Viewers cannot install tools: ask a maintainer or an admin to install one.</p>
      )}
    </section>
  );
}

/** Tools exist, but none matches the search and filters. */
export function NoMatch({ onClear }: { onClear: () => void }) {
  return (
    <section className="card tools-empty" aria-labelledby="tools-no-match">
      <h2 id="tools-no-match">No tools match</h2>
      <p>No installed tool matches this search and these filters.</p>
      <button type="button" onClick={onClear}>
        Clear filters
      </button>
    </section>
  );
}

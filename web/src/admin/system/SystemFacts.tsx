import type { AdminSystemInfoQuery } from "../../gql/graphql";
import { Reachable } from "./Reachable";

type System = AdminSystemInfoQuery["system"];

function Unknown() {
  return <span className="muted">unknown</span>;
}

/** The platform, its database, Docker, git and the build worker: one card of facts each. */
export function SystemFacts({ system }: { system: System }) {
  const { database, docker, git, worker, gateway } = system;
  return (
    <div className="grid admin-system">
      <section className="card" aria-labelledby="admin-system-platform">
        <h2 id="admin-system-platform">MACHETE</h2>
        <dl className="facts">
          <dt>Version</dt>
          <dd>{system.version}</dd>
          <dt>Mode</dt>
          <dd>{system.mode}</dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="admin-system-database">
        <h2 id="admin-system-database">Database</h2>
        <dl className="facts">
          <dt>Status</dt>
          <dd>
            <Reachable reachable={database.reachable} label="Database" />
          </dd>
          <dt>Dialect</dt>
          <dd>{database.dialect}</dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="admin-system-docker">
        <h2 id="admin-system-docker">Docker</h2>
        <dl className="facts">
          <dt>Status</dt>
          <dd>
            <Reachable reachable={docker.reachable} label="Docker" />
          </dd>
          <dt>Version</dt>
          <dd>{docker.version ?? <Unknown />}</dd>
          <dt>Network mode</dt>
          <dd>{docker.networkMode ?? <Unknown />}</dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="admin-system-git">
        <h2 id="admin-system-git">Git</h2>
        <dl className="facts">
          <dt>Version</dt>
          <dd>{git.version ?? <span className="muted">not found</span>}</dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="admin-system-gateway">
        <h2 id="admin-system-gateway">Gateway</h2>
        <dl className="facts">
          <dt>Mode</dt>
          <dd>{gateway.mode}</dd>
          {gateway.mode !== "off" ? (
            <>
              <dt>Status</dt>
              <dd>
                <Reachable reachable={gateway.reachable} label="Gateway" />
                {gateway.detail ? <span className="muted"> {gateway.detail}</span> : null}
              </dd>
              <dt>Dashboard</dt>
              <dd>{gateway.url ?? <Unknown />}</dd>
              <dt>Tools</dt>
              <dd>{gateway.toolUrlExample ?? <Unknown />}</dd>
            </>
          ) : (
            <>
              <dt>Tools</dt>
              <dd>on their own loopback ports</dd>
            </>
          )}
          {gateway.rootCertificatePath ? (
            <>
              <dt>Local CA</dt>
              <dd>
                <a href={gateway.rootCertificatePath} download>
                  Download the root certificate
                </a>
              </dd>
            </>
          ) : null}
        </dl>
      </section>
      <section className="card" aria-labelledby="admin-system-worker">
        <h2 id="admin-system-worker">Build worker</h2>
        <dl className="facts">
          <dt>Concurrency</dt>
          <dd>{worker.concurrency}</dd>
          <dt>Running builds</dt>
          <dd>{worker.runningBuilds}</dd>
        </dl>
      </section>
    </div>
  );
}

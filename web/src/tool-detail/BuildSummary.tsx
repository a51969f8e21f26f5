import type { ToolDetailBuildFragment, ToolDetailToolFragment } from "../gql/graphql";
import { StatusBadge } from "../ui/StatusBadge";
import { BuildLink } from "../builds/BuildLink";
import { CommitSha } from "./CommitSha";

function BuildFact({ build, none }: { build: ToolDetailBuildFragment | null; none: string }) {
  if (!build) return <span className="muted">{none}</span>;
  return (
    <span className="detail-build-fact">
      <BuildLink build={build}>Build #{build.number}</BuildLink> <StatusBadge status={build.status} />{" "}
      <CommitSha sha={build.commitSha} />
    </span>
  );
}

/** The build whose image runs, and the newest build (the same one unless a build is under way,
 * failed or was cancelled). */
export function BuildSummary({ tool }: { tool: ToolDetailToolFragment }) {
  return (
    <section className="card detail-section" aria-labelledby="detail-builds-title">
      <h2 id="detail-builds-title">Builds</h2>
      <dl className="facts">
        <dt>Current build</dt>
        <dd>
          <BuildFact build={tool.currentBuild} none="none yet (never built successfully)" />
        </dd>
        <dt>Latest build</dt>
        <dd>
          <BuildFact build={tool.latestBuild} none="none" />
        </dd>
      </dl>
    </section>
  );
}

// What a build is: its status, why it ran, what it built, and when.
import type { BuildPageBuildQuery } from "../gql/graphql";
import { StatusBadge } from "../ui/StatusBadge";
import { BuildTime } from "./BuildTime";
import { shortSha } from "./format";

type PageBuild = NonNullable<BuildPageBuildQuery["build"]>;

export function BuildFacts({ build }: { build: PageBuild }) {
  return (
    <dl className="facts">
      <dt>Status</dt>
      <dd>
        <StatusBadge status={build.status} />
      </dd>
      <dt>Trigger</dt>
      <dd>{build.trigger}</dd>
      <dt>Ref</dt>
      <dd>{build.ref ? <code>{build.ref}</code> : <span className="muted">default branch</span>}</dd>
      <dt>Commit</dt>
      <dd>
        {build.commitSha ? (
          <code title={build.commitSha}>{shortSha(build.commitSha)}</code>
        ) : (
          <span className="muted">not cloned yet</span>
        )}
      </dd>
      <dt>Queued</dt>
      <dd>
        <BuildTime value={build.queuedAt} />
      </dd>
      <dt>Started</dt>
      <dd>
        <BuildTime value={build.startedAt} />
      </dd>
      <dt>Finished</dt>
      <dd>
        <BuildTime value={build.finishedAt} />
      </dd>
    </dl>
  );
}

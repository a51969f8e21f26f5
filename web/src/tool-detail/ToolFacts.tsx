import type { ToolDetailToolFragment } from "../gql/graphql";
import { CommitSha } from "./CommitSha";
import { Time } from "./Time";

/** Where the tool comes from and how it is deployed. */
export function ToolFacts({ tool }: { tool: ToolDetailToolFragment }) {
  return (
    <section className="card detail-section" aria-labelledby="detail-facts-title">
      <h2 id="detail-facts-title">Details</h2>
      <dl className="facts detail-facts">
        <dt>Desired state</dt>
        <dd>{tool.desiredState}</dd>
        <dt>Repository</dt>
        <dd>
          <code className="detail-wrap">{tool.repoUrl}</code>
        </dd>
        <dt>Ref</dt>
        <dd>{tool.ref ? <code>{tool.ref}</code> : <span className="muted">default branch</span>}</dd>
        <dt>Subdirectory</dt>
        <dd>{tool.subdir ? <code className="detail-wrap">{tool.subdir}</code> : <span className="muted">none</span>}</dd>
        <dt>Commit</dt>
        <dd>
          <CommitSha sha={tool.commitSha} />
        </dd>
        <dt>Host port</dt>
        <dd>{tool.hostPort}</dd>
        <dt>Address</dt>
        <dd>
          <code className="detail-wrap">{tool.url}</code>
        </dd>
        <dt>Created</dt>
        <dd>
          <Time value={tool.createdAt} />
        </dd>
        <dt>Updated</dt>
        <dd>
          <Time value={tool.updatedAt} />
        </dd>
      </dl>
    </section>
  );
}

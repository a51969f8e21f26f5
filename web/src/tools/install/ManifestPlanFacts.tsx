import type { ValidateManifestMutation } from "../../gql/graphql";

export type ManifestPlan = NonNullable<ValidateManifestMutation["validateManifest"]["plan"]>;

function listOrNone(items: readonly string[]) {
  if (items.length === 0) return <span className="muted">none</span>;
  return (
    <ul className="install-inline-list">
      {items.map((item) => (
        <li key={item}>
          <code>{item}</code>
        </li>
      ))}
    </ul>
  );
}

/** What installing would do, as the dry run reported it. */
export function ManifestPlanFacts({ plan }: { plan: ManifestPlan }) {
  return (
    <dl className="facts">
      <dt>Name</dt>
      <dd>{plan.name}</dd>
      <dt>Image</dt>
      <dd><code>{plan.image}</code></dd>
      <dt>Commit</dt>
      <dd><code title={plan.commitSha}>{plan.commitSha.slice(0, 12)}</code></dd>
      <dt>Category</dt>
      <dd>{plan.category}</dd>
      <dt>Port</dt>
      <dd>{plan.port}</dd>
      <dt>Health check</dt>
      <dd><code>{plan.healthCheck}</code></dd>
      <dt>Environment keys</dt>
      <dd>{listOrNone(plan.environmentKeys)}</dd>
      <dt>Volumes</dt>
      <dd>{listOrNone(plan.volumes)}</dd>
      <dt>Memory</dt>
      <dd>{plan.memoryMib} MiB</dd>
      <dt>CPUs</dt>
      <dd>{plan.cpus}</dd>
      <dt>Pids limit</dt>
      <dd>{plan.pidsLimit}</dd>
    </dl>
  );
}

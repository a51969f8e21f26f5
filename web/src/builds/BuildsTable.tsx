// A list of builds as a table (stacked into cards on a phone, see builds.css).
import type { ReactNode } from "react";
import { useSubscription } from "urql";
import { Link } from "wouter";
import type { BuildsPageRowFragment } from "../gql/graphql";
import { StatusBadge } from "../ui/StatusBadge";
import { BuildLink } from "./BuildLink";
import { BuildTime } from "./BuildTime";
import { BuildRowLiveSubscription } from "./documents";
import "./builds.css";

export function BuildsTable({ labelledBy, children }: { labelledBy: string; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table className="builds-table" aria-labelledby={labelledBy}>
        <thead>
          <tr>
            <th scope="col">Tool</th>
            <th scope="col">Build</th>
            <th scope="col">Status</th>
            <th scope="col">Trigger</th>
            <th scope="col">Queued</th>
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** A row standing for something other than a build: loading, empty, failed. */
export function BuildsTableNote({ children, alert = false }: { children: ReactNode; alert?: boolean }) {
  return (
    <tr>
      <td colSpan={5} role={alert ? "alert" : undefined} className={alert ? "error-box" : "muted"}>
        {children}
      </td>
    </tr>
  );
}

export function BuildRow({ build }: { build: BuildsPageRowFragment }) {
  return (
    <tr>
      <td data-label="Tool" className="builds-col-tool">
        {build.tool ? (
          <Link href={`/tools/${encodeURIComponent(build.tool.name)}`}>{build.tool.name}</Link>
        ) : (
          <span className="muted">removed tool</span>
        )}
      </td>
      <td data-label="Build">
        <BuildLink build={build} />
      </td>
      <td data-label="Status">
        <StatusBadge status={build.status} />
      </td>
      <td data-label="Trigger">{build.trigger}</td>
      <td data-label="Queued" className="builds-col-time">
        <BuildTime value={build.queuedAt} />
      </td>
    </tr>
  );
}

/** A row that follows its build's status live (each event lands in the normalised cache). */
export function LiveBuildRow({ build }: { build: BuildsPageRowFragment }) {
  useSubscription({ query: BuildRowLiveSubscription, variables: { buildId: build.id } });
  return <BuildRow build={build} />;
}

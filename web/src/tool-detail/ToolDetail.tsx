// The tool detail page: one query for the tool by name, kept live by its `toolUpdated` feed (and
// by its latest build's feed while that runs); every section reads the same cached Tool.
import { useCallback } from "react";
import { useQuery } from "urql";
import { Link, useLocation } from "wouter";
import { canOperate, isAdmin, useViewer } from "../app/viewer";
import type { ToolDetailToolFragment } from "../gql/graphql";
import { BuildHistory } from "./BuildHistory";
import { BuildSummary } from "./BuildSummary";
import { ContainerOutput } from "./ContainerOutput";
import { ToolDetailQuery } from "./documents";
import { EnvironmentSection } from "./EnvironmentSection";
import { HealthHistory } from "./HealthHistory";
import { SecretsSection } from "./SecretsSection";
import { SharingSection } from "./SharingSection";
import { ToolActions } from "./ToolActions";
import { ToolFacts } from "./ToolFacts";
import { ToolHeader } from "./ToolHeader";
import { useLatestBuildFeed } from "./useLatestBuildFeed";
import { useToolFeed } from "./useToolFeed";
import "./tool-detail.css";

export function ToolDetail({ name }: { name: string }) {
  const [{ data, error, fetching }] = useQuery({ query: ToolDetailQuery, variables: { name } });
  const tool = data?.tool;
  if (tool) return <LiveToolDetail tool={tool} />;
  if (data && !tool) {
    return (
      <div className="detail-missing">
        <h1>No tool named {name}</h1>
        <p>
          It may have been uninstalled. <Link href="/">Back to the tools list</Link>
        </p>
      </div>
    );
  }
  if (error && !fetching) {
    return (
      <div className="detail-missing">
        <h1>{name}</h1>
        <p role="alert" className="error-box">
          The tool could not be loaded: {error.graphQLErrors[0]?.message ?? "the server did not answer"}.
        </p>
        <p>
          <Link href="/">Back to the tools list</Link>
        </p>
      </div>
    );
  }
  return (
    <div aria-busy="true">
      <h1>{name}</h1>
      <p className="muted">Loading…</p>
    </div>
  );
}

function LiveToolDetail({ tool }: { tool: ToolDetailToolFragment }) {
  const viewer = useViewer();
  const operator = canOperate(viewer);
  const [, navigate] = useLocation();
  const leave = useCallback(() => navigate("/"), [navigate]);
  useToolFeed(tool.id, leave);
  useLatestBuildFeed(tool.latestBuild);
  // What changes when a build is added, ends, or becomes the one running.
  const buildsKey = [tool.latestBuild?.id, tool.latestBuild?.status, tool.currentBuild?.id].join("|");

  return (
    <div className="detail-page">
      <ToolHeader tool={tool} />
      <div className="detail-columns">
        <div className="detail-column">
          {operator && <ToolActions tool={tool} buildsKey={buildsKey} onUninstalled={leave} />}
          <BuildSummary tool={tool} />
        </div>
        <div className="detail-column">
          <ToolFacts tool={tool} />
          <SharingSection tool={tool} canSetAccess={operator} canSetDomains={isAdmin(viewer)} />
        </div>
      </div>
      <BuildHistory toolId={tool.id} currentBuildId={tool.currentBuild?.id ?? null} refreshKey={buildsKey} />
      <div className="detail-columns">
        <div className="detail-column">
          <HealthHistory checks={tool.healthChecks} />
          {operator && <ContainerOutput toolId={tool.id} />}
        </div>
        <div className="detail-column">
          <EnvironmentSection tool={tool} editable={operator} />
          <SecretsSection tool={tool} editable={operator} />
        </div>
      </div>
    </div>
  );
}

import type { CSSProperties } from "react";
import type { ToolDetailToolFragment } from "../gql/graphql";
import { StatusBadge } from "../ui/StatusBadge";

// Tool.color is already vetted by the API; checking again keeps this the one place a manifest
// value reaches a style, and only as a custom property's value.
const HEX_COLOUR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
const WEB_URL = /^https?:\/\//;

/** The tool's name (the page's h1), what it is, how it is doing, and where it answers. */
export function ToolHeader({ tool }: { tool: ToolDetailToolFragment }) {
  const style = tool.color && HEX_COLOUR.test(tool.color)
    ? ({ "--detail-accent": tool.color } as CSSProperties)
    : undefined;
  const latestCheck = tool.healthChecks[0];
  return (
    <header className="card detail-header" style={style}>
      <div className="detail-title">
        {tool.icon && (
          <span className="detail-icon" aria-hidden="true">
            {tool.icon}
          </span>
        )}
        <h1>{tool.name}</h1>
        <StatusBadge status={tool.status} label="Status" />
      </div>
      {tool.description ? (
        <p className="detail-description">{tool.description}</p>
      ) : (
        <p className="detail-description muted">No description.</p>
      )}
      <p className="detail-summary">
        <span>
          Desired state: <strong>{tool.desiredState}</strong>
        </span>
        <span>
          Health:{" "}
          {latestCheck ? (
            <strong className={latestCheck.healthy ? "detail-healthy" : "detail-unhealthy"}>
              {latestCheck.healthy ? "healthy" : "unhealthy"}
            </strong>
          ) : (
            <span className="muted">not checked yet</span>
          )}
        </span>
        {WEB_URL.test(tool.url) && (
          <span>
            <a href={tool.url} target="_blank" rel="noopener noreferrer">
              Open {tool.name}
            </a>{" "}
            <span className="muted detail-url">{tool.url.replace(WEB_URL, "")} (opens in a new tab)</span>
          </span>
        )}
      </p>
    </header>
  );
}

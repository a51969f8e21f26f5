import type { CSSProperties } from "react";
import { Link } from "wouter";
import type { ToolsPageCardFragment } from "../gql/graphql";
import { StatusBadge } from "../ui/StatusBadge";
import { ToolHealth } from "./ToolHealth";

// The API only returns hex colours here; checking again keeps this the one place a manifest
// value reaches a style, and only ever as a custom property's value.
const HEX_COLOUR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
const WEB_URL = /^https?:\/\//;

export function ToolCard({ tool }: { tool: ToolsPageCardFragment }) {
  const style = tool.color && HEX_COLOUR.test(tool.color)
    ? ({ "--tools-accent": tool.color } as CSSProperties)
    : undefined;
  const headingId = `tool-card-${tool.id}`;
  return (
    <article className="card tools-card" style={style} aria-labelledby={headingId}>
      <div className="tools-card-head">
        {tool.icon && (
          <span className="tools-icon" aria-hidden="true">
            {tool.icon}
          </span>
        )}
        <h3 id={headingId}>
          <Link href={`/tools/${encodeURIComponent(tool.name)}`}>{tool.name}</Link>
        </h3>
      </div>
      {tool.description ? (
        <p className="tools-description">{tool.description}</p>
      ) : (
        <p className="tools-description muted">No description.</p>
      )}
      <dl className="facts tools-facts">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={tool.status} />
        </dd>
        <dt>Health</dt>
        <dd>
          <ToolHealth check={tool.healthChecks[0]} />
        </dd>
      </dl>
      {WEB_URL.test(tool.url) && (
        <p className="tools-open">
          <a href={tool.url} target="_blank" rel="noopener noreferrer" aria-describedby="tools-new-tab">
            Open {tool.name}
          </a>{" "}
          <span className="muted tools-url">{tool.url.replace(WEB_URL, "")}</span>
        </p>
      )}
    </article>
  );
}

import { useEffect, useRef } from "react";
import { Link } from "wouter";
import { BuildLog } from "../../builds/BuildLog";
import { BuildPhases } from "../../builds/BuildPhases";

export interface Installed {
  toolName: string;
  buildId: string;
  buildNumber: number;
}

/** After Install: the build as it runs (phases and live log) and where to follow the tool. */
export function InstallProgress({ installed }: { installed: Installed }) {
  const heading = useRef<HTMLHeadingElement>(null);
  // The page changed below the form: take keyboard and screen-reader users to it.
  useEffect(() => heading.current?.focus(), [installed.buildId]);
  return (
    <section className="install-progress" aria-labelledby="install-progress-title">
      <h2 id="install-progress-title" ref={heading} tabIndex={-1}>
        Installing {installed.toolName}
      </h2>
      <p className="actions">
        <Link href={`/tools/${encodeURIComponent(installed.toolName)}`}>Tool page: {installed.toolName}</Link>
        <Link href={`/builds/${encodeURIComponent(installed.buildId)}`}>Build #{installed.buildNumber}</Link>
      </p>
      <BuildPhases buildId={installed.buildId} />
      <BuildLog buildId={installed.buildId} />
    </section>
  );
}

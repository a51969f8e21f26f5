// Where a build's page is, and a link to it, for any page that lists builds.
import type { ReactNode } from "react";
import { Link } from "wouter";

/** The path of a build's page: `/builds/<global ID, URL-encoded>`. */
export function buildPath(buildId: string): string {
  return `/builds/${encodeURIComponent(buildId)}`;
}

interface BuildLinkProps {
  build: { id: string; number: number; tool?: { name: string } | null };
  children?: ReactNode;
}

/** "#12" on screen; "<tool> build #12" for screen readers, which hear links out of context. */
export function BuildLink({ build, children }: BuildLinkProps) {
  return (
    <Link href={buildPath(build.id)}>
      {children ?? (
        <>
          <span className="visually-hidden">{build.tool ? `${build.tool.name} build ` : "Build "}</span>#
          {build.number}
        </>
      )}
    </Link>
  );
}

// One build: what it is, its phases live, its log live, and (for operators) Cancel.
import { useQuery } from "urql";
import { Link } from "wouter";
import { BuildFacts } from "../builds/BuildFacts";
import { BuildLog } from "../builds/BuildLog";
import { BuildPhases } from "../builds/BuildPhases";
import { CancelBuildButton } from "../builds/CancelBuildButton";
import { BuildPageQuery } from "../builds/documents";
import "../builds/builds.css";

export function BuildPage({ id }: { id: string }) {
  const [{ data, error, fetching }] = useQuery({ query: BuildPageQuery, variables: { id } });
  const build = data?.build;

  if (!build) {
    if (fetching || (!data && !error)) {
      return (
        <p className="muted" aria-busy="true">
          Loading the build…
        </p>
      );
    }
    return (
      <>
        <h1>Build not found</h1>
        <p role={error ? "alert" : undefined}>
          {error ? "The server did not answer." : "There is no build with this ID, or it was removed with its tool."}
        </p>
        <p>
          <Link href="/builds">All builds</Link>
        </p>
      </>
    );
  }

  return (
    <>
      <div className="builds-page-head">
        <div className="builds-heading">
          <h1>
            {build.tool ? (
              <Link href={`/tools/${encodeURIComponent(build.tool.name)}`}>{build.tool.name}</Link>
            ) : (
              <span>Removed tool</span>
            )}{" "}
            build #{build.number}
          </h1>
        </div>
        <p className="muted">
          <Link href="/builds">All builds</Link>
        </p>
      </div>
      <BuildFacts build={build} />
      <CancelBuildButton buildId={build.id} status={build.status} />
      <h2>Phases</h2>
      <BuildPhases buildId={build.id} />
      <h2>Log</h2>
      <BuildLog buildId={build.id} />
    </>
  );
}

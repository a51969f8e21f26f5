// Every tool's builds: those queued or running now, live, and the recent ones, page by page.
import { ActiveBuilds } from "../builds/ActiveBuilds";
import { RecentBuilds } from "../builds/RecentBuilds";
import { useBuildsRefresh } from "../builds/useBuildsRefresh";
import "../builds/builds.css";

export function BuildsPage() {
  const { refresh, requestRefresh } = useBuildsRefresh();
  return (
    <>
      <h1>Builds</h1>
      <section aria-labelledby="builds-active-title">
        <h2 id="builds-active-title">Active builds</h2>
        <ActiveBuilds labelledBy="builds-active-title" refresh={refresh} requestRefresh={requestRefresh} />
      </section>
      <section aria-labelledby="builds-recent-title">
        <h2 id="builds-recent-title">Recent builds</h2>
        <RecentBuilds labelledBy="builds-recent-title" refresh={refresh} />
      </section>
    </>
  );
}

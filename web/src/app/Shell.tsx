import { useEffect } from "react";
import { useQuery } from "urql";
import { Link, Route, Switch } from "wouter";
import { onLiveState } from "../api/live";
import { graphql } from "../gql";
import { BuildPage } from "../pages/BuildPage";
import { BuildsPage } from "../pages/BuildsPage";
import { InstallPage } from "../pages/InstallPage";
import { NotFoundPage } from "../pages/NotFoundPage";
import { SystemPage } from "../pages/SystemPage";
import { TokensPage } from "../pages/TokensPage";
import { ToolPage } from "../pages/ToolPage";
import { ToolsPage } from "../pages/ToolsPage";
import { UsersPage } from "../pages/UsersPage";
import { session } from "../session/session";
import { LiveIndicator } from "../ui/LiveIndicator";
import { NavLink } from "../ui/NavLink";
import { canOperate, isAdmin, ViewerContext } from "./viewer";

const ViewerQuery = graphql(`
  query Viewer {
    viewer { id username role }
  }
`);

export function Shell() {
  const [{ data, error }, refetchViewer] = useQuery({
    query: ViewerQuery,
    requestPolicy: "network-only",
  });
  // A role change closes the live socket (4403): after it comes back, read the role again so
  // the page shows exactly the controls the new role may use.
  useEffect(
    () =>
      onLiveState((state) => {
        if (state === "connected") refetchViewer({ requestPolicy: "network-only" });
      }),
    [refetchViewer],
  );
  const viewer = data?.viewer ?? null;
  if (!viewer) {
    return (
      <main className="center" aria-busy={!error}>
        <p role={error ? "alert" : undefined}>{error ? "The server did not answer." : "Loading…"}</p>
      </main>
    );
  }
  return (
    <ViewerContext.Provider value={viewer}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand">
          MACHETE
        </Link>
        <nav aria-label="Main">
          <ul>
            <li><NavLink href="/">Tools</NavLink></li>
            <li><NavLink href="/builds">Builds</NavLink></li>
            {canOperate(viewer) && <li><NavLink href="/install">Install tool</NavLink></li>}
            <li><NavLink href="/tokens">API tokens</NavLink></li>
            {isAdmin(viewer) && <li><NavLink href="/admin/users">Users</NavLink></li>}
            <li><NavLink href="/system">System</NavLink></li>
            <li><a href="/graphql">GraphiQL</a></li>
          </ul>
        </nav>
        <div className="account">
          <LiveIndicator />
          <span className="muted">
            {viewer.username} · {viewer.role}
          </span>
          <button type="button" onClick={() => void session.signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Switch>
          <Route path="/" component={ToolsPage} />
          <Route path="/install" component={InstallPage} />
          <Route path="/tools/:name">{(params) => <ToolPage name={params.name} />}</Route>
          <Route path="/builds" component={BuildsPage} />
          <Route path="/builds/:id">{(params) => <BuildPage id={params.id} />}</Route>
          <Route path="/tokens" component={TokensPage} />
          <Route path="/admin/users" component={UsersPage} />
          <Route path="/system" component={SystemPage} />
          <Route component={NotFoundPage} />
        </Switch>
      </main>
    </ViewerContext.Provider>
  );
}

// The page at GET /graphql: GraphiQL for a signed-in user, a sign-in form otherwise. The session
// is the dashboard's (refresh cookie, access token in memory), restored on load.
import { useSessionStatus } from "../app/useSession";
import { Explorer } from "./Explorer";
import { PageHeader } from "./PageHeader";
import { SignInForm } from "./SignInForm";

export function GraphiQLPage() {
  const status = useSessionStatus();
  if (status === "unknown") {
    return (
      <main className="graphiql-page-center" id="main">
        <p role="status">Restoring your session…</p>
      </main>
    );
  }
  if (status === "signed-out") return <SignInForm />;
  return (
    <div className="graphiql-page">
      <PageHeader />
      <main className="graphiql-page-main" id="main">
        <Explorer />
      </main>
    </div>
  );
}

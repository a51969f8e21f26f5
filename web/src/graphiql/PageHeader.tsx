// The slim bar above GraphiQL: where you are, who the requests run as, the way back, sign-out.
import { useState } from "react";
import { session } from "../session/session";
import { useViewerSummary } from "./useViewerSummary";

export function PageHeader() {
  const viewer = useViewerSummary();
  const [signingOut, setSigningOut] = useState(false);

  async function signOut() {
    setSigningOut(true);
    try {
      await session.signOut();
    } finally {
      setSigningOut(false);
    }
  }

  return (
    <header className="graphiql-page-header">
      <h1>
        <span className="graphiql-page-brand">MACHETE</span> GraphiQL
      </h1>
      <nav aria-label="Site">
        <a href="/">Dashboard</a>
      </nav>
      <div className="graphiql-page-account">
        {viewer && (
          <span>
            Signed in as <strong>{viewer.username}</strong> ({viewer.role})
          </span>
        )}
        <button type="button" onClick={signOut} disabled={signingOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}

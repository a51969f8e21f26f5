import { useState } from "react";
import { useQuery } from "urql";
import "../admin/admin.css";
import { ApiTokensQuery } from "../admin/documents";
import { CreateTokenForm, type CreatedToken } from "../admin/tokens/CreateTokenForm";
import { NewTokenSecret } from "../admin/tokens/NewTokenSecret";
import { TokensTable } from "../admin/tokens/TokensTable";

/** `/tokens`: the viewer's personal API tokens for scripts and the CLI. */
export function TokensPage() {
  const [{ data, error }, reexecute] = useQuery({ query: ApiTokensQuery });
  // The secret exists only here, in memory, until the page is left (the API shows it once).
  const [created, setCreated] = useState<CreatedToken | null>(null);
  // A new box (copy status and all) for each token created.
  const [createdCount, setCreatedCount] = useState(0);
  const tokens = data?.viewer?.apiTokens ?? [];

  function onCreated(token: CreatedToken) {
    setCreated(token);
    setCreatedCount((n) => n + 1);
    reexecute({ requestPolicy: "network-only" });
  }

  return (
    <div className="admin-page">
      <h1>API tokens</h1>
      <p className="muted admin-intro">
        Personal tokens let scripts and the <code>machete</code> CLI call the API as you, with your role.
      </p>
      {created && <NewTokenSecret key={createdCount} token={created} onDismiss={() => setCreated(null)} />}
      <CreateTokenForm onCreated={onCreated} />
      <section aria-labelledby="admin-tokens-title">
        <h2 id="admin-tokens-title">Your tokens</h2>
        {!data ? (
          <p role={error ? "alert" : "status"}>{error ? "The server did not answer." : "Loading tokens…"}</p>
        ) : tokens.length === 0 ? (
          <p>You have no API tokens yet.</p>
        ) : (
          <TokensTable tokens={tokens} />
        )}
      </section>
    </div>
  );
}

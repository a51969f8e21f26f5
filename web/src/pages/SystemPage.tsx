import { useEffect, useState } from "react";
import { useQuery } from "urql";
import "../admin/admin.css";
import { SystemInfoQuery } from "../admin/documents";
import { SystemFacts } from "../admin/system/SystemFacts";

/** `/system`: the version and whether the database, Docker and git answer, asked afresh. */
export function SystemPage() {
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: SystemInfoQuery,
    requestPolicy: "network-only",
  });
  // When the server last answered: a refresh that changes nothing still shows it was done.
  const [checkedAt, setCheckedAt] = useState<string | null>(null);
  useEffect(() => {
    if (!fetching && data && !error) setCheckedAt(new Date().toISOString());
  }, [fetching, data, error]);

  return (
    <div className="admin-page">
      <div className="admin-page-head">
        <h1>System</h1>
        <button
          type="button"
          onClick={() => !fetching && reexecute({ requestPolicy: "network-only" })}
          aria-disabled={fetching || undefined}
        >
          Refresh
        </button>
        <span role="status" className="muted">
          {fetching
            ? "Checking…"
            : checkedAt && (
                <>
                  Checked at <time dateTime={checkedAt}>{new Date(checkedAt).toLocaleTimeString()}</time>
                </>
              )}
        </span>
      </div>
      {error && (
        <p role="alert" className="error-box">
          The server did not answer{data ? "; these facts may be out of date." : "."}
        </p>
      )}
      {data ? <SystemFacts system={data.system} /> : !error && <p>Loading…</p>}
    </div>
  );
}

import type { ToolDetailHealthCheckFragment } from "../gql/graphql";
import { Time } from "./Time";
import { TableWrap } from "./TableWrap";

/** The most recent health checks, newest first, each said in words (never colour alone). */
export function HealthHistory({ checks }: { checks: readonly ToolDetailHealthCheckFragment[] }) {
  return (
    <section className="card detail-section" aria-labelledby="detail-health-title">
      <h2 id="detail-health-title">Health history</h2>
      {checks.length === 0 ? (
        <p className="muted">No health checks yet.</p>
      ) : (
        <TableWrap label="Health history">
          <table className="detail-table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Result</th>
                <th scope="col">Status code</th>
                <th scope="col">Latency</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {checks.map((check) => (
                <tr key={check.id}>
                  <td className="detail-nowrap">
                    <Time value={check.checkedAt} />
                  </td>
                  <td className={check.healthy ? "detail-healthy" : "detail-unhealthy"}>
                    {check.healthy ? "healthy" : "unhealthy"}
                  </td>
                  <td>{check.statusCode ?? <span className="muted">—</span>}</td>
                  <td className="detail-nowrap">
                    {check.latencyMs != null ? `${check.latencyMs} ms` : <span className="muted">—</span>}
                  </td>
                  <td className="detail-wrap">{check.error ?? <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}

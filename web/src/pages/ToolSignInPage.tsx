import { useEffect, useState } from "react";
import { hostOf, ticketRedirect } from "../app/toolSignIn";

/** Signed in: on to the tool's host. */
export function ToolSignInPage({ returnTo }: { returnTo: string }) {
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    ticketRedirect(returnTo).then(
      (redirect) => {
        if (!cancelled) window.location.replace(redirect);
      },
      (error: Error) => {
        if (!cancelled) setProblem(error.message);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [returnTo]);
  return (
    <main className="center" id="main" aria-busy={problem === null}>
      <div className="card sign-in">
        {problem === null ? (
          <p>Opening {hostOf(returnTo)}…</p>
        ) : (
          <>
            <h1>Cannot open {hostOf(returnTo)}</h1>
            <p role="alert">{problem}</p>
            <p>
              <a href="/">Go to the dashboard</a>
            </p>
          </>
        )}
      </div>
    </main>
  );
}

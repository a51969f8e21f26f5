import { useMemo } from "react";
import { Provider } from "urql";
import { createApiClient } from "../api/client";
import { SignInPage } from "../pages/SignInPage";
import { ToolSignInPage } from "../pages/ToolSignInPage";
import { Shell } from "./Shell";
import { toolReturnTo } from "./toolSignIn";
import { useSessionStatus } from "./useSession";

export function App() {
  const status = useSessionStatus();
  // A fresh client (and cache) per signed-in session: nothing of the last user stays behind.
  const client = useMemo(() => (status === "signed-in" ? createApiClient() : null), [status]);
  if (status === "unknown") {
    return (
      <main className="center" aria-busy="true">
        <p>Loading…</p>
      </main>
    );
  }
  const returnTo = toolReturnTo();
  if (status === "signed-out" || !client) return <SignInPage returnTo={returnTo} />;
  if (returnTo) return <ToolSignInPage returnTo={returnTo} />;
  return (
    <Provider value={client}>
      <Shell />
    </Provider>
  );
}

// Shown when there is no session: signing in here sets the same cookie as the dashboard's form.
import { useState, type FormEvent } from "react";
import { session } from "../session/session";
import { ErrorList, FieldErrors, errorsFor, formErrors, type Problem } from "../ui/errors";

export function SignInForm() {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Problem[]>([]);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      setErrors(await session.signIn(username, password));
    } catch {
      setErrors([{ code: "INTERNAL_ERROR", message: "The server did not answer." }]);
    } finally {
      setBusy(false);
    }
  }

  const usernameErrors = errorsFor(errors, "username");
  const passwordErrors = errorsFor(errors, "password");
  return (
    <main className="graphiql-page-center" id="main">
      <form className="graphiql-page-sign-in" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to use GraphiQL</h1>
        <p>Queries run as the signed-in user.</p>
        <ErrorList errors={formErrors(errors, ["username", "password"])} />
        <label htmlFor="username">Username</label>
        <input
          id="username"
          name="username"
          autoComplete="username"
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          aria-describedby={usernameErrors.length ? "username-errors" : undefined}
        />
        <FieldErrors id="username-errors" errors={usernameErrors} />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-describedby={passwordErrors.length ? "password-errors" : undefined}
        />
        <FieldErrors id="password-errors" errors={passwordErrors} />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        <p>
          <a href="/">Back to the dashboard</a>
        </p>
      </form>
    </main>
  );
}

import { useState, type FormEvent } from "react";
import type { Problem } from "../ui/errors";
import { session } from "../session/session";
import { ErrorList, FieldErrors, errorsFor, formErrors } from "../ui/errors";

export function SignInPage() {
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
    <main className="center" id="main">
      <form className="card sign-in" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to MACHETE</h1>
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
        <button type="submit" className="primary" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}

// The sign-in form of the dashboard and of GraphiQL: both set the same session cookie.
import { useState, type FormEvent, type ReactNode } from "react";
import { session } from "../session/session";
import { ErrorList, FieldErrors, errorsFor, formErrors, type Problem } from "./errors";

interface SignInFormProps {
  title: string;
  className: string;
  submitClassName?: string;
  children?: ReactNode; // shown under the title
  footer?: ReactNode;
}

export function SignInForm({ title, className, submitClassName, children, footer }: SignInFormProps) {
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
    <form className={className} onSubmit={submit} aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">{title}</h1>
      {children}
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
      <button type="submit" className={submitClassName} disabled={busy}>
        Sign in
      </button>
      {footer}
    </form>
  );
}

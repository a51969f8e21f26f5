import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import type { Role } from "../../gql/graphql";
import { ErrorList, errorsFor, formErrors, type Problem } from "../../ui/errors";
import { CreateUserMutation } from "../documents";
import { Field } from "../Field";
import { problemsOf } from "../problems";
import { ROLES, ROLES_HINT } from "../roles";

const FIELDS = ["username", "email", "password", "role"] as const;

/** An admin creates an account; the payload's errors are shown next to the fields they name. */
export function CreateUserForm({ onCreated }: { onCreated: () => void }) {
  const [username, setUsername] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("VIEWER");
  const [problems, setProblems] = useState<Problem[]>([]);
  const [created, setCreated] = useState("");
  const [{ fetching }, createUser] = useMutation(CreateUserMutation);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (fetching) return;
    setCreated("");
    const result = await createUser({ input: { username, email, password, role } });
    const payload = result.data?.createUser;
    const user = payload?.user;
    if (user && payload.errors.length === 0) {
      setProblems([]);
      setUsername("");
      setEmail("");
      setPassword("");
      setRole("VIEWER");
      setCreated(`Created ${user.username} as ${user.role}.`);
      onCreated();
    } else {
      setProblems(problemsOf(result.error, payload));
    }
  }

  return (
    <form className="card admin-create-user" onSubmit={submit} aria-labelledby="admin-create-user-title">
      <h2 id="admin-create-user-title">Create a user</h2>
      <ErrorList errors={formErrors(problems, FIELDS)} />
      <div className="admin-form-grid">
        <Field id="admin-new-username" label="Username" errors={errorsFor(problems, "username")}>
          {(c) => (
            <input
              id={c.id}
              name="username"
              autoComplete="off"
              required
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              aria-invalid={c.invalid}
              aria-describedby={c.describedBy}
            />
          )}
        </Field>
        <Field id="admin-new-email" label="Email" errors={errorsFor(problems, "email")}>
          {(c) => (
            <input
              id={c.id}
              name="email"
              type="email"
              autoComplete="off"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              aria-invalid={c.invalid}
              aria-describedby={c.describedBy}
            />
          )}
        </Field>
        <Field id="admin-new-password" label="Password" errors={errorsFor(problems, "password")}>
          {(c) => (
            <input
              id={c.id}
              name="password"
              type="password"
              autoComplete="new-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={c.invalid}
              aria-describedby={c.describedBy}
            />
          )}
        </Field>
        <Field id="admin-new-role" label="Role" hint={ROLES_HINT} errors={errorsFor(problems, "role")}>
          {(c) => (
            <select
              id={c.id}
              name="role"
              value={role}
              onChange={(e) => setRole(e.target.value as Role)}
              aria-invalid={c.invalid}
              aria-describedby={c.describedBy}
            >
              {ROLES.map((value) => (
                <option key={value} value={value}>
                  {value}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div className="actions">
        <button type="submit" className="primary" aria-disabled={fetching || undefined}>
          Create user
        </button>
        <p role="status" className="admin-status">
          {fetching ? "Creating…" : created}
        </p>
      </div>
    </form>
  );
}

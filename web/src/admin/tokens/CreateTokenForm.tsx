import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { ErrorList, errorsFor, formErrors, type Problem } from "../../ui/errors";
import { endOfDayIso, todayLocal } from "../dates";
import { CreateApiTokenMutation } from "../documents";
import { Field } from "../Field";
import { problemsOf } from "../problems";

const FIELDS = ["name", "expiresAt"] as const;

export interface CreatedToken {
  name: string;
  secret: string;
}

/** Create a personal API token; the secret goes to `onCreated` (the one time it exists here). */
export function CreateTokenForm({ onCreated }: { onCreated: (token: CreatedToken) => void }) {
  const [name, setName] = useState("");
  const [expires, setExpires] = useState("");
  const [problems, setProblems] = useState<Problem[]>([]);
  const [{ fetching }, createToken] = useMutation(CreateApiTokenMutation);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (fetching) return;
    const expiresAt = expires ? endOfDayIso(expires) : null;
    const result = await createToken({ input: { name, expiresAt } });
    const payload = result.data?.createApiToken;
    if (payload?.token && payload.apiToken && payload.errors.length === 0) {
      setProblems([]);
      setName("");
      setExpires("");
      onCreated({ name: payload.apiToken.name, secret: payload.token });
    } else {
      setProblems(problemsOf(result.error, payload));
    }
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby="admin-create-token-title">
      <h2 id="admin-create-token-title">Create a token</h2>
      <ErrorList errors={formErrors(problems, FIELDS)} />
      <div className="admin-form-grid">
        <Field
          id="admin-token-name"
          label="Token name"
          hint="What uses it, e.g. a script or a machine."
          errors={errorsFor(problems, "name")}
        >
          {(c) => (
            <input
              id={c.id}
              name="name"
              autoComplete="off"
              required
              value={name}
              onChange={(e) => setName(e.target.value)}
              aria-invalid={c.invalid}
              aria-describedby={c.describedBy}
            />
          )}
        </Field>
        <Field
          id="admin-token-expires"
          label="Expires"
          hint="Optional: it stops working after this day."
          errors={errorsFor(problems, "expiresAt")}
        >
          {(c) => (
            <input
              id={c.id}
              name="expires"
              type="date"
              min={todayLocal()}
              value={expires}
              onChange={(e) => setExpires(e.target.value)}
              aria-invalid={c.invalid}
              aria-describedby={c.describedBy}
            />
          )}
        </Field>
      </div>
      <div className="actions">
        <button type="submit" className="primary" aria-disabled={fetching || undefined}>
          Create token
        </button>
        <p role="status" className="admin-status">
          {fetching ? "Creating…" : ""}
        </p>
      </div>
    </form>
  );
}

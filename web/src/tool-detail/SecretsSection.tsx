// The tool's secrets: names only. Values are write-only: maintainers and admins set one (the
// value never comes back) or delete one.
import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import type { ToolDetailToolFragment } from "../gql/graphql";
import { ErrorList, FieldErrors, errorsFor, formErrors, type Problem } from "../ui/errors";
import { ToolDetailDeleteSecretMutation, ToolDetailSetSecretMutation } from "./documents";
import { APPLIES_LATER } from "./EnvironmentSection";
import { problemsOf } from "./problems";

type Secret = ToolDetailToolFragment["secrets"][number];

export function SecretsSection({ tool, editable }: { tool: ToolDetailToolFragment; editable: boolean }) {
  const [errors, setErrors] = useState<Problem[]>([]);
  const [note, setNote] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [, deleteSecret] = useMutation(ToolDetailDeleteSecretMutation);

  async function remove(name: string) {
    if (deleting) return;
    setDeleting(name);
    setNote(null);
    const result = await deleteSecret({ id: tool.id, name });
    const { problems } = problemsOf(result, (data) => data.deleteToolSecret);
    setDeleting(null);
    setErrors(problems);
    if (problems.length === 0) setNote(`Secret ${name} deleted. ${APPLIES_LATER}`);
  }

  return (
    <section className="card detail-section" aria-labelledby="detail-secrets-title">
      <h2 id="detail-secrets-title">Secrets</h2>
      <p className="muted detail-note">
        Secret values are never shown; they are passed to the tool's container only.
        {editable && ` ${APPLIES_LATER}`}
      </p>
      <ErrorList errors={errors} />
      <SecretList secrets={tool.secrets} deleting={deleting} onDelete={editable ? remove : null} />
      <p role="status" className="detail-ok">
        {note}
      </p>
      {editable && <SetSecretForm toolId={tool.id} onDone={(message) => { setErrors([]); setNote(message); }} />}
    </section>
  );
}

interface ListProps {
  secrets: readonly Secret[];
  deleting: string | null;
  onDelete: ((name: string) => void) | null;
}

function SecretList({ secrets, deleting, onDelete }: ListProps) {
  if (secrets.length === 0) return <p className="muted">No secrets are set.</p>;
  return (
    <ul className="detail-secrets">
      {secrets.map((secret) => (
        <li key={secret.name}>
          <code className="detail-wrap">{secret.name}</code>{" "}
          <span className="detail-tag">{secret.isSet ? "set" : "not set"}</span>
          {onDelete && (
            <button
              type="button"
              className="danger"
              onClick={() => onDelete(secret.name)}
              aria-disabled={deleting !== null || undefined}
              aria-busy={deleting === secret.name || undefined}
            >
              Delete secret <span className="visually-hidden">{secret.name}</span>
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}

function SetSecretForm({ toolId, onDone }: { toolId: string; onDone: (message: string) => void }) {
  const [name, setName] = useState("");
  const [value, setValue] = useState("");
  const [errors, setErrors] = useState<Problem[]>([]);
  const [busy, setBusy] = useState(false);
  const [, setSecret] = useMutation(ToolDetailSetSecretMutation);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const trimmed = name.trim();
    if (!trimmed) {
      setErrors([{ code: "INVALID_INPUT", message: "Give the secret a name.", field: ["input", "name"] }]);
      return;
    }
    setBusy(true);
    const result = await setSecret({ id: toolId, name: trimmed, value });
    const { problems } = problemsOf(result, (data) => data.setToolSecret);
    setBusy(false);
    setErrors(problems);
    if (problems.length === 0) {
      setName("");
      setValue("");
      onDone(`Secret ${trimmed} set.`);
    }
  }

  const nameErrors = errorsFor(errors, "name");
  const valueErrors = errorsFor(errors, "value");
  return (
    <form onSubmit={submit} className="detail-secret-form" noValidate>
      <h3>Set a secret</h3>
      <ErrorList errors={formErrors(errors, ["name", "value"])} />
      <div className="detail-fields">
        <div>
          <label htmlFor="detail-secret-name">Secret name</label>
          <input
            id="detail-secret-name"
            className="detail-mono-input"
            value={name}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={nameErrors.length > 0 || undefined}
            aria-describedby={nameErrors.length ? "detail-secret-name-errors" : undefined}
          />
          <FieldErrors id="detail-secret-name-errors" errors={nameErrors} />
        </div>
        <div>
          <label htmlFor="detail-secret-value">Secret value</label>
          <input
            id="detail-secret-value"
            type="password"
            value={value}
            autoComplete="new-password"
            onChange={(e) => setValue(e.target.value)}
            aria-invalid={valueErrors.length > 0 || undefined}
            aria-describedby={valueErrors.length ? "detail-secret-value-errors" : undefined}
          />
          <FieldErrors id="detail-secret-value-errors" errors={valueErrors} />
        </div>
      </div>
      <div className="actions">
        <button type="submit" aria-disabled={busy || undefined} aria-busy={busy || undefined}>
          Set secret
        </button>
        {busy && <span className="muted detail-busy">Saving…</span>}
      </div>
    </form>
  );
}

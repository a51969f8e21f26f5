// Who may open the tool through the gateway, and on which names. Everyone sees both;
// maintainers and admins choose the access level, admins edit the custom domains.
import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import type { ToolAccess, ToolDetailToolFragment } from "../gql/graphql";
import { ErrorList, FieldErrors, errorsFor, formErrors, type Problem } from "../ui/errors";
import { ToolDetailSetAccessMutation, ToolDetailSetDomainsMutation } from "./documents";
import { problemsOf } from "./problems";

const LEVELS: readonly { value: ToolAccess; label: string }[] = [
  { value: "PUBLIC", label: "Public: anyone who can reach it, no sign-in" },
  { value: "VIEWER", label: "Viewers: every signed-in user" },
  { value: "MAINTAINER", label: "Maintainers and admins" },
  { value: "ADMIN", label: "Admins only" },
];

function levelLabel(level: ToolAccess): string {
  return LEVELS.find((l) => l.value === level)?.label ?? level;
}

interface Props {
  tool: ToolDetailToolFragment;
  canSetAccess: boolean;
  canSetDomains: boolean;
}

export function SharingSection({ tool, canSetAccess, canSetDomains }: Props) {
  return (
    <section className="card detail-section" aria-labelledby="detail-sharing-title">
      <h2 id="detail-sharing-title">Sharing</h2>
      <p className="muted detail-note">
        Through the gateway, the access level decides who may open the tool; it is checked on every request.
      </p>
      {canSetAccess ? (
        <AccessSelect toolId={tool.id} saved={tool.toolAccess} />
      ) : (
        <dl className="facts detail-facts">
          <dt>Who can open it</dt>
          <dd>{levelLabel(tool.toolAccess)}</dd>
        </dl>
      )}
      {canSetDomains ? (
        <DomainsEditor toolId={tool.id} saved={tool.domains} />
      ) : (
        <>
          <h3>Custom domains</h3>
          <DomainList domains={tool.domains} />
        </>
      )}
    </section>
  );
}

/** The access level; choosing another saves it at once (the status line confirms it). */
function AccessSelect({ toolId, saved }: { toolId: string; saved: ToolAccess }) {
  // While saving, show the chosen level; afterwards the cache's (the old one if refused).
  // Never disabled while saving: a disabled control drops the keyboard focus.
  const [chosen, setChosen] = useState<ToolAccess | null>(null);
  const [status, setStatus] = useState("");
  const [errors, setErrors] = useState<Problem[]>([]);
  const [{ fetching }, setAccess] = useMutation(ToolDetailSetAccessMutation);

  async function choose(level: ToolAccess) {
    setChosen(level);
    setStatus("Saving access…");
    setErrors([]);
    const result = await setAccess({ id: toolId, toolAccess: level });
    const { problems } = problemsOf(result, (data) => data.setToolAccess);
    setChosen(null);
    setErrors(problems);
    setStatus(problems.length === 0 ? `Access saved: ${levelLabel(level)}.` : "");
  }

  return (
    <div>
      <label htmlFor="detail-access">Access</label>
      <select
        id="detail-access"
        value={chosen ?? saved}
        aria-busy={fetching || undefined}
        aria-invalid={errors.length > 0 || undefined}
        aria-describedby={errors.length ? "detail-access-errors" : undefined}
        onChange={(e) => void choose(e.target.value as ToolAccess)}
      >
        {LEVELS.map((level) => (
          <option key={level.value} value={level.value}>
            {level.label}
          </option>
        ))}
      </select>
      <FieldErrors id="detail-access-errors" errors={errors} />
      <p role="status" className="detail-ok">
        {status}
      </p>
    </div>
  );
}

function DomainList({ domains }: { domains: readonly string[] }) {
  if (domains.length === 0) return <p className="muted">No custom domains.</p>;
  return (
    <ul className="detail-domains">
      {domains.map((domain) => (
        <li key={domain}>
          <code className="detail-wrap">{domain}</code>
        </li>
      ))}
    </ul>
  );
}

function linesOf(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

/** Custom domains, one per line, saved all at once (`setToolDomains` replaces them all). */
function DomainsEditor({ toolId, saved }: { toolId: string; saved: readonly string[] }) {
  const [text, setText] = useState(() => saved.join("\n"));
  const [errors, setErrors] = useState<Problem[]>([]);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const [, setDomains] = useMutation(ToolDetailSetDomainsMutation);

  // The saved domains changed (this form saved, or someone else did): a form with no edits of
  // its own follows them; one being edited keeps what was typed.
  const savedKey = saved.join("\n");
  const [basis, setBasis] = useState(savedKey);
  if (basis !== savedKey) {
    setBasis(savedKey);
    if (linesOf(text).join("\n") === basis) setText(savedKey);
  }
  const dirty = linesOf(text).join("\n") !== savedKey;

  async function save(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setNote(null);
    const result = await setDomains({ id: toolId, domains: linesOf(text) });
    const { payload, problems } = problemsOf(result, (data) => data.setToolDomains);
    setBusy(false);
    setErrors(problems);
    if (problems.length === 0) {
      const stored = payload?.tool?.domains ?? [];
      setText(stored.join("\n"));
      setNote(stored.length ? "Domains saved." : "Domains saved: the tool has no custom domains.");
    }
  }

  const fieldErrors = errorsFor(errors, "domains");
  const describedBy = ["detail-domains-hint", fieldErrors.length ? "detail-domains-errors" : ""]
    .filter(Boolean)
    .join(" ");
  return (
    <form onSubmit={save} noValidate>
      <ErrorList errors={formErrors(errors, ["domains"])} />
      <label htmlFor="detail-domains">Custom domains</label>
      <p className="muted detail-note" id="detail-domains-hint">
        One host name per line (tools.example.com), besides the tool's own name. Point each name's DNS at this
        server.
      </p>
      <textarea
        id="detail-domains"
        className="detail-mono-input"
        rows={4}
        value={text}
        spellCheck={false}
        autoComplete="off"
        onChange={(e) => {
          setText(e.target.value);
          setNote(null);
          setErrors([]);
        }}
        aria-invalid={fieldErrors.length > 0 || undefined}
        aria-describedby={describedBy}
      />
      <FieldErrors id="detail-domains-errors" errors={fieldErrors} />
      <div className="actions">
        <button type="submit" className="primary" aria-disabled={busy || undefined} aria-busy={busy || undefined}>
          Save domains
        </button>
        {busy && <span className="muted detail-busy">Saving…</span>}
        {!busy && dirty && <span className="muted detail-busy">Unsaved changes</span>}
      </div>
      <p role="status" className="detail-ok">
        {note}
      </p>
    </form>
  );
}

// The tool's variables: everyone reads them; maintainers and admins edit them as rows and save
// them all at once (`setToolEnvironment` replaces every variable).
import { useRef, useState, type FormEvent } from "react";
import { useMutation } from "urql";
import type { ToolDetailToolFragment } from "../gql/graphql";
import { ErrorList, FieldErrors, errorsFor, formErrors, type Problem } from "../ui/errors";
import { ToolDetailSetEnvironmentMutation } from "./documents";
import { problemsOf } from "./problems";
import { TableWrap } from "./TableWrap";

type Variable = ToolDetailToolFragment["environment"][number];

interface Row {
  /** Stable across edits, so React keeps focus in the row being typed in. */
  key: number;
  name: string;
  value: string;
}

export const APPLIES_LATER = "Changes apply from the tool's next start, restart or build.";

export function EnvironmentSection({ tool, editable }: { tool: ToolDetailToolFragment; editable: boolean }) {
  return (
    <section className="card detail-section" aria-labelledby="detail-env-title">
      <h2 id="detail-env-title">Environment</h2>
      {editable ? (
        <EnvironmentEditor toolId={tool.id} saved={tool.environment} />
      ) : (
        <EnvironmentTable variables={tool.environment} label="Environment" />
      )}
      <ManifestDefaults tool={tool} />
    </section>
  );
}

/** The manifest's `machete.environment`: what the container gets unless a variable overrides it. */
function manifestDefaults(manifest: unknown): Variable[] {
  const machete = (manifest as { machete?: { environment?: unknown } } | null)?.machete;
  const environment = machete?.environment;
  if (!environment || typeof environment !== "object" || Array.isArray(environment)) return [];
  return Object.entries(environment as Record<string, unknown>)
    .filter((entry): entry is [string, string] => typeof entry[1] === "string")
    .map(([name, value]) => ({ name, value }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function ManifestDefaults({ tool }: { tool: ToolDetailToolFragment }) {
  const defaults = manifestDefaults(tool.manifest);
  if (defaults.length === 0) return null;
  return (
    <>
      <h3>Defaults from the manifest</h3>
      <p className="muted detail-note">The container gets these unless a variable above of the same name overrides them.</p>
      <EnvironmentTable variables={defaults} label="Defaults from the manifest" />
    </>
  );
}

function EnvironmentTable({ variables, label }: { variables: readonly Variable[]; label: string }) {
  if (variables.length === 0) return <p className="muted">No variables are set.</p>;
  return (
    <TableWrap label={label}>
      <table className="detail-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {variables.map((variable) => (
            <tr key={variable.name}>
              <td>
                <code className="detail-wrap">{variable.name}</code>
              </td>
              <td>
                <code className="detail-wrap">{variable.value}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function sameVariables(rows: readonly Row[], saved: readonly Variable[]): boolean {
  const filled = rows.filter((row) => row.name.trim() !== "" || row.value !== "");
  if (filled.length !== saved.length) return false;
  const byName = new Map(saved.map((v) => [v.name, v.value]));
  return filled.every((row) => byName.get(row.name.trim()) === row.value);
}

/** Problems the page can see itself before asking the server: a name given twice, or a value
 * without a name. */
function localProblems(rows: readonly Row[]): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    const name = row.name.trim();
    if (name === "" && row.value !== "") {
      problems.push({ code: "INVALID_INPUT", message: `Variable ${index + 1} has a value but no name.`, field: ["input", "environment"] });
    } else if (name !== "" && seen.has(name)) {
      problems.push({ code: "INVALID_INPUT", message: `${name} is set twice.`, field: ["input", "environment"] });
    }
    seen.add(name);
  });
  return problems;
}

function EnvironmentEditor({ toolId, saved }: { toolId: string; saved: readonly Variable[] }) {
  const nextKey = useRef(0);
  const toRows = (variables: readonly Variable[]): Row[] =>
    variables.map((v) => ({ key: nextKey.current++, name: v.name, value: v.value }));
  const [rows, setRows] = useState<Row[]>(() => toRows(saved));
  const [errors, setErrors] = useState<Problem[]>([]);
  const [busy, setBusy] = useState(false);
  const [savedNote, setSavedNote] = useState<string | null>(null);
  const [, setEnvironment] = useMutation(ToolDetailSetEnvironmentMutation);
  const addButton = useRef<HTMLButtonElement>(null);
  const focusRow = useRef<number | null>(null);

  // The saved variables changed (this form saved, or someone else did): a form with no edits of
  // its own follows them; one being edited keeps what was typed.
  // Compared by content: a cache read may hand over equal variables in a new array.
  const savedKey = JSON.stringify(saved.map((v) => [v.name, v.value]));
  const [basis, setBasis] = useState({ key: savedKey, variables: saved });
  if (basis.key !== savedKey) {
    setBasis({ key: savedKey, variables: saved });
    if (sameVariables(rows, basis.variables)) setRows(toRows(saved));
  }
  const dirty = !sameVariables(rows, saved);

  // An edit makes the last answer's problems stale; Save checks again.
  const edited = () => {
    setSavedNote(null);
    setErrors([]);
  };
  const update = (key: number, patch: Partial<Row>) => {
    edited();
    setRows((prev) => prev.map((row) => (row.key === key ? { ...row, ...patch } : row)));
  };
  const add = () => {
    const key = nextKey.current++;
    focusRow.current = key;
    edited();
    setRows((prev) => [...prev, { key, name: "", value: "" }]);
  };
  const remove = (key: number) => {
    edited();
    setRows((prev) => prev.filter((row) => row.key !== key));
    // The removed row's button is gone: keep the keyboard in the editor.
    addButton.current?.focus();
  };

  async function save(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const local = localProblems(rows);
    if (local.length > 0) {
      setErrors(local);
      return;
    }
    setBusy(true);
    setSavedNote(null);
    const environment = rows
      .filter((row) => row.name.trim() !== "")
      .map((row) => ({ name: row.name.trim(), value: row.value }));
    const result = await setEnvironment({ id: toolId, environment });
    const { problems } = problemsOf(result, (data) => data.setToolEnvironment);
    setBusy(false);
    setErrors(problems);
    if (problems.length === 0) {
      setRows(toRows(result.data?.setToolEnvironment.tool?.environment ?? []));
      setSavedNote(`Environment saved. ${APPLIES_LATER}`);
    }
  }

  const fieldErrors = errorsFor(errors, "environment");
  return (
    <form onSubmit={save} aria-describedby="detail-env-note" noValidate>
      <p className="muted detail-note" id="detail-env-note">
        {APPLIES_LATER}
      </p>
      <ErrorList errors={formErrors(errors, ["environment"])} />
      {rows.length === 0 ? (
        <p className="muted">No variables are set.</p>
      ) : (
        <TableWrap label="Environment editor">
          <table className="detail-table detail-env-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Value</th>
                <th scope="col">
                  <span className="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row, index) => (
                <tr key={row.key}>
                  <td>
                    <input
                      ref={(el) => {
                        // A row just added takes the focus, ready for its name.
                        if (el && focusRow.current === row.key) {
                          focusRow.current = null;
                          el.focus();
                        }
                      }}
                      aria-label={`Name of variable ${index + 1}`}
                      className="detail-mono-input"
                      value={row.name}
                      autoComplete="off"
                      spellCheck={false}
                      onChange={(e) => update(row.key, { name: e.target.value })}
                    />
                  </td>
                  <td>
                    <input
                      aria-label={`Value of variable ${index + 1}`}
                      className="detail-mono-input"
                      value={row.value}
                      autoComplete="off"
                      spellCheck={false}
                      onChange={(e) => update(row.key, { value: e.target.value })}
                    />
                  </td>
                  <td>
                    <button type="button" onClick={() => remove(row.key)}>
                      Remove<span className="visually-hidden"> variable {row.name.trim() || index + 1}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <FieldErrors id="detail-env-errors" errors={fieldErrors} />
      <div className="actions">
        <button type="button" ref={addButton} onClick={add}>
          Add variable
        </button>
        <button type="submit" className="primary" aria-disabled={busy || undefined} aria-busy={busy || undefined}>
          Save environment
        </button>
        {busy && <span className="muted detail-busy">Saving…</span>}
        {!busy && dirty && <span className="muted detail-busy">Unsaved changes</span>}
      </div>
      <p role="status" className="detail-ok">
        {savedNote}
      </p>
    </form>
  );
}

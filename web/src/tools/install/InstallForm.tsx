// The install form: Check (a dry run that clones and validates) and Install (creates the tool
// and queues its build). Nothing typed is lost on an error; errors appear next to their field.
import { useRef, useState, type FormEvent } from "react";
import { useMutation, type CombinedError } from "urql";
import { ErrorList, errorsFor, formErrors, type Problem } from "../../ui/errors";
import { InstallToolMutation, ValidateManifestMutation } from "./documents";
import { newIdempotencyKey } from "./idempotency";
import { InstallProgress, type Installed } from "./InstallProgress";
import { ManifestPlanFacts, type ManifestPlan } from "./ManifestPlanFacts";
import { ManifestProblems, isManifestProblem } from "./ManifestProblems";
import { TextField } from "./TextField";
import { filledRows, type VariableRow } from "./variables";
import { VariablesEditor } from "./VariablesEditor";
import "./install.css";

interface FormValues {
  repoUrl: string;
  ref: string;
  subdir: string;
  name: string;
  environment: VariableRow[];
  secrets: VariableRow[];
}

const INITIAL: FormValues = { repoUrl: "", ref: "", subdir: "", name: "", environment: [], secrets: [] };
const FIELDS = ["repoUrl", "ref", "subdir", "name", "environment", "secrets"] as const;

interface CheckResult {
  /** The source the plan is for: a plan says nothing about another URL, ref or folder. */
  source: string;
  plan: ManifestPlan | null;
}

type Busy = "checking" | "installing" | null;

// Where each input field's errors are shown, in the form's order: after a failed action the
// first field at fault gets the focus (its errors are read with it).
const FIELD_ELEMENTS: Record<(typeof FIELDS)[number], string> = {
  repoUrl: "#install-repo-url",
  ref: "#install-ref",
  subdir: "#install-subdir",
  name: "#install-name",
  environment: "#install-variables input, #install-variables button",
  secrets: "#install-secrets input, #install-secrets button",
};

function focusFirstFieldAtFault(problems: readonly Problem[]) {
  const field = FIELDS.find((name) => errorsFor(problems, name).length > 0);
  if (field) document.querySelector<HTMLElement>(FIELD_ELEMENTS[field])?.focus();
}

function countProblems(n: number): string {
  return n === 1 ? "1 problem" : `${n} problems`;
}

function sourceOf(values: FormValues) {
  return {
    repoUrl: values.repoUrl.trim(),
    ref: values.ref.trim() || null,
    subdir: values.subdir.trim() || null,
  };
}

const MISSING_REPO_URL: Problem = {
  code: "INVALID_INPUT",
  message: "Enter the repository URL.",
  field: ["input", "repoUrl"],
};

function transportProblem(error: CombinedError): Problem[] {
  const message = error.graphQLErrors[0]?.message ?? "The server did not answer. Try again.";
  return [{ code: "INTERNAL_ERROR", message }];
}

export function InstallForm() {
  const [values, setValues] = useState<FormValues>(INITIAL);
  const [errors, setErrors] = useState<Problem[]>([]);
  const [checked, setChecked] = useState<CheckResult | null>(null);
  const [installed, setInstalled] = useState<Installed | null>(null);
  const [busy, setBusy] = useState<Busy>(null);
  const [outcome, setOutcome] = useState("");
  const inFlight = useRef(false);
  // One key per submission of these values: a double click (or a retry after a lost answer)
  // sends the same key and the server returns the first install instead of a second one.
  const idempotencyKey = useRef<string | null>(null);
  const [, validateManifest] = useMutation(ValidateManifestMutation);
  const [, installTool] = useMutation(InstallToolMutation);

  const change = (patch: Partial<FormValues>) => {
    idempotencyKey.current = null;
    setOutcome("");
    setValues((prev) => ({ ...prev, ...patch }));
  };

  const source = sourceOf(values);
  const sourceKey = JSON.stringify(source);
  const plan = checked?.source === sourceKey ? checked.plan : null;
  const stalePlan = checked?.plan && checked.source !== sourceKey ? checked.plan : null;

  async function run(kind: Exclude<Busy, null>, button: HTMLElement | null, work: () => Promise<Problem[]>) {
    if (inFlight.current) return;
    inFlight.current = true;
    setBusy(kind);
    setOutcome("");
    let problems: Problem[] = [];
    try {
      problems = await work();
    } finally {
      inFlight.current = false;
      setBusy(null);
      setErrors(problems);
      // The pressed button was disabled while busy, which drops keyboard focus: give it back,
      // or take the user to the first field at fault.
      setTimeout(() => {
        if (button && document.activeElement === document.body) button.focus();
        focusFirstFieldAtFault(problems);
      });
    }
  }

  const check = (button: HTMLElement | null) =>
    run("checking", button, async () => {
      if (!source.repoUrl) return [MISSING_REPO_URL];
      const result = await validateManifest({ input: source });
      const payload = result.data?.validateManifest;
      if (!payload) return result.error ? transportProblem(result.error) : [];
      setChecked({ source: sourceKey, plan: payload.plan ?? null });
      setOutcome(
        payload.plan
          ? "The manifest is valid: the plan is below."
          : `The check found ${countProblems(payload.errors.length)}.`,
      );
      return payload.errors;
    });

  const install = (button: HTMLElement | null) =>
    run("installing", button, async () => {
      if (!source.repoUrl) return [MISSING_REPO_URL];
      idempotencyKey.current ??= newIdempotencyKey();
      const result = await installTool({
        input: {
          ...source,
          // Left empty, the name shown as the placeholder (the manifest's, after a Check) is used.
          name: values.name.trim() || plan?.name || null,
          environment: filledRows(values.environment),
          secrets: filledRows(values.secrets),
          idempotencyKey: idempotencyKey.current,
        },
      });
      const payload = result.data?.installTool;
      if (!payload) return result.error ? transportProblem(result.error) : [];
      if (payload.errors.length === 0 && payload.tool && payload.build) {
        setInstalled({ toolName: payload.tool.name, buildId: payload.build.id, buildNumber: payload.build.number });
        setOutcome(`${payload.tool.name} is installed: build #${payload.build.number} is under way below.`);
      } else {
        setOutcome(`Not installed: ${countProblems(payload.errors.length)}.`);
      }
      return payload.errors;
    });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // Both buttons submit; Enter in a field presses the first, Check, so it never installs.
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    if (submitter?.dataset.action === "install") void install(submitter);
    else void check(submitter ?? null);
  }

  const fieldErrors = (name: (typeof FIELDS)[number]) => errorsFor(errors, name);
  const unplaced = formErrors(errors, FIELDS);
  const manifestErrors = unplaced.filter(isManifestProblem);
  const otherErrors = unplaced.filter((problem) => !isManifestProblem(problem));

  return (
    <>
      <form className="card install-form" onSubmit={submit} aria-busy={busy !== null} noValidate>
        <TextField
          id="install-repo-url"
          label="Repository URL"
          hint="The Git repository holding the tool's Dockerfile and machete.yml, e.g. https://git.example.com/team/tool.git"
          value={values.repoUrl}
          onValue={(repoUrl) => change({ repoUrl })}
          errors={fieldErrors("repoUrl")}
          required
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
        />
        <TextField
          id="install-ref"
          label="Ref"
          hint="Optional: a branch, tag or commit. Default: the repository's default branch."
          value={values.ref}
          onValue={(ref) => change({ ref })}
          errors={fieldErrors("ref")}
          autoComplete="off"
          spellCheck={false}
        />
        <TextField
          id="install-subdir"
          label="Subdirectory"
          hint="Optional: the folder holding the Dockerfile and machete.yml. Default: the repository's root."
          value={values.subdir}
          onValue={(subdir) => change({ subdir })}
          errors={fieldErrors("subdir")}
          autoComplete="off"
          spellCheck={false}
        />
        <TextField
          id="install-name"
          label="Name"
          hint="Optional: lowercase letters, digits and dashes. Default: the manifest's name once checked, otherwise one made from the repository URL."
          value={values.name}
          onValue={(name) => change({ name })}
          errors={fieldErrors("name")}
          placeholder={plan?.name}
          autoComplete="off"
          spellCheck={false}
        />
        <VariablesEditor
          noun="variable"
          legend="Environment"
          hint="Variables passed to the tool's container, added to (or replacing) the manifest's."
          rows={values.environment}
          onChange={(environment) => change({ environment })}
          errors={fieldErrors("environment")}
        />
        <VariablesEditor
          noun="secret"
          legend="Secrets"
          hint="Passed to the container like variables, stored encrypted and never shown again."
          rows={values.secrets}
          onChange={(secrets) => change({ secrets })}
          errors={fieldErrors("secrets")}
        />
        <div className="actions install-actions">
          <button type="submit" data-action="check" disabled={busy !== null}>
            {busy === "checking" ? "Checking…" : "Check"}
          </button>
          <button type="submit" data-action="install" className="primary" disabled={busy !== null}>
            {busy === "installing" ? "Installing…" : "Install"}
          </button>
        </div>
        <p role="status" className="install-status">
          {busy === "checking" ? "Cloning the repository and checking its manifest…" : outcome}
        </p>
        <ErrorList errors={otherErrors} />
        <ManifestProblems problems={manifestErrors} />
      </form>
      {plan && <PlanSection plan={plan} />}
      {stalePlan && !plan && (
        <p className="muted">The repository, ref or subdirectory changed since the last Check: check again.</p>
      )}
      {installed && <InstallProgress installed={installed} />}
    </>
  );
}

function PlanSection({ plan }: { plan: ManifestPlan }) {
  return (
    <section className="card install-plan" aria-labelledby="install-plan-title">
      <h2 id="install-plan-title">Plan</h2>
      <p className="muted">What installing this source would do (nothing was created):</p>
      <ManifestPlanFacts plan={plan} />
    </section>
  );
}

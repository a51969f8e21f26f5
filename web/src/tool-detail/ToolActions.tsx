// What a maintainer or admin can do with the tool: start, stop, restart; build again (Update,
// Rebuild), go back (Rollback), cancel the running build, uninstall. Only the actions that make
// sense for the tool's state now are shown; the page does not render this for viewers.
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { Link } from "wouter";
import type { ToolDetailBuildFragment, ToolDetailToolFragment } from "../gql/graphql";
import { ErrorList, FieldErrors, errorsFor, formErrors } from "../ui/errors";
import { ActionButton } from "./ActionButton";
import { buildPath } from "../builds/BuildLink";
import {
  ToolDetailCancelBuildMutation,
  ToolDetailRebuildMutation,
  ToolDetailRestartMutation,
  ToolDetailRollbackMutation,
  ToolDetailRollbackTargetsQuery,
  ToolDetailStartMutation,
  ToolDetailStopMutation,
  ToolDetailUpdateMutation,
} from "./documents";
import { isActiveBuild, isContainerUp, shortSha } from "./format";
import { problemsOf } from "./problems";
import { UninstallDialog } from "./UninstallDialog";
import { useActionRunner, type ActionName, type ActionRunner, type Outcome } from "./useActionRunner";

const BUSY_TEXT: Record<ActionName, string> = {
  start: "Starting…",
  stop: "Stopping…",
  restart: "Restarting…",
  update: "Queuing an update…",
  rebuild: "Queuing a rebuild…",
  rollback: "Queuing a rollback…",
  cancel: "Cancelling the build…",
};

// Errors naming these inputs are shown next to them; the rest in the alert.
const FIELDS = ["ref", "buildId"];

interface Props {
  tool: ToolDetailToolFragment;
  /** Changes when the tool's builds changed: the rollback targets are asked again. */
  buildsKey: string;
  onUninstalled: () => void;
}

export function ToolActions({ tool, buildsKey, onUninstalled }: Props) {
  const runner = useActionRunner();
  const [, start] = useMutation(ToolDetailStartMutation);
  const [, stop] = useMutation(ToolDetailStopMutation);
  const [, restart] = useMutation(ToolDetailRestartMutation);
  const [, rebuild] = useMutation(ToolDetailRebuildMutation);
  const [, cancel] = useMutation(ToolDetailCancelBuildMutation);

  const hasImage = tool.currentBuild !== null;
  const removing = tool.desiredState === "REMOVED";
  const up = isContainerUp(tool.status) && !removing;
  const canStart = hasImage && !removing && (tool.status === "STOPPED" || tool.status === "FAILED");
  const latest = tool.latestBuild;
  const building = isActiveBuild(latest?.status);
  const { busy } = runner;
  const blocked = busy !== null;
  const buttons = useKeepFocusInGroup(tool.status, busy);

  const lifecycle = (action: "start" | "stop" | "restart") => () =>
    void runner.run(action, async () => {
      const id = { id: tool.id };
      if (action === "start") return problemsOf(await start(id), (d) => d.startTool);
      if (action === "stop") return problemsOf(await stop(id), (d) => d.stopTool);
      return problemsOf(await restart(id), (d) => d.restartTool);
    });

  const rebuildNow = () =>
    void runner.run("rebuild", async () => {
      const { payload, problems } = problemsOf(await rebuild({ id: tool.id }), (d) => d.rebuildTool);
      return withBuildNotice(problems, payload?.build, "Rebuild queued");
    });

  const cancelLatest = (build: ToolDetailBuildFragment) => () =>
    void runner.run("cancel", async () => {
      const { problems } = problemsOf(await cancel({ id: build.id }), (d) => d.cancelBuild);
      return { problems, notice: { text: `Cancel requested for build #${build.number}; a running build stops within seconds.` } };
    });

  return (
    <section className="card detail-section" aria-labelledby="detail-actions-title">
      <h2 id="detail-actions-title">Actions</h2>
      <div className="actions" ref={buttons}>
        {canStart && (
          <ActionButton className="primary" busy={busy === "start"} blocked={blocked} onClick={lifecycle("start")}>
            Start
          </ActionButton>
        )}
        {up && (
          <ActionButton busy={busy === "stop"} blocked={blocked} onClick={lifecycle("stop")}>
            Stop
          </ActionButton>
        )}
        {up && hasImage && (
          <ActionButton busy={busy === "restart"} blocked={blocked} onClick={lifecycle("restart")}>
            Restart
          </ActionButton>
        )}
        {!removing && (
          <ActionButton busy={busy === "rebuild"} blocked={blocked} onClick={rebuildNow}>
            Rebuild
          </ActionButton>
        )}
        {building && latest && (
          <ActionButton className="danger" busy={busy === "cancel"} blocked={blocked} onClick={cancelLatest(latest)}>
            Cancel build
          </ActionButton>
        )}
      </div>
      <ActionFeedback runner={runner} />
      {!removing && (
        <div className="detail-action-forms">
          <UpdateForm tool={tool} runner={runner} />
          <RollbackForm tool={tool} runner={runner} buildsKey={buildsKey} />
        </div>
      )}
      <UninstallDialog tool={tool} onUninstalled={onUninstalled} />
    </section>
  );
}

/** Stop makes its own button go away (Start takes its place): when the focused button leaves,
 * the focus moves to the first button left in the group instead of falling to the page. */
function useKeepFocusInGroup(status: string, busy: string | null) {
  const group = useRef<HTMLDivElement>(null);
  const hadFocus = useRef(false);
  useEffect(() => {
    const el = group.current;
    if (!el) return;
    const onFocusIn = () => (hadFocus.current = true);
    const onFocusOut = (event: FocusEvent) => {
      // Leaving for somewhere else on purpose (a click or Tab elsewhere) is not lost focus.
      if (event.relatedTarget !== null) hadFocus.current = false;
    };
    el.addEventListener("focusin", onFocusIn);
    el.addEventListener("focusout", onFocusOut);
    return () => {
      el.removeEventListener("focusin", onFocusIn);
      el.removeEventListener("focusout", onFocusOut);
    };
  }, []);
  useEffect(() => {
    const el = group.current;
    if (!el || !hadFocus.current || el.contains(document.activeElement)) return;
    if (document.activeElement && document.activeElement !== document.body) return;
    el.querySelector<HTMLButtonElement>("button")?.focus();
  }, [status, busy]);
  return group;
}

function withBuildNotice(
  problems: Outcome["problems"],
  build: ToolDetailBuildFragment | null | undefined,
  what: string,
): Outcome {
  if (problems.length > 0 || !build) return { problems };
  return { problems, notice: { text: `${what}: build #${build.number}.`, build } };
}

/** The running action, the last success, and the problems that name no field. */
function ActionFeedback({ runner }: { runner: ActionRunner }) {
  const { busy, failed, notice } = runner;
  return (
    <>
      <p role="status" className="detail-status-line">
        {busy ? (
          <span className="muted">{BUSY_TEXT[busy]}</span>
        ) : notice ? (
          <span className="detail-ok">
            {notice.text}{" "}
            {notice.build && <Link href={buildPath(notice.build.id)}>View build #{notice.build.number}</Link>}
          </span>
        ) : null}
      </p>
      {failed && <ErrorList errors={formErrors(failed.problems, FIELDS)} />}
    </>
  );
}

function UpdateForm({ tool, runner }: { tool: ToolDetailToolFragment; runner: ActionRunner }) {
  const [ref, setRef] = useState("");
  const [, update] = useMutation(ToolDetailUpdateMutation);
  const { busy, failed } = runner;
  const refErrors = failed?.action === "update" ? errorsFor(failed.problems, "ref") : [];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void runner.run("update", async () => {
      const wanted = ref.trim() || null;
      const { payload, problems } = problemsOf(await update({ id: tool.id, ref: wanted }), (d) => d.updateTool);
      if (problems.length === 0) setRef("");
      return withBuildNotice(problems, payload?.build, "Update queued");
    });
  };

  return (
    <form className="detail-inline-form" onSubmit={submit} noValidate>
      <div className="detail-inline-field">
        <label htmlFor="detail-update-ref">Ref</label>
        <input
          id="detail-update-ref"
          className="detail-mono-input"
          value={ref}
          placeholder={tool.ref ?? "default branch"}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setRef(e.target.value)}
          aria-describedby={`detail-update-help${refErrors.length ? " detail-update-ref-errors" : ""}`}
          aria-invalid={refErrors.length > 0 || undefined}
        />
        <p className="muted detail-note" id="detail-update-help">
          Builds the newest commit of {tool.ref ? <code>{tool.ref}</code> : "the default branch"}; give
          another branch or tag to track that from now on.
        </p>
        <FieldErrors id="detail-update-ref-errors" errors={refErrors} />
      </div>
      <ActionButton type="submit" busy={busy === "update"} blocked={busy !== null}>
        Update
      </ActionButton>
    </form>
  );
}

interface RollbackProps {
  tool: ToolDetailToolFragment;
  runner: ActionRunner;
  buildsKey: string;
}

/** Successful builds other than the one running, newest first: the ones to go back to. */
function useRollbackTargets(tool: ToolDetailToolFragment, buildsKey: string) {
  const [{ data }, reexecute] = useQuery({
    query: ToolDetailRollbackTargetsQuery,
    variables: { id: tool.id },
  });
  // A build was added or ended: ask again (a build that just succeeded is a target now).
  const askedFor = useRef(buildsKey);
  useEffect(() => {
    if (askedFor.current === buildsKey) return;
    askedFor.current = buildsKey;
    reexecute({ requestPolicy: "network-only" });
  }, [buildsKey, reexecute]);
  const builds = data?.tool?.builds.nodes ?? [];
  return builds.filter((build) => build.status === "SUCCEEDED" && build.id !== tool.currentBuild?.id);
}

function RollbackForm({ tool, runner, buildsKey }: RollbackProps) {
  const targets = useRollbackTargets(tool, buildsKey);
  const [chosen, setChosen] = useState("");
  const [, rollback] = useMutation(ToolDetailRollbackMutation);
  const { busy, failed } = runner;
  if (targets.length === 0) return null;
  const target = targets.find((build) => build.id === chosen) ?? targets[0];
  const buildErrors = failed?.action === "rollback" ? errorsFor(failed.problems, "buildId") : [];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void runner.run("rollback", async () => {
      const { payload, problems } = problemsOf(
        await rollback({ id: tool.id, buildId: target.id }),
        (d) => d.rollbackTool,
      );
      return withBuildNotice(problems, payload?.build, `Rollback to build #${target.number} queued`);
    });
  };

  return (
    <form className="detail-inline-form" onSubmit={submit} noValidate>
      <div className="detail-inline-field">
        <label htmlFor="detail-rollback-target">Rollback to build</label>
        <select
          id="detail-rollback-target"
          value={target.id}
          onChange={(e) => setChosen(e.target.value)}
          aria-describedby={buildErrors.length ? "detail-rollback-errors" : undefined}
          aria-invalid={buildErrors.length > 0 || undefined}
        >
          {targets.map((build) => (
            <option key={build.id} value={build.id}>
              #{build.number} ({shortSha(build.commitSha) ?? "no commit"})
            </option>
          ))}
        </select>
        <FieldErrors id="detail-rollback-errors" errors={buildErrors} />
      </div>
      <ActionButton type="submit" busy={busy === "rollback"} blocked={busy !== null}>
        Rollback
      </ActionButton>
    </form>
  );
}

// Where a build is: QUEUED → CLONING → BUILDING → STARTING → SUCCEEDED, live. The first
// `buildUpdated` event is the build as it is now, and each one lands in the normalised cache,
// so the query below (and every other view of this build) follows it.
import { useQuery, useSubscription } from "urql";
import type { BuildLiveFieldsFragment, BuildPhase, BuildStatus } from "../gql/graphql";
import { StatusBadge } from "../ui/StatusBadge";
import { BuildPhasesLiveSubscription, BuildPhasesQuery } from "./documents";
import "./builds.css";

const STEPS = ["QUEUED", "CLONING", "BUILDING", "STARTING", "SUCCEEDED"] as const;
type Step = (typeof STEPS)[number];
type StepState = "done" | "current" | "failed" | "cancelled" | "pending";

const STATE_TEXT: Record<StepState, string> = {
  done: "done",
  current: "in progress",
  failed: "failed",
  cancelled: "cancelled",
  pending: "not reached",
};
const STATE_MARK: Record<StepState, string> = { done: "✓", current: "●", failed: "✕", cancelled: "–", pending: "○" };

const PHASE_NAME: Record<BuildPhase, string> = {
  QUEUED: "queued",
  CLONING: "cloning",
  BUILDING: "building",
  STARTING: "starting",
};

/** The step a build has reached: where it is, where it failed, or where it was cancelled (a
 * cancelled build says no phase, so what it left behind tells: started, cloned, image built). */
function reachedStep(build: BuildLiveFieldsFragment): Step {
  switch (build.status) {
    case "FAILED":
      return build.failure?.phase ?? "QUEUED";
    case "CANCELLED":
      if (build.image) return "STARTING";
      if (build.commitSha) return "BUILDING";
      return build.startedAt ? "CLONING" : "QUEUED";
    default:
      return build.status;
  }
}

const END_STATE: Partial<Record<BuildStatus, StepState>> = {
  FAILED: "failed",
  CANCELLED: "cancelled",
  SUCCEEDED: "done",
};

function stepStates(build: BuildLiveFieldsFragment): Record<Step, StepState> {
  const at = STEPS.indexOf(reachedStep(build));
  const states = {} as Record<Step, StepState>;
  STEPS.forEach((step, index) => {
    if (index < at) states[step] = "done";
    else if (index > at) states[step] = "pending";
    else states[step] = END_STATE[build.status] ?? "current";
  });
  return states;
}

export function BuildPhases({ buildId }: { buildId: string }) {
  const [{ data, error }] = useQuery({ query: BuildPhasesQuery, variables: { id: buildId } });
  useSubscription({ query: BuildPhasesLiveSubscription, variables: { buildId } });
  const build = data?.build;
  if (!build) {
    if (error) return <p role="alert" className="error-box">The build's phases could not be loaded.</p>;
    if (data) return <p className="muted">There is no such build.</p>;
    return <p className="muted" aria-busy="true">Loading the build's phases…</p>;
  }
  return <PhaseList build={build} />;
}

function PhaseList({ build }: { build: BuildLiveFieldsFragment }) {
  const states = stepStates(build);
  // The step being worked on, or where the build ended.
  const currentStep = reachedStep(build);
  return (
    <div className="builds-phases-box">
      <p className="builds-phases-summary">
        <span>Status:</span> <StatusBadge status={build.status} />
        {build.status === "CANCELLED" && <span>The build was cancelled.</span>}
      </p>
      <ol className="builds-phases" aria-label="Build phases">
        {STEPS.map((step) => (
          <li
            key={step}
            className="builds-phase"
            data-state={states[step]}
            aria-current={step === currentStep ? "step" : undefined}
          >
            <span className="builds-phase-mark" aria-hidden="true">
              {STATE_MARK[states[step]]}
            </span>
            <span>{step}</span>
            <span className="builds-phase-state">({STATE_TEXT[states[step]]})</span>
          </li>
        ))}
      </ol>
      {build.status === "FAILED" && build.failure && (
        <div className="error-box builds-failure">
          <p>
            Failed while {PHASE_NAME[build.failure.phase]} (phase {build.failure.phase}), code{" "}
            <code>{build.failure.code}</code>:
          </p>
          <p>{build.failure.message}</p>
        </div>
      )}
      {build.status === "FAILED" && !build.failure && <p className="error-box">The build failed.</p>}
    </div>
  );
}

// "Cancel build" for maintainers and admins while the build is queued or running. The build's
// new status comes back in the payload (and by `buildUpdated`) into the normalised cache.
import { useState } from "react";
import { useMutation } from "urql";
import { canOperate, useViewer } from "../app/viewer";
import type { BuildStatus } from "../gql/graphql";
import { ErrorList, type Problem } from "../ui/errors";
import { CancelBuildMutation } from "./documents";
import { isActiveBuild } from "./format";

export function CancelBuildButton({ buildId, status }: { buildId: string; status: BuildStatus }) {
  const viewer = useViewer();
  const [{ fetching }, cancelBuild] = useMutation(CancelBuildMutation);
  const [problems, setProblems] = useState<Problem[]>([]);
  if (!canOperate(viewer)) return null;

  const cancel = async () => {
    setProblems([]);
    const result = await cancelBuild({ input: { id: buildId } });
    if (result.error) setProblems([{ code: "NETWORK", message: "The server did not answer; try again." }]);
    else setProblems(result.data?.cancelBuild.errors ?? []);
  };

  return (
    <>
      {isActiveBuild(status) && (
        <p className="actions">
          <button type="button" className="danger" onClick={() => void cancel()} disabled={fetching}>
            {fetching ? "Cancelling…" : "Cancel build"}
          </button>
        </p>
      )}
      <ErrorList errors={problems} />
    </>
  );
}

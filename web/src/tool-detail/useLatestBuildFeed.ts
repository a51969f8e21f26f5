import { useSubscription } from "urql";
import type { ToolDetailBuildFragment } from "../gql/graphql";
import { ToolDetailBuildLiveSubscription } from "./documents";
import { isActiveBuild } from "./format";

/** Follows the latest build while it runs; its events update the cached Build (so its badge,
 * its history row and the Cancel build button) without the tool itself changing. */
export function useLatestBuildFeed(build: ToolDetailBuildFragment | null) {
  const active = isActiveBuild(build?.status);
  useSubscription({
    query: ToolDetailBuildLiveSubscription,
    variables: { buildId: build?.id ?? "" },
    pause: !build || !active,
  });
}

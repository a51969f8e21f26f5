// A mutation's outcome as the problems to show: its payload errors, or one problem when the
// request itself failed (network, masked server error), so a form never fails silently.
import type { CombinedError } from "urql";
import type { Problem } from "../ui/errors";

export const NO_ANSWER: Problem = { code: "INTERNAL_ERROR", message: "The server did not answer." };

export function problemsOf(
  error: CombinedError | undefined,
  payload: { errors: readonly Problem[] } | null | undefined,
): Problem[] {
  if (payload) return [...payload.errors];
  if (error?.graphQLErrors.length) {
    return error.graphQLErrors.map((e) => ({
      code: String(e.extensions?.code ?? "INTERNAL_ERROR"),
      message: e.message,
    }));
  }
  return [NO_ANSWER];
}

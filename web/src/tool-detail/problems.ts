// Turning a mutation's answer into the problems to show: its payload `errors`, or, when the
// request itself failed, one problem saying so.
import type { CombinedError, OperationResult } from "urql";
import type { Problem } from "../ui/errors";

export function transportProblems(error: CombinedError): Problem[] {
  const message = error.graphQLErrors[0]?.message ?? "The server did not answer. Try again.";
  return [{ code: "INTERNAL_ERROR", message }];
}

/** The payload's errors (empty on success), or the request's failure as a problem. */
export function problemsOf<Data, Payload extends { errors: readonly Problem[] }>(
  result: OperationResult<Data>,
  payload: (data: Data) => Payload,
): { payload: Payload | null; problems: Problem[] } {
  if (result.data) {
    const answer = payload(result.data);
    return { payload: answer, problems: [...answer.errors] };
  }
  if (result.error) return { payload: null, problems: transportProblems(result.error) };
  return { payload: null, problems: [{ code: "INTERNAL_ERROR", message: "The server sent no answer." }] };
}

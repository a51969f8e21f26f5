import { useEffect, useRef, useState } from "react";
import { useMutation } from "urql";
import type { AdminApiTokenFragment } from "../../gql/graphql";
import { ErrorList, type Problem } from "../../ui/errors";
import { RevokeApiTokenMutation } from "../documents";
import { problemsOf } from "../problems";

/**
 * "Revoke <name>", then a confirmation: a revoked token stops working at once, for good. Once
 * revoked here, the control becomes a focused "Revoked." (focus stays in the row, not lost).
 */
export function RevokeTokenButton({ token, active }: { token: AdminApiTokenFragment; active: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const [revoked, setRevoked] = useState(false);
  const revokedNote = useRef<HTMLSpanElement>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [{ fetching }, revoke] = useMutation(RevokeApiTokenMutation);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const revokeButton = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);

  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
    else if (returnFocus.current) revokeButton.current?.focus();
    returnFocus.current = false;
  }, [confirming]);

  async function confirm() {
    if (fetching) return;
    const result = await revoke({ input: { id: token.id } });
    const payload = result.data?.revokeApiToken;
    returnFocus.current = true;
    setConfirming(false);
    if (payload?.apiToken && payload.errors.length === 0) setRevoked(true);
    else setProblems(problemsOf(result.error, payload));
  }

  useEffect(() => {
    if (revoked && !active) revokedNote.current?.focus();
  }, [revoked, active]);

  function cancel() {
    if (fetching) return;
    returnFocus.current = true;
    setConfirming(false);
  }

  if (!active) {
    return revoked ? (
      <span ref={revokedNote} tabIndex={-1} role="status">
        Revoked.
      </span>
    ) : (
      <span className="muted">—</span>
    );
  }
  return (
    <div className="admin-revoke">
      {confirming ? (
        <div className="admin-confirm">
          <span>Revoke “{token.name}”? Anything using it stops working.</span>
          <span className="actions">
            <button
              ref={confirmButton}
              type="button"
              className="danger"
              aria-disabled={fetching || undefined}
              onClick={() => void confirm()}
            >
              Yes, revoke<span className="visually-hidden"> {token.name}</span>
            </button>
            <button type="button" onClick={cancel} aria-disabled={fetching || undefined}>
              Cancel
            </button>
          </span>
        </div>
      ) : (
        <button ref={revokeButton} type="button" className="danger" onClick={() => setConfirming(true)}>
          Revoke<span className="visually-hidden"> {token.name}</span>
        </button>
      )}
      <ErrorList errors={problems} />
    </div>
  );
}

// One action at a time: which one runs (for its busy state), what the last one reported, and
// which action its problems belong to (so a field's errors show next to that action's field).
import { useCallback, useRef, useState } from "react";
import type { Problem } from "../ui/errors";

export type ActionName =
  | "start"
  | "stop"
  | "restart"
  | "update"
  | "rebuild"
  | "rollback"
  | "cancel";

export interface Outcome {
  problems: Problem[];
  /** Said in the status line after a success. */
  notice?: Notice;
}

export interface Notice {
  text: string;
  build?: { id: string; number: number };
}

export interface ActionRunner {
  busy: ActionName | null;
  failed: { action: ActionName; problems: Problem[] } | null;
  notice: Notice | null;
  run: (action: ActionName, work: () => Promise<Outcome>) => Promise<void>;
}

export function useActionRunner(): ActionRunner {
  const [busy, setBusy] = useState<ActionName | null>(null);
  const [failed, setFailed] = useState<ActionRunner["failed"]>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  // A ref as well as state: two clicks in one frame must not both start.
  const running = useRef(false);

  const run = useCallback(async (action: ActionName, work: () => Promise<Outcome>) => {
    if (running.current) return;
    running.current = true;
    setBusy(action);
    setFailed(null);
    setNotice(null);
    try {
      const outcome = await work();
      if (outcome.problems.length > 0) setFailed({ action, problems: outcome.problems });
      else setNotice(outcome.notice ?? null);
    } catch {
      setFailed({ action, problems: [{ code: "INTERNAL_ERROR", message: "The server did not answer. Try again." }] });
    } finally {
      running.current = false;
      setBusy(null);
    }
  }, []);

  return { busy, failed, notice, run };
}

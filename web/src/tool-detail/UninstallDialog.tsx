// Uninstall asks first, in a modal <dialog>: what goes away, whether to keep the data directory.
// The native dialog traps focus and closes on Escape; focus starts on the safe choice.
import { useEffect, useId, useRef, useState } from "react";
import { useMutation } from "urql";
import type { ToolDetailToolFragment } from "../gql/graphql";
import { ErrorList, type Problem } from "../ui/errors";
import { ToolDetailUninstallMutation } from "./documents";
import { problemsOf } from "./problems";

interface Props {
  tool: ToolDetailToolFragment;
  onUninstalled: () => void;
}

export function UninstallDialog({ tool, onUninstalled }: Props) {
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);
  // Back to the button that opened it, once the modal dialog is gone (while it is open the rest
  // of the page is inert and cannot take the focus).
  useEffect(() => {
    if (wasOpen.current && !open) opener.current?.focus();
    wasOpen.current = open;
  }, [open]);
  return (
    <div className="detail-uninstall">
      <button type="button" className="danger" ref={opener} onClick={() => setOpen(true)}>
        Uninstall
      </button>
      {open && (
        <ConfirmUninstall
          tool={tool}
          onClose={() => setOpen(false)}
          onUninstalled={onUninstalled}
        />
      )}
    </div>
  );
}

interface ConfirmProps extends Props {
  onClose: () => void;
}

function ConfirmUninstall({ tool, onClose, onUninstalled }: ConfirmProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const keepButton = useRef<HTMLButtonElement>(null);
  const [keepData, setKeepData] = useState(false);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Problem[]>([]);
  const [, uninstall] = useMutation(ToolDetailUninstallMutation);
  const titleId = useId();
  const descriptionId = useId();
  const keepDataId = useId();

  useEffect(() => {
    const el = dialog.current;
    if (!el) return;
    if (!el.open) el.showModal();
    keepButton.current?.focus();
    return () => {
      if (el.open) el.close();
    };
  }, []);

  async function confirm() {
    if (busy) return;
    setBusy(true);
    setErrors([]);
    const result = await uninstall({ id: tool.id, keepData });
    const { problems } = problemsOf(result, (data) => data.uninstallTool);
    if (problems.length === 0) {
      onUninstalled();
      return;
    }
    setBusy(false);
    setErrors(problems);
  }

  return (
    <dialog
      ref={dialog}
      className="detail-dialog"
      aria-labelledby={titleId}
      aria-describedby={descriptionId}
      onCancel={(event) => {
        // Escape closes, except while the uninstall is under way (it cannot be called back).
        event.preventDefault();
        if (!busy) onClose();
      }}
    >
      <h2 id={titleId}>Uninstall {tool.name}?</h2>
      <div id={descriptionId}>
        <p>This removes, and cannot be undone:</p>
        <ul>
          <li>its container and every image built for it;</li>
          <li>its build history and build logs, and its health history;</li>
          <li>its variables and secrets;</li>
          <li>its data directory (its volumes), unless you keep it below.</li>
        </ul>
        <p>A build that is running is cancelled first.</p>
      </div>
      <div className="detail-checkbox">
        <input
          id={keepDataId}
          type="checkbox"
          checked={keepData}
          onChange={(e) => setKeepData(e.target.checked)}
        />
        <label htmlFor={keepDataId}>Keep data</label>
      </div>
      <p className="muted detail-note">
        With Keep data, the tool's data directory stays on the server; everything else is removed.
      </p>
      <ErrorList errors={errors} />
      <p role="status" className="muted">
        {busy ? `Uninstalling ${tool.name}…` : ""}
      </p>
      <div className="actions">
        <button
          type="button"
          className="danger"
          onClick={() => void confirm()}
          aria-busy={busy || undefined}
          aria-disabled={busy || undefined}
        >
          Confirm uninstall
        </button>
        <button type="button" ref={keepButton} onClick={() => !busy && onClose()} aria-disabled={busy || undefined}>
          Keep tool
        </button>
      </div>
    </dialog>
  );
}

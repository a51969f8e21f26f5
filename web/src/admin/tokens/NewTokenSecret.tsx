import { useEffect, useRef, useState } from "react";
import type { CreatedToken } from "./CreateTokenForm";

/**
 * The secret of a token just created, shown this once. It lives only in the page's state: it is
 * gone when the page is left or reloaded, and the API never returns it again.
 */
export function NewTokenSecret({ token, onDismiss }: { token: CreatedToken; onDismiss: () => void }) {
  const box = useRef<HTMLElement>(null);
  const secret = useRef<HTMLElement>(null);
  const [copyStatus, setCopyStatus] = useState("");

  // Move focus here so keyboard and screen-reader users land on the secret they must copy.
  useEffect(() => box.current?.focus(), [token]);

  function selectSecret() {
    const node = secret.current;
    const selection = window.getSelection();
    if (!node || !selection) return;
    const range = document.createRange();
    range.selectNodeContents(node);
    selection.removeAllRanges();
    selection.addRange(range);
  }

  async function copy() {
    try {
      if (!navigator.clipboard) throw new Error("no clipboard");
      await navigator.clipboard.writeText(token.secret);
      setCopyStatus("Copied to the clipboard.");
    } catch {
      // No clipboard access (permissions, insecure context): select it for Ctrl+C instead.
      selectSecret();
      setCopyStatus("Could not copy; the token is selected: press Ctrl+C (⌘C) to copy it.");
    }
  }

  return (
    <section ref={box} className="admin-secret" tabIndex={-1} aria-labelledby="admin-secret-title">
      <h2 id="admin-secret-title">Your new token “{token.name}”</h2>
      <p>
        <strong>Copy it now: it will not be shown again.</strong> Send it as{" "}
        <code>Authorization: Bearer …</code>.
      </p>
      <code ref={secret} className="admin-secret-value">
        {token.secret}
      </code>
      <div className="actions">
        <button type="button" className="primary" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" onClick={onDismiss}>
          Done
        </button>
        <span role="status" className="admin-status">
          {copyStatus}
        </span>
      </div>
    </section>
  );
}

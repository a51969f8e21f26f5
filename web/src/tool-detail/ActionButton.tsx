import type { ReactNode } from "react";

interface Props {
  children: ReactNode;
  onClick?: () => void;
  /** This button's action is running. */
  busy: boolean;
  /** Another action is running: clicks are ignored, but the button keeps its focus. */
  blocked: boolean;
  type?: "button" | "submit";
  className?: string;
}

/** A button whose name stays the same while its action runs (names are a contract); the busy
 * state is told by aria-busy and a status text beside the buttons. It is never `disabled`, so
 * the keyboard focus stays on it. */
export function ActionButton({ children, onClick, busy, blocked, type = "button", className }: Props) {
  return (
    <button
      type={type}
      className={className}
      onClick={blocked || busy ? (e) => e.preventDefault() : onClick}
      aria-busy={busy || undefined}
      aria-disabled={blocked || busy || undefined}
    >
      {busy && <span className="detail-spinner" aria-hidden="true" />}
      {children}
    </button>
  );
}

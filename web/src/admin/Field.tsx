import type { ReactNode } from "react";
import { FieldErrors, type Problem } from "../ui/errors";

interface Props {
  id: string;
  label: string;
  hint?: string;
  errors: readonly Problem[];
  /** The control, given the ids it must point at (aria-describedby) and whether it is invalid. */
  children: (control: {
    id: string;
    describedBy: string | undefined;
    invalid: true | undefined;
  }) => ReactNode;
}

/** A labelled form control with its hint and the payload errors that name it. */
export function Field({ id, label, hint, errors, children }: Props) {
  const hintId = hint ? `${id}-hint` : "";
  const errorsId = errors.length ? `${id}-errors` : "";
  const describedBy = [hintId, errorsId].filter(Boolean).join(" ") || undefined;
  return (
    <div className="admin-field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="muted admin-hint" id={hintId}>
          {hint}
        </p>
      )}
      {children({ id, describedBy, invalid: errors.length ? true : undefined })}
      <FieldErrors id={`${id}-errors`} errors={errors} />
    </div>
  );
}

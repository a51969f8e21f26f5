import type { InputHTMLAttributes } from "react";
import { FieldErrors, type Problem } from "../../ui/errors";

interface Props extends Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "value" | "onChange"> {
  id: string;
  label: string;
  hint?: string;
  value: string;
  onValue: (value: string) => void;
  errors: readonly Problem[];
}

/** A labelled input with its hint and the payload errors that name it. */
export function TextField({ id, label, hint, value, onValue, errors, ...input }: Props) {
  const hintId = hint ? `${id}-hint` : "";
  const errorsId = errors.length ? `${id}-errors` : "";
  const describedBy = [hintId, errorsId].filter(Boolean).join(" ") || undefined;
  return (
    <div className="install-field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="muted install-hint" id={hintId}>
          {hint}
        </p>
      )}
      <input
        {...input}
        id={id}
        value={value}
        onChange={(e) => onValue(e.target.value)}
        aria-invalid={errors.length ? true : undefined}
        aria-describedby={describedBy}
      />
      <FieldErrors id={`${id}-errors`} errors={errors} />
    </div>
  );
}

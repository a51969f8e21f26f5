// Payload errors are shown next to the field they name; the rest above the form.

/** A payload's `UserError` (or a problem the page found itself). */
export interface Problem {
  code: string;
  message: string;
  field?: readonly string[] | null;
  line?: number | null;
}

/** Errors whose `field` is `["input", name, ...]`. */
export function errorsFor(errors: readonly Problem[], name: string): Problem[] {
  return errors.filter((e) => e.field?.[0] === "input" && e.field?.[1] === name);
}

/** Errors that name no input field of the form. */
export function formErrors(errors: readonly Problem[], fields: readonly string[]): Problem[] {
  return errors.filter((e) => !(e.field?.[0] === "input" && fields.includes(e.field?.[1] ?? "")));
}

export function FieldErrors({ id, errors }: { id: string; errors: readonly Problem[] }) {
  if (errors.length === 0) return null;
  return (
    <ul className="field-errors" id={id}>
      {errors.map((e, i) => (
        <li key={i}>{e.message}</li>
      ))}
    </ul>
  );
}

export function ErrorList({ errors }: { errors: readonly Problem[] }) {
  if (errors.length === 0) return null;
  return (
    <div role="alert" className="error-box">
      <ul>
        {errors.map((e, i) => (
          <li key={i}>
            {e.line != null && <span className="line">line {e.line}: </span>}
            {e.field && e.field[0] === "machete.yml" && (
              <code className="path">{e.field.slice(1).join(".")}</code>
            )}{" "}
            {e.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

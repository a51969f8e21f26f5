import { useRef } from "react";
import { FieldErrors, type Problem } from "../../ui/errors";
import { emptyRow, type VariableRow } from "./variables";

interface Props {
  /** "variable" or "secret": names the labels ("Variable name 1") and buttons ("Add variable"). */
  noun: "variable" | "secret";
  legend: string;
  hint: string;
  rows: VariableRow[];
  onChange: (rows: VariableRow[]) => void;
  errors: readonly Problem[];
}

/** Name/value rows; secret values are typed into password inputs and never shown back. */
export function VariablesEditor({ noun, legend, hint, rows, onChange, errors }: Props) {
  const Noun = noun[0].toUpperCase() + noun.slice(1);
  const id = `install-${noun}s`;
  const addButton = useRef<HTMLButtonElement>(null);
  const focusNameOf = useRef<number | null>(null);

  const update = (key: number, change: Partial<VariableRow>) =>
    onChange(rows.map((row) => (row.key === key ? { ...row, ...change } : row)));
  const add = () => {
    const row = emptyRow();
    focusNameOf.current = row.key;
    onChange([...rows, row]);
  };
  const remove = (key: number) => {
    onChange(rows.filter((row) => row.key !== key));
    addButton.current?.focus();
  };

  const describedBy = [`${id}-hint`, errors.length ? `${id}-errors` : ""].filter(Boolean).join(" ");
  return (
    <fieldset id={id} className="install-variables" aria-describedby={describedBy}>
      <legend>{legend}</legend>
      <p className="muted install-hint" id={`${id}-hint`}>
        {hint}
      </p>
      {rows.length > 0 && (
        <ol className="install-rows">
          {rows.map((row, index) => {
            const n = index + 1;
            const nameId = `${id}-name-${row.key}`;
            const valueId = `${id}-value-${row.key}`;
            return (
              <li key={row.key} className="install-row">
                <div>
                  <label htmlFor={nameId}>{`${Noun} name ${n}`}</label>
                  <input
                    id={nameId}
                    value={row.name}
                    autoComplete="off"
                    spellCheck={false}
                    ref={(input) => {
                      if (input && focusNameOf.current === row.key) {
                        focusNameOf.current = null;
                        input.focus();
                      }
                    }}
                    onChange={(e) => update(row.key, { name: e.target.value })}
                  />
                </div>
                <div>
                  <label htmlFor={valueId}>{`${Noun} value ${n}`}</label>
                  <input
                    id={valueId}
                    type={noun === "secret" ? "password" : "text"}
                    value={row.value}
                    autoComplete={noun === "secret" ? "new-password" : "off"}
                    spellCheck={false}
                    onChange={(e) => update(row.key, { value: e.target.value })}
                  />
                </div>
                <button type="button" className="install-remove" onClick={() => remove(row.key)}>
                  {`Remove ${noun} ${n}`}
                </button>
              </li>
            );
          })}
        </ol>
      )}
      <FieldErrors id={`${id}-errors`} errors={errors} />
      <button type="button" ref={addButton} onClick={add}>
        {`Add ${noun}`}
      </button>
    </fieldset>
  );
}

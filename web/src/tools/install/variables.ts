// Rows of the environment and secrets editors. Each row has its own key so React keeps a row's
// inputs (and focus) when another row is removed.
export interface VariableRow {
  key: number;
  name: string;
  value: string;
}

let nextKey = 1;

export function emptyRow(): VariableRow {
  return { key: nextKey++, name: "", value: "" };
}

/** The rows to send: blank rows are ignored, anything typed is sent (the server judges it). */
export function filledRows(rows: readonly VariableRow[]): { name: string; value: string }[] {
  return rows
    .filter((row) => row.name.trim() !== "" || row.value !== "")
    .map((row) => ({ name: row.name.trim(), value: row.value }));
}

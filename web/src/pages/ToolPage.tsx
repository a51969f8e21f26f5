// Placeholder: being written.
export function ToolPage({ name }: { name: string }) {
  return <h1>{name}</h1>;
}

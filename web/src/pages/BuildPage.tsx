// Placeholder: being written.
export function BuildPage({ id }: { id: string }) {
  return <h1>Build {id}</h1>;
}

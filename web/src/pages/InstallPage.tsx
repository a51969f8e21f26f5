// Placeholder: being written.
export function InstallPage() {
  return <h1>Install</h1>;
}

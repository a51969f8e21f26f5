import { canOperate, useViewer } from "../app/viewer";
import { InstallForm } from "../tools/install/InstallForm";

/** `/install`: check a repository's manifest, then install it and follow its build. */
export function InstallPage() {
  const viewer = useViewer();
  return (
    <>
      <h1>Install a tool</h1>
      {canOperate(viewer) ? (
        <InstallForm />
      ) : (
        <p className="card">
          You cannot install tools: your role is {viewer.role}. Ask a maintainer or an admin to install one.
        </p>
      )}
    </>
  );
}

// Saves text as a file from memory: a Blob, an object URL and a temporary <a download>.
export function downloadText(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked a moment later: revoking at once can cancel the download in some browsers.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** `<tool>-<number>.log` when the build is known, else a name made from its ID. */
export function logFileName(buildId: string, toolName?: string | null, number?: number | null): string {
  const base = toolName && number != null ? `${toolName}-${number}` : `build-${buildId}`;
  return `${base.replace(/[^A-Za-z0-9._-]+/g, "-")}.log`;
}

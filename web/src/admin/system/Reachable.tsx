/** Whether a dependency answers, as a word first (the colour only repeats it). */
export function Reachable({ reachable, label }: { reachable: boolean; label: string }) {
  const word = reachable ? "reachable" : "unreachable";
  return (
    <span className={`badge ${reachable ? "ok" : "bad"}`} aria-label={`${label}: ${word}`}>
      {word}
    </span>
  );
}

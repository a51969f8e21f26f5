// The lines of one build's log that the viewer holds, in seq order, each seq once. It lives
// outside React state: a chunk is appended in place and the view is told to redraw, so a
// 100,000-line log never copies or re-renders every line.
import type { LogStream } from "../gql/graphql";
import type { LineView } from "./terminalText";

export interface IncomingLine {
  seq: number;
  stream: LogStream;
  text: string;
}

export interface HeldLine extends IncomingLine {
  /** How the line is drawn, worked out the first time it is on screen. */
  view?: LineView;
}

export interface AppendResult {
  added: number;
  /** The next line came after a missing seq; nothing from it on was kept. */
  gap: boolean;
}

export class LogStore {
  readonly lines: HeldLine[] = [];

  get lastSeq(): number {
    return this.lines.length === 0 ? 0 : this.lines[this.lines.length - 1].seq;
  }

  /** Keeps the lines after the last one held. A line after a missing seq stops the append
   * (the caller asks again from `lastSeq`) unless `acceptGap` says the gap is for real. */
  append(incoming: readonly IncomingLine[], acceptGap = false): AppendResult {
    let added = 0;
    for (const line of incoming) {
      const last = this.lastSeq;
      if (line.seq <= last) continue; // already held: a replay after a resume
      if (line.seq > last + 1 && !acceptGap) return { added, gap: true };
      this.lines.push({ seq: line.seq, stream: line.stream, text: line.text });
      added += 1;
    }
    return { added, gap: false };
  }

  /** The raw log as stored: every held line's original text, one per line, in seq order. */
  rawText(): string {
    if (this.lines.length === 0) return "";
    return this.lines.map((line) => line.text).join("\n") + "\n";
  }
}

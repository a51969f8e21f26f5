// The lines of one build's log that the viewer holds, in seq order, each seq once. It lives
// outside React state: a chunk is appended in place and the view is told to redraw, so a
// 100,000-line log never copies or re-renders every line.
//
// Held column by column (seqs, streams, texts) rather than as one object per line: a long log
// then costs its text and a few bytes a line, and appending a chunk allocates nothing that
// outlives it. How a line is drawn is worked out by the row that shows it, never stored here.
import type { LogStream } from "../gql/graphql";

export interface IncomingLine {
  seq: number;
  stream: LogStream;
  text: string;
}

export interface AppendResult {
  added: number;
  /** The next line came after a missing seq; nothing from it on was kept. */
  gap: boolean;
}

// Streams are kept as small integers (an index into this list).
const STREAMS: readonly LogStream[] = ["STDOUT", "STDERR", "SYSTEM"];

export class LogStore {
  private readonly seqs: number[] = [];
  private readonly streams: number[] = [];
  private readonly texts: string[] = [];

  /** How many lines are held. */
  get size(): number {
    return this.texts.length;
  }

  get lastSeq(): number {
    const size = this.seqs.length;
    return size === 0 ? 0 : this.seqs[size - 1];
  }

  seqAt(index: number): number {
    return this.seqs[index];
  }

  streamAt(index: number): LogStream {
    return STREAMS[this.streams[index]] ?? "STDOUT";
  }

  textAt(index: number): string {
    return this.texts[index];
  }

  /** Keeps the lines after the last one held. A line after a missing seq stops the append
   * (the caller asks again from `lastSeq`) unless `acceptGap` says the gap is for real. */
  append(incoming: readonly IncomingLine[], acceptGap = false): AppendResult {
    let added = 0;
    let last = this.lastSeq;
    for (const line of incoming) {
      if (line.seq <= last) continue; // already held: a replay after a resume
      if (line.seq > last + 1 && !acceptGap) return { added, gap: true };
      const stream = STREAMS.indexOf(line.stream);
      this.seqs.push(line.seq);
      this.streams.push(stream < 0 ? 0 : stream);
      this.texts.push(line.text);
      last = line.seq;
      added += 1;
    }
    return { added, gap: false };
  }

  /** The raw log as stored: every held line's original text, one per line, in seq order. */
  rawText(): string {
    if (this.texts.length === 0) return "";
    return this.texts.join("\n") + "\n";
  }
}

// Progress of long batch work on stderr: a cli-progress bar when stderr is a terminal, otherwise a
// plain line at most once per interval (and always at the end), so logs and CI output stay readable.
import cliProgress from 'cli-progress';

export interface Progress {
  update(itemsDone: number, chunksDone: number): void;
  stop(): void;
}

export interface ProgressOptions {
  label: string;
  total: number;
  chunks: number;
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  tty?: boolean;
  intervalMs?: number;
  now?: () => number;
}

export function createProgress(opts: ProgressOptions): Progress {
  const stream = opts.stream ?? process.stderr;
  const tty = opts.tty ?? Boolean(stream.isTTY);
  if (tty) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${opts.label} [{bar}] {value}/{total} items | chunk {chunk}/{chunks} | {duration_formatted}`,
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(opts.total, 0, { chunk: 0, chunks: opts.chunks });
    return {
      update: (items, chunks) => bar.update(items, { chunk: chunks, chunks: opts.chunks }),
      stop: () => bar.stop(),
    };
  }
  const now = opts.now ?? Date.now;
  const interval = opts.intervalMs ?? 1000;
  let last = now();
  let current = { items: 0, chunks: 0 };
  let printed = 0;
  stream.write(`${opts.label}: sending ${opts.total} items in ${opts.chunks} chunks\n`);
  const print = () => {
    printed = current.items;
    last = now();
    stream.write(`${opts.label}: ${current.items}/${opts.total} items (chunk ${current.chunks}/${opts.chunks})\n`);
  };
  return {
    update(items, chunks) {
      current = { items, chunks };
      if (items >= opts.total || now() - last >= interval) print();
    },
    stop() {
      if (current.items !== printed) print();
    },
  };
}

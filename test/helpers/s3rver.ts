// s3rver (a local S3-protocol server) on 127.0.0.1, a free port and a temp directory, in a child
// process: s3rver encrypts its ListObjectsV2 continuation tokens with DES, which OpenSSL 3 offers only
// with its legacy provider (a Node.js flag), and without it every listing of more than 1000 keys
// fails. The child exits when its stdin closes, so it cannot outlive the test process.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface S3rverHandle {
  child: ChildProcess;
  port: number;
  endpoint: string;
  directory: string;
  stop(): Promise<void>;
}

export async function startS3rver(bucket: string, directory = mkdtempSync(join(tmpdir(), 'enclave-s3rver-'))): Promise<S3rverHandle> {
  const modulePath = createRequire(import.meta.url).resolve('s3rver');
  const script = `
    const S3rver = require(${JSON.stringify(modulePath)});
    const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: ${JSON.stringify(directory)}, configureBuckets: [{ name: ${JSON.stringify(bucket)}, configs: [] }] });
    server.run().then(({ port }) => process.stdout.write(JSON.stringify({ port }) + '\\n'), (err) => { console.error(err); process.exit(1); });
    process.stdin.on('end', () => process.exit(0));
    process.stdin.resume();
  `;
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (d: string) => (out += d));
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`s3rver exited with code ${String(code)}`);
  });
  const started = (async () => {
    while (!out.includes('\n')) await once(child.stdout ?? child, 'data');
    return (JSON.parse(out.slice(0, out.indexOf('\n'))) as { port: number }).port;
  })();
  const port = await Promise.race([started, exited]);
  exited.catch(() => undefined);
  return {
    child,
    port,
    endpoint: `http://127.0.0.1:${port}`,
    directory,
    async stop() {
      child.stdin?.end();
      if (child.exitCode === null) await once(child, 'exit');
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

// s3rver for the retention benchmarks, in a child process with OpenSSL's legacy provider (the same as
// test/helpers/s3rver.ts, for plain .mjs benchmarks).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';

export async function startS3rver(bucket, directory) {
  const modulePath = createRequire(import.meta.url).resolve('s3rver');
  const script = `const S3rver = require(${JSON.stringify(modulePath)});
    new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: ${JSON.stringify(directory)}, configureBuckets: [{ name: ${JSON.stringify(bucket)}, configs: [] }] })
      .run().then(({ port }) => process.stdout.write(JSON.stringify({ port }) + '\\n'));
    process.stdin.on('end', () => process.exit(0)); process.stdin.resume();`;
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  while (!out.includes('\n')) out += (await once(child.stdout, 'data'))[0];
  const { port } = JSON.parse(out.slice(0, out.indexOf('\n')));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    pid: child.pid,
    async stop() {
      child.stdin.end();
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

// The baseline of bench/messaging-files.mjs: a plain node:http server (its own process) that stores
// `PUT /chunks/<i>` bodies as files in RAW_FILE_DIR and serves them back on `GET /chunks/<i>` — the
// same durability as Enclave's blob directory (temp file, fsync, rename, fsync of the directory) and
// the same one-buffer-per-chunk body handling, with no authentication, database, hashing or
// encryption. Prints `listening on http://…`.
import { createReadStream } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';

const dir = process.env.RAW_FILE_DIR;
if (!dir) throw new Error('RAW_FILE_DIR is required');

const server = createServer(async (req, res) => {
  const m = /^\/chunks\/(\d+)$/.exec(req.url ?? '');
  if (!m) return res.writeHead(404).end();
  const path = join(dir, m[1].padStart(8, '0'));
  try {
    if (req.method === 'PUT') {
      const parts = [];
      for await (const p of req) parts.push(p);
      const body = Buffer.concat(parts);
      const tmp = `${path}.tmp`;
      const fh = await open(tmp, 'w');
      let off = 0;
      while (off < body.length) off += (await fh.write(body, off, body.length - off)).bytesWritten;
      await fh.sync();
      await fh.close();
      await rename(tmp, path);
      const d = await open(dir, 'r');
      await d.sync();
      await d.close();
      return res.writeHead(204).end();
    }
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return createReadStream(path, { highWaterMark: 256 * 1024 }).pipe(res);
    }
    res.writeHead(405).end();
  } catch (err) {
    res.writeHead(500).end(String(err));
  }
});
server.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

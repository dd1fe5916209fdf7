// Runs one Enclave server for a benchmark in its own process (so client and server do not share an
// event loop). Configuration comes from the environment, like `enclave serve`. Prints the URL.
import { createServer, loadConfig } from '../packages/server/dist/index.js';

const config = loadConfig({ port: 0, host: '127.0.0.1' }, { ...process.env, ENCLAVE_LOG_LEVEL: 'silent' });
const server = await createServer(config, { logger: false });
const url = await server.listen();
console.log(`listening on ${url}`);
const stop = async () => {
  await server.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

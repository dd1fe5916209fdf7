// The raw baseline of the messaging benchmarks: a bare `ws` WebSocketServer on loopback, run in its own
// process (like bench/server-process.mjs). Every text frame a socket sends is relayed unchanged to every
// other connected socket (the same loop a chat server's fan-out is, with no storage, no JSON, no
// validation), and the sender gets a short `{"t":"sent"}` back. With two sockets it is a 1:1 relay.
// Prints `listening on ws://…`. Used by messaging-fanout.mjs and messaging-latency.mjs.
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 4 * 1024 * 1024 });
const SENT = '{"t":"sent"}';
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => {
    for (const c of wss.clients) if (c !== ws && c.readyState === 1) c.send(data, { binary: isBinary });
    ws.send(SENT);
  });
  ws.on('error', () => ws.terminate());
});
wss.on('listening', () => console.log(`listening on ws://127.0.0.1:${wss.address().port}`));
const stop = () => {
  for (const c of wss.clients) c.terminate();
  wss.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

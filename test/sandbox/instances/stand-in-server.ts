import { createServer } from 'node:http';

/**
 * Stands in for the board server on an emulated instance: `/healthz`, a `/crash` endpoint that
 * exits with code 3, and, with IGNORE_SIGTERM=1, a process that has to be killed.
 */
const { HOST, PORT, INSTANCE_ID, VERSION, IGNORE_SIGTERM } = process.env;

const server = createServer((req, res) => {
  if (req.url === '/healthz') return void res.writeHead(200).end('ok');
  if (req.url === '/crash') return void res.writeHead(200).end('bye', () => process.exit(3));
  res.writeHead(404).end();
});

process.on('SIGTERM', () => {
  if (IGNORE_SIGTERM === '1') return void console.log('ignoring SIGTERM');
  console.log('stopping');
  server.close(() => process.exit(0));
  server.closeAllConnections();
});

server.listen(Number(PORT), HOST, () => {
  console.log(`listening on ${HOST}:${PORT} as ${INSTANCE_ID} version ${VERSION}`);
  console.error('warming up');
});

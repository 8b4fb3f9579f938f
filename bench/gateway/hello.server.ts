// Baseline (a): a bare Express 5 hello-world, in its own process like the gateway.
import express from 'express';

const app = express();
app.set('etag', false);
app.get('/hello', (_req, res) => {
  res.json({ message: 'hello' });
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address !== null ? address.port : 0 })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

// Serves the browser example: its page, its script (bundled from main.ts on
// start) and a `feed` whose first requests fail with 503, so the poller crashes
// and is restarted before its readings flow.
//
//   npm run example:browser   (then open the URL it prints; Ctrl-C stops it)
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { bundleExample } from './build.js';

/** A running example server. */
export interface ExampleServer {
  /** The page's URL, e.g. `http://127.0.0.1:40123/`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the example's server on 127.0.0.1; `failures` is how many feed requests answer 503. */
export async function serveExample(failures: number, port = 0): Promise<ExampleServer> {
  const page = readFileSync(resolve(__dirname, 'index.html'));
  const script = (await bundleExample()).code;
  let requests = 0;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    } else if (path === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
    } else if (path === '/feed') {
      requests++;
      if (requests <= failures) res.writeHead(503).end('warming up');
      else {
        const reading = { request: requests, temperature: 20 + Math.random() * 5 };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reading));
      }
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

if (require.main === module) {
  void serveExample(3, Number(process.env['PORT'] ?? 4100)).then(({ url }) =>
    console.log(`The browser example: open ${url} (Ctrl-C stops it)`),
  );
}

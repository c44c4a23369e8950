// A supervised poller with backoff. It polls a local HTTP server that fails its
// first three requests: each failure is an error exit, the supervisor restarts
// the poller after a growing delay, and the readings keep flowing to a
// subscriber that subscribed once, by name. After five readings the poller
// completes (a normal exit); it is `significant`, so the supervisor ends too.
//
//   npx tsx examples/poller.ts
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { concatMap, interval, lastValueFrom, take, tap } from 'rxjs';
import { fromFetch } from 'rxjs/fetch';
import { Registry, child, formatExit, published$, supervise, typedName, via } from 'rxotp';

interface Reading {
  readonly request: number;
  readonly temperature: number;
}

/** A server on 127.0.0.1, on a free port, whose first `failures` requests get a 503. */
async function flakyServer(failures: number) {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    if (requests <= failures) {
      res.writeHead(503).end('warming up');
    } else {
      const reading: Reading = { request: requests, temperature: 20 + Math.random() * 5 };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reading));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, server };
}

async function main(): Promise<void> {
  const { url, server } = await flakyServer(3);

  // One poll: a 503 is an error, so the poller crashes and is restarted.
  const poll$ = fromFetch(url, {
    selector: async (res) => {
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return (await res.json()) as Reading;
    },
  });
  // The poller is a plain Observable: its values are published, complete = normal exit.
  const poller$ = interval(100).pipe(
    concatMap(() => poll$),
    take(5),
  );

  const registry = new Registry();
  // Subscribed once: it follows the name across the poller's restarts.
  const readings = published$(via(registry, typedName<{ published: Reading }>('poller'))).subscribe(
    (r) => console.log(`reading #${r.request}: ${r.temperature.toFixed(1)} °C`),
  );

  const tree$ = supervise([child('poller', () => poller$, { significant: true })], {
    registry,
    intensity: 5,
    backoff: { min: 100, max: 2000 }, // 100, 200, 400 ms ... between restarts
    autoShutdown: 'any_significant',
  });
  await lastValueFrom(
    tree$.pipe(
      tap((n) => {
        if (n.kind === 'child-exited') console.log(`poller exited: ${formatExit(n.reason)}`);
        if (n.kind === 'backoff') console.log(`restarting it in ${n.delay} ms`);
        if (n.kind === 'exit') console.log(`supervisor exited: ${formatExit(n.reason)}`);
      }),
    ),
  );

  readings.unsubscribe();
  server.closeAllConnections();
  server.close();
}

void main();

// PGlite and its socket server on a thread of their own: PGlite runs every query synchronously in
// WebAssembly, which would stall the host's event loop, and it loads its files with dynamic import(),
// which Jest's module sandbox refuses. Plain JavaScript, so the thread needs no TypeScript loader.
'use strict';

const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require('@electric-sql/pglite');
const { PGLiteSocketServer } = require('@electric-sql/pglite-socket');

const SYNC_MESSAGE = new Uint8Array([0x53, 0, 0, 0, 4]);
// Parse, Bind, Describe, Execute, Close, Flush: until the Sync that follows them, the backend is inside
// one client's extended-query sequence (its unnamed statement and portal are that client's).
const EXTENDED_QUERY_MESSAGES = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((type) => type.charCodeAt(0)));

/**
 * pglite-socket 0.2.17 queues each protocol message on its own and only keeps serving one client while
 * PGlite reports an open transaction. Another client's Parse can then land between one client's Parse and
 * Bind (a large Bind arrives in several TCP reads) and replace the unnamed statement: the Bind fails, or
 * worse, binds the other client's statement. Reporting "in a transaction" until the Sync keeps the queue
 * on the same client for the whole sequence.
 */
function guardExtendedQuerySequences(db) {
  let insideSequence = false;
  return {
    get waitReady() {
      return db.waitReady;
    },
    isInTransaction: () => insideSequence || db.isInTransaction(),
    runExclusive: (work) => db.runExclusive(work),
    async execProtocolRawStream(message, options) {
      try {
        await db.execProtocolRawStream(message, options);
      } finally {
        insideSequence = EXTENDED_QUERY_MESSAGES.has(message[0]);
      }
    },
    // pglite-socket calls exec('ROLLBACK') when a client leaves inside a transaction, which now includes
    // leaving inside a sequence: end the sequence first, and roll back only a transaction that is open.
    async exec(sql) {
      if (insideSequence) {
        await db.runExclusive(() => db.execProtocolRaw(SYNC_MESSAGE));
        insideSequence = false;
      }
      return db.isInTransaction() ? db.exec(sql) : [];
    },
  };
}

function post(message) {
  parentPort.postMessage(message);
}

function log(line) {
  post({ type: 'log', line });
}

// PostgreSQL's 128 MB default is more cache than a development database of a few thousand rows uses,
// and PGlite's WebAssembly memory holds all of it once touched: 32 MB takes about 100 MB off the
// thread's size at rest.
const SHARED_BUFFERS = '32MB';

async function start({ dataDir, port, host, maxConnections, initialiseOnly }) {
  let db;
  try {
    db = await PGlite.create({
      ...(dataDir === undefined ? {} : { dataDir }),
      startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${SHARED_BUFFERS}`],
    });
  } catch (error) {
    post({
      type: 'start-failed',
      message: `cannot open ${dataDir ?? 'an in-memory database'}: ${error.message}`,
    });
    return;
  }
  if (initialiseOnly) {
    await db.close();
    post({ type: 'initialised' });
    return;
  }
  const server = new PGLiteSocketServer({ db: guardExtendedQuerySequences(db), port, host, maxConnections });
  server.addEventListener('error', (event) =>
    log(`socket server error: ${event.detail?.message ?? event.detail}`),
  );
  try {
    await server.start();
  } catch (error) {
    await db.close();
    post({ type: 'start-failed', message: `cannot listen on ${host}:${port}: ${error.message}` });
    return;
  }
  // Node drops a connection over the server's maxConnections without a PostgreSQL error: say so here.
  server.server?.on('drop', (socket) => {
    log(`refused a connection from ${socket?.remoteAddress}: all ${maxConnections} connections are in use`);
  });

  parentPort.on('message', async (message) => {
    if (message?.type !== 'stop') return;
    try {
      await server.stop();
      await db.close();
    } catch (error) {
      log(`error while stopping: ${error.message}`);
    }
    post({ type: 'stopped' });
  });
  post({ type: 'listening', port: Number(server.getServerConn().split(':').pop()) });
}

start(workerData).catch((error) => post({ type: 'start-failed', message: error.message }));

// The S3 store against a server that does not honour a byte range (answers 200 with the whole,
// endless, object): the get fails, and the connection carrying the unread body is closed rather than
// left open (each such request would otherwise hold a socket of the SDK's pool for good).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3BlobStore } from '../../src/storage/index.js';

let server: Server;
let responseClosed: Promise<void>;

beforeAll(async () => {
  let closed: () => void = () => {};
  responseClosed = new Promise((resolve) => {
    closed = resolve;
  });
  server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(1 << 30) });
    const chunk = Buffer.alloc(64 * 1024, 1);
    const pump = () => {
      while (!response.destroyed && response.write(chunk)) {}
    };
    response.on('drain', pump);
    response.on('close', closed);
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('S3 store, range not honoured', () => {
  it('refuses the object and closes the connection of its unread body', async () => {
    const { port } = server.address() as AddressInfo;
    const store = createS3BlobStore({
      bucket: 'test-blobs',
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${port}`,
      forcePathStyle: true,
      accessKeyId: 'key',
      secretAccessKey: 'secret',
    });
    await expect(store.get('media/x', { start: 10, end: 19 })).rejects.toThrow(/not honoured/);
    const outcome = await Promise.race([
      responseClosed.then(() => 'closed'),
      new Promise((resolve) => setTimeout(resolve, 5000, 'still open')),
    ]);
    expect(outcome).toBe('closed');
  });
});

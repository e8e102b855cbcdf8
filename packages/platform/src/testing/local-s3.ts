// Owns the local S3-compatible server test suites store blobs in: s3rver (an npm package, plain
// JavaScript) on a free 127.0.0.1 port, keeping its objects in a fresh temp directory removed on
// close. The real @aws-sdk/client-s3 talks to it over HTTP with path-style addressing. s3rver is
// loaded only when a suite starts one.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LocalS3 {
  /** `http://127.0.0.1:<port>`; use with forcePathStyle. */
  readonly endpoint: string;
  readonly bucket: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  close(): Promise<void>;
}

export async function startLocalS3(bucket = 'test-blobs'): Promise<LocalS3> {
  const { default: S3rver } = await import('s3rver');
  const directory = await mkdtemp(join(tmpdir(), 'local-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    region: 'us-east-1',
    // s3rver's fixed credentials.
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

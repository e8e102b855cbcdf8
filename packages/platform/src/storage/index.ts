// Public surface of file storage: where bytes live (BlobStore: filesystem or S3-compatible), what an
// upload is (streamed under a size cap, type sniffed from its bytes against an allow-list), how
// images are cleaned (re-encoded without metadata), and how downloads answer Range requests.
export { type BlobMeta, type BlobObject, type BlobStore, createBlobStore } from './blob-store.js';
export { createFsBlobStore, FS_TEMP_DIR } from './fs-store.js';
export { parseByteRange } from './range.js';
export { createS3BlobStore, type S3BlobStoreOptions } from './s3-store.js';
export {
  IMAGE_SANITIZE_CONCURRENCY,
  IMAGE_TIMEOUT_SECONDS,
  imageSanitizerLoad,
  MAX_ANIMATION_PIXELS,
  MAX_IMAGE_FRAMES,
  MAX_IMAGE_PIXELS,
  type SanitizedImage,
  sanitizeImage,
} from './sanitize-image.js';
export { type SanitizedMedia, sanitizeMedia } from './sanitize-media.js';
export {
  type MediaContentType,
  type MediaKind,
  SNIFF_BYTES,
  type SniffedMedia,
  sniffMedia,
} from './sniff.js';
export { removeStaleFiles } from './stale-files.js';
export { type ReceivedUpload, receiveUpload, type UploadOptions } from './upload.js';

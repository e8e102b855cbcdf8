// Owns the shapes the media service hands out: an object as other modules check it (ownedBy), what a
// viewer with access sees (with a signed URL), what a viewer without access sees (a placeholder),
// what the owner sees of an upload, and a signed download (its bytes, or only its headers for HEAD).
import type { Readable } from 'node:stream';
import type { MediaKind } from '@app/platform';

/** One stored object, as other modules get it from `ownedBy`. */
export interface MediaObject {
  id: string;
  ownerId: string;
  kind: MediaKind;
  contentType: string;
  byteSize: number;
  width: number | null;
  height: number | null;
  createdAt: Date;
}

/** What a viewer with access sees of an object. */
export interface MediaView {
  id: string;
  kind: MediaKind;
  contentType: string;
  width: number | null;
  height: number | null;
  /** A signed path (no host), valid for the configured TTL. */
  url: string;
}

/** What a viewer without access sees: never the id, URL or key. */
export interface MediaPlaceholder {
  kind: MediaKind;
  /** A tiny blurred image as a data: URL (images only). */
  preview: string | null;
  width: number | null;
  height: number | null;
}

/** What the owner sees of their upload. */
export interface MediaUpload extends MediaView {
  byteSize: number;
  createdAt: string;
}

/** What a signed URL's content is, without its bytes (answers HEAD). */
export interface MediaContentHead {
  contentType: string;
  size: number;
  /** Seconds the URL stays valid, for Cache-Control. */
  maxAge: number;
}

/** The bytes of a signed download, whole or the asked range. */
export type MediaContent =
  | {
      satisfiable: true;
      body: Readable;
      contentType: string;
      size: number;
      range: { start: number; end: number } | null;
      /** Seconds the URL stays valid, for Cache-Control. */
      maxAge: number;
    }
  | { satisfiable: false; size: number };

// Owns the Kysely row type of the media table (migrations/0014_media.sql) and the database handle
// the media module queries it through (pairly's schema plus media_objects).
import type { Database, MediaKind } from '@app/platform';
import type { Kysely, Selectable } from 'kysely';
import { type PairlySchema, pairlyDb } from '../../db.js';

export interface MediaTables {
  media_objects: {
    id: string;
    owner_id: string;
    kind: MediaKind;
    content_type: string;
    byte_size: number;
    width: number | null;
    height: number | null;
    blob_key: string;
    preview: string | null;
    created_at: Date;
    deleted_at: Date | null;
  };
}

export type MediaSchema = PairlySchema & MediaTables;
export type MediaDb = Kysely<MediaSchema>;
export type MediaRow = Selectable<MediaTables['media_objects']>;

export function mediaDb(db: Database): MediaDb {
  return pairlyDb(db) as unknown as MediaDb;
}

-- Media: one row per uploaded object (post media, avatars, banners). The bytes live in the blob
-- store (filesystem or S3) under blob_key; the row says what they are, as sniffed from the bytes.
-- A delete is soft (deleted_at) and removes the blob: the row stays so posts that referenced the
-- object show it as gone and the day's upload quota still counts it.
CREATE TABLE media_objects (
  id uuid PRIMARY KEY,
  owner_id uuid NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('image', 'video', 'audio')),
  content_type text NOT NULL CHECK (content_type IN (
    'image/jpeg', 'image/png', 'image/webp', 'image/gif', 'video/mp4', 'audio/mpeg', 'audio/mp4'
  )),
  byte_size bigint NOT NULL CHECK (byte_size > 0),
  width int CHECK (width IS NULL OR width > 0),
  height int CHECK (height IS NULL OR height > 0),
  blob_key text NOT NULL UNIQUE CHECK (char_length(blob_key) BETWEEN 1 AND 200),
  -- A tiny blurred data: URL shown in place of an image the viewer may not see (locked posts).
  preview text CHECK (preview IS NULL OR (kind = 'image' AND preview LIKE 'data:image/%' AND char_length(preview) <= 8192)),
  created_at timestamptz NOT NULL,
  deleted_at timestamptz,
  -- Images are measured when sanitised; video and audio are stored as received, unmeasured.
  CHECK ((width IS NULL) = (height IS NULL)),
  CHECK (kind = 'image' OR width IS NULL),
  CHECK (deleted_at IS NULL OR deleted_at >= created_at)
);
-- An owner's own list, newest first, with a (created_at, id) cursor; also the day's quota sum.
CREATE INDEX media_objects_by_owner_time ON media_objects (owner_id, created_at DESC, id DESC);

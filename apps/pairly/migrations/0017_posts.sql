-- Posts: a creator's text with media attachments, its visibility (public, followers, subscribers,
-- pay-per-view), its life (draft -> scheduled -> published; soft delete by the author, removal by
-- moderators), permanent pay-per-view unlocks, and the likes, comments and reports on posts.
-- Money for unlocks moves only through the ledger; an unlock row points at its keyed operation.

CREATE TABLE posts (
  id uuid PRIMARY KEY,
  author_id uuid NOT NULL REFERENCES auth_users (id) ON DELETE RESTRICT,
  -- May be empty only when the post has media (checked by the service, which sees post_media).
  body text NOT NULL DEFAULT '' CHECK (char_length(body) <= 5000),
  visibility text NOT NULL CHECK (visibility IN ('public', 'followers', 'subscribers', 'pay_per_view')),
  -- Credits a fan pays once to unlock; set for and only for pay-per-view posts.
  unlock_price integer CHECK (unlock_price IS NULL OR unlock_price BETWEEN 1 AND 100000),
  status text NOT NULL CHECK (status IN ('draft', 'scheduled', 'published')),
  -- When a scheduled post is to be published (kept after the job publishes it).
  publish_at timestamptz,
  published_at timestamptz,
  -- Last change of a published post's content (NULL = never edited after publishing).
  edited_at timestamptz,
  -- Soft delete by the author: gone for everyone, kept for moderation.
  deleted_at timestamptz,
  -- Removal by a moderator.
  removed_at timestamptz,
  -- Rows in post_likes / live rows in post_comments: +1 with the insert, never below 0 on removal.
  like_count integer NOT NULL DEFAULT 0 CHECK (like_count >= 0),
  comment_count integer NOT NULL DEFAULT 0 CHECK (comment_count >= 0),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK ((visibility = 'pay_per_view') = (unlock_price IS NOT NULL)),
  CHECK (status <> 'scheduled' OR publish_at IS NOT NULL),
  CHECK ((status = 'published') = (published_at IS NOT NULL))
);
-- The home feed and a creator's page: published, live posts newest first with a
-- (published_at, id) keyset cursor, per author.
CREATE INDEX posts_feed ON posts (author_id, published_at DESC, id DESC)
  WHERE status = 'published' AND deleted_at IS NULL AND removed_at IS NULL;
-- An author's own drafts and scheduled posts, newest first with a (created_at, id) cursor.
CREATE INDEX posts_by_author_status ON posts (author_id, status, created_at DESC, id DESC)
  WHERE deleted_at IS NULL;
-- The scheduled-publishing job: due posts by time.
CREATE INDEX posts_due ON posts (publish_at) WHERE status = 'scheduled' AND deleted_at IS NULL;

-- A post's attachments in order. The media service checks that each object is the author's own
-- when attached; media objects are only soft-deleted, so rows here never dangle.
CREATE TABLE post_media (
  post_id uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  media_id uuid NOT NULL,
  position smallint NOT NULL CHECK (position >= 0),
  PRIMARY KEY (post_id, position),
  CONSTRAINT post_media_once UNIQUE (post_id, media_id)
);
CREATE INDEX post_media_by_media ON post_media (media_id);

-- A pay-per-view unlock: permanent, one per (post, fan), at the price paid then.
CREATE TABLE post_unlocks (
  post_id uuid NOT NULL REFERENCES posts (id) ON DELETE RESTRICT,
  user_id uuid NOT NULL REFERENCES auth_users (id) ON DELETE RESTRICT,
  price integer NOT NULL CHECK (price > 0),
  operation_id uuid NOT NULL REFERENCES credit_operations (id),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (post_id, user_id)
);
CREATE INDEX post_unlocks_by_user ON post_unlocks (user_id, created_at DESC);

-- One like per (post, user).
CREATE TABLE post_likes (
  post_id uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (post_id, user_id)
);
CREATE INDEX post_likes_by_user ON post_likes (user_id, created_at DESC);

CREATE TABLE post_comments (
  id uuid PRIMARY KEY,
  post_id uuid NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  author_id uuid NOT NULL REFERENCES auth_users (id) ON DELETE RESTRICT,
  body text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 2000),
  created_at timestamptz NOT NULL,
  deleted_at timestamptz
);
-- A post's comments in order with a (created_at, id) cursor.
CREATE INDEX post_comments_by_post ON post_comments (post_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX post_comments_by_author ON post_comments (author_id, created_at DESC);

-- Reports of posts into the moderation queue: one per (post, reporter).
CREATE TABLE post_reports (
  id uuid PRIMARY KEY,
  post_id uuid NOT NULL REFERENCES posts (id) ON DELETE RESTRICT,
  reporter_id uuid NOT NULL REFERENCES auth_users (id) ON DELETE RESTRICT,
  reason text NOT NULL CHECK (reason IN ('spam', 'harassment', 'sexual_content', 'scam', 'copyright', 'underage', 'other')),
  note text CHECK (note IS NULL OR char_length(note) BETWEEN 1 AND 500),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  outcome text CHECK (outcome IN ('dismissed', 'upheld')),
  resolved_by uuid REFERENCES auth_users (id),
  resolved_at timestamptz,
  created_at timestamptz NOT NULL,
  CONSTRAINT post_reports_one_per_reporter UNIQUE (post_id, reporter_id),
  CHECK ((status = 'resolved') = (outcome IS NOT NULL AND resolved_by IS NOT NULL AND resolved_at IS NOT NULL))
);
-- The moderation queue by status, oldest first, with a (created_at, id) cursor.
CREATE INDEX post_reports_by_status ON post_reports (status, created_at, id);

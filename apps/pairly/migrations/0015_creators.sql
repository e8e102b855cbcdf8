-- Creators: a creator's public profile (handle, page, prices, availability, the age and terms
-- confirmations given when it was created), a fan's lighter profile, and follows of creators.
-- The per-message price is NOT kept here: it is messaging_settings.message_price (0006), the one
-- price messaging charges; a profile reads and writes it through the messaging service.

CREATE TABLE creator_profiles (
  user_id uuid PRIMARY KEY REFERENCES auth_users (id) ON DELETE CASCADE,
  -- Stored as the creator typed it; unique whatever the case (creator_profiles_handle_unique).
  handle text NOT NULL CHECK (handle ~ '^[A-Za-z0-9_.]{3,30}$'),
  display_name text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 60),
  bio text NOT NULL DEFAULT '' CHECK (char_length(bio) <= 1000),
  -- The creator's own images (checked by the media service when set); media deletes are soft.
  avatar_media_id uuid REFERENCES media_objects (id),
  banner_media_id uuid REFERENCES media_objects (id),
  categories text[] NOT NULL DEFAULT '{}' CHECK (cardinality(categories) <= 5),
  languages text[] NOT NULL DEFAULT '{}' CHECK (cardinality(languages) <= 10),
  -- Monthly price in credits; NULL = no subscriptions offered.
  subscription_price integer CHECK (subscription_price IS NULL OR subscription_price BETWEEN 1 AND 100000),
  call_minute_price integer NOT NULL DEFAULT 0 CHECK (call_minute_price BETWEEN 0 AND 10000),
  subscriber_messages_free boolean NOT NULL DEFAULT false,
  available_for_calls boolean NOT NULL DEFAULT false,
  -- Rows in follows for this creator: +1 by the insert of a follow, -1 (never below 0) by its delete.
  follower_count integer NOT NULL DEFAULT 0 CHECK (follower_count >= 0),
  -- The 18+ self-attestation and the terms accepted when the profile was created.
  age_confirmed_at timestamptz NOT NULL,
  terms_accepted_at timestamptz NOT NULL,
  terms_version text NOT NULL CHECK (char_length(terms_version) BETWEEN 1 AND 40),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  -- Words of handle, name and bio for search ('simple': no stemming, any language).
  search tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', handle || ' ' || display_name || ' ' || bio)
  ) STORED
);
CREATE UNIQUE INDEX creator_profiles_handle_unique ON creator_profiles (lower(handle));
-- Handle-prefix search: lower(handle) LIKE 'ab%' (text_pattern_ops works under any collation).
CREATE INDEX creator_profiles_handle_prefix ON creator_profiles (lower(handle) text_pattern_ops);
CREATE INDEX creator_profiles_search ON creator_profiles USING gin (search);
CREATE INDEX creator_profiles_categories ON creator_profiles USING gin (categories);
CREATE INDEX creator_profiles_languages ON creator_profiles USING gin (languages);

CREATE TABLE fan_profiles (
  user_id uuid PRIMARY KEY REFERENCES auth_users (id) ON DELETE CASCADE,
  display_name text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 60),
  avatar_media_id uuid REFERENCES media_objects (id),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

-- A user follows a creator (one row per pair; following is free and needs no subscription).
CREATE TABLE follows (
  follower_id uuid NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
  creator_id uuid NOT NULL REFERENCES creator_profiles (user_id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (follower_id, creator_id),
  CHECK (follower_id <> creator_id)
);
-- A creator's followers (and their count), newest first with a (created_at, follower_id) cursor.
CREATE INDEX follows_by_creator ON follows (creator_id, follower_id);
CREATE INDEX follows_by_creator_time ON follows (creator_id, created_at DESC, follower_id DESC);
-- A user's own following list, newest first.
CREATE INDEX follows_by_follower_time ON follows (follower_id, created_at DESC, creator_id DESC);

// Owns the posts options and their defaults: the most attachments per post, the longest body, how
// far ahead a post may be scheduled, and when the scheduled-publishing job runs (cron, UTC).
export interface PostsOptions {
  maxMedia: number;
  maxBodyLength: number;
  maxScheduleDays: number;
  publishSchedule: string;
}

export const DEFAULT_POSTS_OPTIONS: PostsOptions = {
  maxMedia: 10,
  maxBodyLength: 5000,
  maxScheduleDays: 365,
  publishSchedule: '* * * * *',
};

export function postsOptions(input: Partial<PostsOptions> | undefined): PostsOptions {
  const options = { ...DEFAULT_POSTS_OPTIONS, ...input };
  if (!Number.isInteger(options.maxMedia) || options.maxMedia < 1 || options.maxMedia > 50)
    throw new Error('posts.maxMedia must be a whole number from 1 to 50');
  if (!Number.isInteger(options.maxBodyLength) || options.maxBodyLength < 1 || options.maxBodyLength > 5000)
    throw new Error('posts.maxBodyLength must be a whole number from 1 to 5000 (the column allows 5000)');
  if (!Number.isInteger(options.maxScheduleDays) || options.maxScheduleDays < 1)
    throw new Error('posts.maxScheduleDays must be a positive whole number');
  return options;
}

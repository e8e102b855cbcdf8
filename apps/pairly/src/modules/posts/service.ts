// Owns the posts service the routes, the publishing job and the engagement module use: authoring
// (authoring.ts), the one-post access check and view (access.ts, views.ts), the home feed and a
// creator's list (feed.ts), pay-per-view unlocks (unlocks.ts) and scheduled publishing
// (publishing.ts), built from the app's context and the media and creators services.
import type { PairlyBaseContext } from '../context.js';
import type { OperationResult } from '../credits/idempotency.js';
import { cursorFrom, pageOf } from '../safety/paging.js';
import type { Safety } from '../safety/service.js';
import { type PostAccess, postForViewer, viewerPost } from './access.js';
import { type AuthoringCreators, type AuthoringMedia, createAuthoring } from './authoring.js';
import { creatorNotFound, ownStatusOnly } from './errors.js';
import { creatorPostsQuery, feedQuery, positionOf } from './feed.js';
import { type PostsOptions, postsOptions } from './options.js';
import { createPublisher } from './publishing.js';
import type {
  CreatePostInput,
  CreatorPostsQuery,
  FeedQuery,
  FullPost,
  Post,
  PostPage,
  UnlockReceipt,
  UpdatePostInput,
} from './schemas.js';
import { postDb } from './tables.js';
import { createUnlocks } from './unlocks.js';
import { createViews, type ViewCreators, type ViewMedia } from './views.js';

export type PostsDeps = Pick<
  PairlyBaseContext,
  'db' | 'clock' | 'logger' | 'credits' | 'creditsOptions' | 'options'
> & {
  safety: Pick<Safety, 'isBlockedEitherWay'>;
  media: AuthoringMedia & ViewMedia;
  creators: AuthoringCreators & ViewCreators;
};

export function createPosts(deps: PostsDeps) {
  const { db, clock, safety, creators } = deps;
  const options: PostsOptions = postsOptions(deps.options.posts);
  const posts = postDb(db);
  const views = createViews(posts, deps.media, creators);
  const authoring = createAuthoring({ db, clock, media: deps.media, creators, options });
  const unlocks = createUnlocks(deps);
  const publisher = createPublisher(deps);

  /** The post as the viewer sees it (the author: always in full). */
  async function viewFor(viewerId: string, postId: string): Promise<Post> {
    return views.one(await viewerPost(deps, viewerId, postId));
  }
  /** The author's own post, which is always full. */
  const ownView = async (authorId: string, postId: string) => (await viewFor(authorId, postId)) as FullPost;

  return {
    options,
    publisher,

    /** For engagement: 404 `post_not_found` unless the post exists for the viewer; `full` false when locked. */
    access: (viewerId: string, postId: string): Promise<PostAccess> => postForViewer(deps, viewerId, postId),
    viewFor,

    async create(authorId: string, input: CreatePostInput): Promise<FullPost> {
      return ownView(authorId, await authoring.create(authorId, input));
    },
    async update(authorId: string, postId: string, input: UpdatePostInput): Promise<FullPost> {
      await authoring.update(authorId, postId, input);
      return ownView(authorId, postId);
    },
    async publish(authorId: string, postId: string): Promise<FullPost> {
      await authoring.publish(authorId, postId);
      return ownView(authorId, postId);
    },
    remove: authoring.remove,

    /** Unlocks a pay-per-view post once; answers the unlock and the post, now in full. */
    async unlock(
      fanId: string,
      postId: string,
      idempotencyKey: string,
      expectedPrice?: number,
    ): Promise<OperationResult<UnlockReceipt>> {
      const result = await unlocks.unlock(fanId, postId, idempotencyKey, expectedPrice);
      return { ...result, body: { unlock: result.body, post: (await viewFor(fanId, postId)) as FullPost } };
    },

    /** The viewer's home feed, newest first. */
    async feed(viewerId: string, query: FeedQuery): Promise<PostPage> {
      const limit = query.limit ?? 20;
      const after = cursorFrom(query.cursor);
      const { rows } = await feedQuery({
        viewerId,
        now: clock.now(),
        limit: limit + 1,
        ...(after && { after }),
      }).execute(posts);
      const page = pageOf(rows, limit, (row) => row, positionOf);
      return { items: await views.render(page.items), nextCursor: page.nextCursor };
    },

    /** A creator's posts for the viewer: published ones, or (the author only) drafts or scheduled ones. */
    async creatorPosts(viewerId: string, creatorId: string, query: CreatorPostsQuery): Promise<PostPage> {
      const status = query.status ?? 'published';
      if (viewerId !== creatorId) {
        if (status !== 'published') throw ownStatusOnly();
        if (await safety.isBlockedEitherWay(viewerId, creatorId)) throw creatorNotFound();
      }
      if (!(await creators.profileOf(creatorId))) throw creatorNotFound();
      const limit = query.limit ?? 20;
      const after = cursorFrom(query.cursor);
      const rows = await creatorPostsQuery(posts, {
        viewerId,
        creatorId,
        status,
        now: clock.now(),
        limit: limit + 1,
        ...(after && { after }),
      }).execute();
      const page = pageOf(rows, limit, (row) => row, positionOf);
      return { items: await views.render(page.items), nextCursor: page.nextCursor };
    },
  };
}

export type Posts = ReturnType<typeof createPosts>;

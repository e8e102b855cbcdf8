// Owns the HTTP surface of follows and search: following and unfollowing a creator and the list of
// whom you follow (`profile:own`: fans and creators), a creator's own followers (`posts:write`), and
// creator search (`posts:read`). Creators blocked either way are absent from every answer (404 for one
// named by handle).
import { caller, type PlatformServer, problemResponses } from '@app/platform';
import Type from 'typebox';
import type { PairlyContext } from '../context.js';
import { profileNotFound } from './errors.js';
import {
  FollowersPage,
  FollowingPage,
  FollowListQuery,
  FollowState,
  HandleParams,
  SearchPage,
  SearchQuery,
} from './schemas.js';

const needs = (permission: string, text: string) => `${text}\n\nRequires \`${permission}\`.`;

export function registerSocialRoutes(app: PlatformServer, context: PairlyContext): void {
  const { identity, creators } = context;
  const member = identity.requirePermission('profile:own');
  const creator = identity.requirePermission('posts:write');
  const reader = identity.requirePermission('posts:read');

  app.put(
    '/creators/:handle/follow',
    {
      preValidation: member,
      schema: {
        tags: ['follows'],
        summary: 'Follow a creator',
        description: needs(
          'profile:own',
          'Idempotent: following again answers 200 with the follow as it is (201 the first time). Yourself: 400 `follow_self`. An unknown creator or one blocked either way: 404 `creator_not_found`. A block removes the follows between the two users.',
        ),
        params: HandleParams,
        response: {
          201: { ...FollowState, description: 'Now following' },
          200: { ...FollowState, description: 'Already following' },
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const { created, ...state } = await creators.follows.follow(
        caller(request).userId,
        request.params.handle,
      );
      return reply.code(created ? 201 : 200).send(state);
    },
  );

  app.delete(
    '/creators/:handle/follow',
    {
      preValidation: member,
      schema: {
        tags: ['follows'],
        summary: 'Unfollow a creator',
        description: needs(
          'profile:own',
          'Idempotent: 204 whether or not you followed them. An unknown creator or one blocked either way: 404 `creator_not_found`.',
        ),
        params: HandleParams,
        response: {
          204: Type.Null({ description: 'Not following' }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      await creators.follows.unfollow(caller(request).userId, request.params.handle);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/me/following',
    {
      preValidation: member,
      schema: {
        tags: ['follows'],
        summary: 'The creators you follow, most recent first',
        description: needs(
          'profile:own',
          'Only your own follows, with a cursor; creators blocked either way are left out.',
        ),
        querystring: FollowListQuery,
        response: { 200: FollowingPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => creators.follows.following(caller(request).userId, request.query),
  );

  app.get(
    '/creators/me/followers',
    {
      preValidation: creator,
      schema: {
        tags: ['follows'],
        summary: 'Your followers, most recent first',
        description: needs(
          'posts:write',
          'Your own followers only, with their card (creator or fan profile; null name when they set none), never an email; users blocked either way are left out. 404 `creator_profile_not_found` before you create your profile.',
        ),
        querystring: FollowListQuery,
        response: { 200: FollowersPage, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { userId } = caller(request);
      if (!(await creators.profileOf(userId))) throw profileNotFound();
      return creators.follows.followers(userId, request.query);
    },
  );

  app.get(
    '/creators',
    {
      preValidation: reader,
      schema: {
        tags: ['creators'],
        summary: 'Search creators by handle, name, bio words, category and language',
        description: needs(
          'posts:read',
          '`q` matches a handle prefix (ignoring case) or words of the display name, handle and bio (each word as a prefix, all words needed). The exact handle comes first, then the best text matches, then by handle. Creators blocked either way never appear. A keyset cursor pages through the same order.',
        ),
        querystring: SearchQuery,
        response: { 200: SearchPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => creators.search(caller(request).userId, request.query),
  );
}

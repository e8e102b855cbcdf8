// Owns the HTTP surface of profiles: a creator's own profile (`posts:write`, creators only: create or
// replace with PUT, change some fields with PATCH, read with GET), a creator's public page by handle
// and any user's light card (`posts:read`), and a member's own fan profile (`profile:own`). Guards run
// before validation, so a caller without the permission meets 403 whatever it sends.
import { caller, type PlatformServer, problemResponses } from '@app/platform';
import type { PairlyContext } from '../context.js';
import { PRICE_LIMITS, TERMS_VERSION } from './rules.js';
import {
  ChangeProfileBody,
  CreatorPage,
  FanProfileBody,
  HandleParams,
  OwnCreatorProfile,
  OwnFanProfile,
  ReplaceProfileBody,
  UserCard,
  UserParams,
} from './schemas.js';

const needs = (permission: string, text: string) => `${text}\n\nRequires \`${permission}\`.`;
const blockedIs404 =
  'A creator or user blocked either way (by you or by them) does not exist for you: 404, like an unknown one.';
const priceRules = `Prices are whole credits: message 0-${PRICE_LIMITS.message.max}, callMinute 0-${PRICE_LIMITS.callMinute.max}, subscription ${PRICE_LIMITS.subscription.min}-${PRICE_LIMITS.subscription.max} a month or null (no subscriptions). \`prices.message\` is the price messaging charges (the same as PUT /messaging/settings messagePrice). A subscription price change applies to subscribers from their next period, with notice.`;
const mediaRules =
  'Avatar and banner are ids of your own undeleted images (400 `media_not_found_or_not_yours` otherwise); answers carry short-lived signed URLs.';

export function registerProfileRoutes(app: PlatformServer, context: PairlyContext): void {
  const { identity, creators } = context;
  const creator = identity.requirePermission('posts:write');
  const reader = identity.requirePermission('posts:read');
  const member = identity.requirePermission('profile:own');

  app.put(
    '/creators/me',
    {
      preValidation: creator,
      schema: {
        tags: ['creators'],
        summary: 'Create or replace your creator profile',
        description: needs(
          'posts:write',
          [
            `Creator accounts only (403 \`creator_role_required\` otherwise). Creating needs \`confirmAge: true\` (you are 18 or older; 400 \`age_confirmation_required\`) and \`acceptTerms: "${TERMS_VERSION}"\` (the current creator terms; 400 \`terms_not_accepted\`); both are recorded with the time. Later PUTs replace every field (omitted optional fields take their defaults; the confirmations are not asked again).`,
            'Handles: 3-30 letters, digits, `_` or `.`, kept as typed, unique ignoring case (409 `handle_taken`); some are reserved (400 `handle_reserved`). Categories come from a fixed list; languages are ISO 639-1 codes (400 `language_invalid` naming each bad one).',
            priceRules,
            mediaRules,
          ].join('\n\n'),
        ),
        body: ReplaceProfileBody,
        response: {
          201: { ...OwnCreatorProfile, description: 'Created' },
          200: { ...OwnCreatorProfile, description: 'Replaced' },
          ...problemResponses(400, 401, 403, 409),
        },
      },
    },
    async (request, reply) => {
      const { created, profile } = await creators.profiles.replace(caller(request), request.body);
      return reply.code(created ? 201 : 200).send(profile);
    },
  );

  app.patch(
    '/creators/me',
    {
      preValidation: creator,
      schema: {
        tags: ['creators'],
        summary: 'Change some fields of your creator profile',
        description: needs(
          'posts:write',
          `Only the fields sent change (prices one by one). 404 \`creator_profile_not_found\` before the profile exists. The same rules as PUT apply.\n\n${priceRules}\n\n${mediaRules}`,
        ),
        body: ChangeProfileBody,
        response: { 200: OwnCreatorProfile, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => creators.profiles.update(caller(request), request.body),
  );

  app.get(
    '/creators/me',
    {
      preValidation: creator,
      schema: {
        tags: ['creators'],
        summary: 'Your creator profile, with its prices and confirmations',
        description: needs('posts:write', '404 `creator_profile_not_found` before you create it.'),
        response: { 200: OwnCreatorProfile, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => creators.profiles.ownView(caller(request).userId),
  );

  app.get(
    '/creators/:handle',
    {
      preValidation: reader,
      schema: {
        tags: ['creators'],
        summary: "A creator's public page",
        description: needs(
          'posts:read',
          `The handle matches ignoring case. \`viewer.following\` tells whether you follow them. ${blockedIs404} (404 \`creator_not_found\`)`,
        ),
        params: HandleParams,
        response: { 200: CreatorPage, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => creators.profiles.page(caller(request).userId, request.params.handle),
  );

  app.get(
    '/users/:userId/profile',
    {
      preValidation: reader,
      schema: {
        tags: ['creators'],
        summary: "A user's card: their creator profile, else their fan profile",
        description: needs(
          'posts:read',
          `404 \`user_profile_not_found\` when the user has neither profile. ${blockedIs404}`,
        ),
        params: UserParams,
        response: { 200: UserCard, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => creators.fans.card(caller(request).userId, request.params.userId),
  );

  app.put(
    '/fans/me',
    {
      preValidation: member,
      schema: {
        tags: ['creators'],
        summary: 'Create or replace your fan profile (display name and avatar)',
        description: needs(
          'profile:own',
          `What creators and others see of you when you have no creator profile. ${mediaRules}`,
        ),
        body: FanProfileBody,
        response: {
          201: { ...OwnFanProfile, description: 'Created' },
          200: { ...OwnFanProfile, description: 'Replaced' },
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request, reply) => {
      const { created, profile } = await creators.fans.replace(caller(request).userId, request.body);
      return reply.code(created ? 201 : 200).send(profile);
    },
  );

  app.get(
    '/fans/me',
    {
      preValidation: member,
      schema: {
        tags: ['creators'],
        summary: 'Your fan profile',
        description: needs('profile:own', '404 `fan_profile_not_found` before you create it.'),
        response: { 200: OwnFanProfile, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => creators.fans.ownView(caller(request).userId),
  );
}

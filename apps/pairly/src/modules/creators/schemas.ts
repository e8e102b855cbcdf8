// Owns the request and response schemas of the creators module: creator profiles (own, public page,
// create/replace and change), fan profiles, user cards, follows and search. Inputs allow no unknown
// properties and cap every string, list and price; answers declare every field (none carries an email).
import Type from 'typebox';
import {
  CATEGORIES,
  HANDLE_PATTERN,
  MAX_CATEGORIES,
  MAX_LANGUAGES,
  PRICE_LIMITS,
  TERMS_VERSION,
} from './rules.js';

const Uuid = Type.String({ format: 'uuid' });
const Instant = Type.String({ format: 'date-time' });
const Url = Type.String({ description: 'A short-lived signed URL path of the image.' });
const NullableUrl = Type.Union([Url, Type.Null()]);
const MediaId = (description: string) =>
  Type.Union([Type.String({ format: 'uuid' }), Type.Null()], { description });

const EXAMPLE_CREATOR = '8a7b6c5d-4e3f-4a1b-8c9d-0e1f2a3b4c5d';
const EXAMPLE_FAN = '5f0c2d7e-1b3a-4e8f-9c6d-0a1b2c3d4e5f';
const EXAMPLE_AVATAR = '0b9e3c1a-7d4f-4c1e-9a55-2f61d8a7c3b2';
const EXAMPLE_BANNER = '3f0c2a9e-8f57-4c1e-9d55-2b1f7c0e4a11';
const EXAMPLE_URL = `/media/${EXAMPLE_AVATAR}/content?expires=1767225600&signature=4kq2…`;
const BANNER_URL = `/media/${EXAMPLE_BANNER}/content?expires=1767225600&signature=9fz1…`;
const AT = '2026-11-29T20:00:00.000Z';

export const Handle = Type.String({
  pattern: HANDLE_PATTERN,
  description: '3-30 letters, digits, `_` or `.`; unique ignoring case.',
});
const DisplayName = Type.String({ minLength: 1, maxLength: 60, pattern: '\\S' });
const Bio = Type.String({ maxLength: 1000 });
const Category = Type.Union(
  CATEGORIES.map((name) => Type.Literal(name)),
  { description: 'One of the fixed categories.' },
);
const Categories = Type.Array(Category, { maxItems: MAX_CATEGORIES, uniqueItems: true });
const Languages = Type.Array(Type.String({ pattern: '^[a-z]{2}$', description: 'ISO 639-1 code.' }), {
  maxItems: MAX_LANGUAGES,
  uniqueItems: true,
});
const price = (limits: { min: number; max: number }, description: string) =>
  Type.Integer({ minimum: limits.min, maximum: limits.max, description });
const MessagePrice = price(PRICE_LIMITS.message, 'Credits a fan pays per message to you (0 = free).');
const CallMinutePrice = price(PRICE_LIMITS.callMinute, 'Credits per call minute (0 = free).');
const SubscriptionPrice = Type.Union(
  [price(PRICE_LIMITS.subscription, 'Credits per month of subscription.'), Type.Null()],
  { description: 'Credits per month; null = no subscriptions offered.' },
);

const Prices = Type.Object(
  { message: MessagePrice, callMinute: CallMinutePrice, subscription: SubscriptionPrice },
  { additionalProperties: false },
);
const PricesChange = Type.Object(
  {
    message: Type.Optional(MessagePrice),
    callMinute: Type.Optional(CallMinutePrice),
    subscription: Type.Optional(SubscriptionPrice),
  },
  { additionalProperties: false, minProperties: 1 },
);

const optionalFields = {
  bio: Type.Optional(Bio),
  avatarMediaId: Type.Optional(MediaId('One of your images (null = none).')),
  bannerMediaId: Type.Optional(MediaId('One of your images (null = none).')),
  categories: Type.Optional(Categories),
  languages: Type.Optional(Languages),
  subscriberMessagesFree: Type.Optional(Type.Boolean({ description: 'Your subscribers message you free.' })),
  availableForCalls: Type.Optional(Type.Boolean()),
};

const exampleFields = {
  handle: 'mia.moves',
  displayName: 'Mia Moves',
  bio: 'Morning yoga and strength training, new routine every week.',
  avatarMediaId: EXAMPLE_AVATAR,
  bannerMediaId: EXAMPLE_BANNER,
  categories: ['fitness', 'wellness'],
  languages: ['en', 'es'],
  prices: { message: 25, callMinute: 60, subscription: 499 },
  subscriberMessagesFree: true,
  availableForCalls: true,
};

export const ReplaceProfileBody = Type.Object(
  {
    handle: Handle,
    displayName: DisplayName,
    prices: Prices,
    ...optionalFields,
    confirmAge: Type.Optional(
      Type.Boolean({ description: 'Required (true) when creating: you confirm you are 18 or older.' }),
    ),
    acceptTerms: Type.Optional(
      Type.String({
        maxLength: 40,
        description: `Required when creating: the creator terms version you accept, now "${TERMS_VERSION}".`,
      }),
    ),
  },
  {
    additionalProperties: false,
    examples: [{ ...exampleFields, confirmAge: true, acceptTerms: TERMS_VERSION }],
  },
);

export const ChangeProfileBody = Type.Object(
  {
    handle: Type.Optional(Handle),
    displayName: Type.Optional(DisplayName),
    prices: Type.Optional(PricesChange),
    ...optionalFields,
  },
  {
    additionalProperties: false,
    minProperties: 1,
    examples: [
      { prices: { subscription: 599 } },
      { bio: 'Now streaming on Sundays too.', availableForCalls: false },
    ],
  },
);

const cardProperties = {
  id: Uuid,
  handle: Type.String(),
  displayName: Type.String(),
  avatarUrl: NullableUrl,
};
const exampleCard = {
  id: EXAMPLE_CREATOR,
  handle: 'mia.moves',
  displayName: 'Mia Moves',
  avatarUrl: EXAMPLE_URL,
};
export const CreatorCard = Type.Object(cardProperties, { examples: [exampleCard] });

const pageProperties = {
  ...cardProperties,
  bio: Type.String(),
  bannerUrl: NullableUrl,
  categories: Type.Array(Type.String()),
  languages: Type.Array(Type.String()),
  prices: Type.Object({
    message: Type.Integer(),
    callMinute: Type.Integer(),
    subscription: Type.Union([Type.Integer(), Type.Null()]),
  }),
  subscriberMessagesFree: Type.Boolean(),
  availableForCalls: Type.Boolean(),
  followerCount: Type.Integer(),
  createdAt: Instant,
};
const examplePage = {
  ...exampleCard,
  bio: exampleFields.bio,
  bannerUrl: BANNER_URL,
  categories: exampleFields.categories,
  languages: exampleFields.languages,
  prices: exampleFields.prices,
  subscriberMessagesFree: true,
  availableForCalls: true,
  followerCount: 1280,
  createdAt: AT,
};

export const CreatorPage = Type.Object(
  {
    ...pageProperties,
    viewer: Type.Object({ following: Type.Boolean({ description: 'Whether you follow this creator.' }) }),
  },
  { examples: [{ ...examplePage, viewer: { following: true } }] },
);

export const OwnCreatorProfile = Type.Object(
  {
    ...pageProperties,
    avatarMediaId: Type.Union([Uuid, Type.Null()]),
    bannerMediaId: Type.Union([Uuid, Type.Null()]),
    ageConfirmedAt: Instant,
    termsAcceptedAt: Instant,
    termsVersion: Type.String(),
    updatedAt: Instant,
  },
  {
    examples: [
      {
        ...examplePage,
        avatarMediaId: EXAMPLE_AVATAR,
        bannerMediaId: EXAMPLE_BANNER,
        ageConfirmedAt: AT,
        termsAcceptedAt: AT,
        termsVersion: TERMS_VERSION,
        updatedAt: AT,
      },
    ],
  },
);

export const HandleParams = Type.Object({ handle: Handle }, { additionalProperties: false });
export const UserParams = Type.Object({ userId: Uuid }, { additionalProperties: false });

export const FanProfileBody = Type.Object(
  { displayName: DisplayName, avatarMediaId: Type.Optional(MediaId('One of your images (null = none).')) },
  { additionalProperties: false, examples: [{ displayName: 'Sam', avatarMediaId: EXAMPLE_AVATAR }] },
);
export const OwnFanProfile = Type.Object(
  {
    id: Uuid,
    displayName: Type.String(),
    avatarUrl: NullableUrl,
    avatarMediaId: Type.Union([Uuid, Type.Null()]),
    updatedAt: Instant,
  },
  {
    examples: [
      {
        id: EXAMPLE_FAN,
        displayName: 'Sam',
        avatarUrl: EXAMPLE_URL,
        avatarMediaId: EXAMPLE_AVATAR,
        updatedAt: AT,
      },
    ],
  },
);

export const UserCard = Type.Object(
  {
    kind: Type.Union([Type.Literal('creator'), Type.Literal('fan')]),
    id: Uuid,
    handle: Type.Union([Type.String(), Type.Null()], { description: 'Creators only.' }),
    displayName: Type.String(),
    avatarUrl: NullableUrl,
  },
  {
    examples: [
      { kind: 'creator', ...exampleCard },
      { kind: 'fan', id: EXAMPLE_FAN, handle: null, displayName: 'Sam', avatarUrl: null },
    ],
  },
);

export const FollowState = Type.Object(
  {
    following: Type.Boolean(),
    followedAt: Type.Union([Instant, Type.Null()]),
    followerCount: Type.Integer({ description: "The creator's followers now." }),
  },
  { examples: [{ following: true, followedAt: AT, followerCount: 1281 }] },
);

const pageQuery = (maximum: number, fallback: number) =>
  Type.Object(
    {
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum, default: fallback })),
      cursor: Type.Optional(Type.String({ maxLength: 300, description: 'nextCursor of the previous page' })),
    },
    { additionalProperties: false },
  );
const NextCursor = Type.Union([Type.String(), Type.Null()]);

export const FollowListQuery = pageQuery(100, 50);

export const FollowingPage = Type.Object(
  { items: Type.Array(Type.Object({ creator: CreatorCard, followedAt: Instant })), nextCursor: NextCursor },
  { examples: [{ items: [{ creator: exampleCard, followedAt: AT }], nextCursor: null }] },
);

export const FollowersPage = Type.Object(
  {
    items: Type.Array(
      Type.Object({
        user: Type.Object({
          id: Uuid,
          handle: Type.Union([Type.String(), Type.Null()]),
          displayName: Type.Union([Type.String(), Type.Null()], {
            description: 'Null when the follower has set no profile.',
          }),
          avatarUrl: NullableUrl,
        }),
        followedAt: Instant,
      }),
    ),
    nextCursor: NextCursor,
  },
  {
    examples: [
      {
        items: [
          { user: { id: EXAMPLE_FAN, handle: null, displayName: 'Sam', avatarUrl: null }, followedAt: AT },
        ],
        nextCursor:
          'WyIyMDI2LTExLTI5VDIwOjAwOjAwLjAwMFoiLCI1ZjBjMmQ3ZS0xYjNhLTRlOGYtOWM2ZC0wYTFiMmMzZDRlNWYiXQ',
      },
    ],
  },
);

export const SearchQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({ maxLength: 100, description: 'Handle prefix, or words of the name, handle or bio.' }),
    ),
    category: Type.Optional(Category),
    language: Type.Optional(Type.String({ pattern: '^[a-z]{2}$', description: 'ISO 639-1 code.' })),
    ...pageQuery(50, 20).properties,
  },
  { additionalProperties: false },
);

export const SearchPage = Type.Object(
  {
    items: Type.Array(
      Type.Object({
        ...cardProperties,
        bio: Type.String(),
        categories: Type.Array(Type.String()),
        languages: Type.Array(Type.String()),
        subscriptionPrice: Type.Union([Type.Integer(), Type.Null()]),
        availableForCalls: Type.Boolean(),
        followerCount: Type.Integer(),
      }),
    ),
    nextCursor: NextCursor,
  },
  {
    examples: [
      {
        items: [
          {
            ...exampleCard,
            bio: exampleFields.bio,
            categories: exampleFields.categories,
            languages: exampleFields.languages,
            subscriptionPrice: 499,
            availableForCalls: true,
            followerCount: 1280,
          },
        ],
        nextCursor: null,
      },
    ],
  },
);

// Owns the candidate profile's request and response schemas.
import Type, { type Static } from 'typebox';
import { Location, Salary } from '../jobs/schemas.js';

export const RemotePreference = Type.Union([
  Type.Literal('remote'),
  Type.Literal('hybrid'),
  Type.Literal('on_site'),
  Type.Literal('any'),
]);

export const ProfileInput = Type.Object(
  {
    name: Type.Optional(
      Type.String({ maxLength: 200, description: 'How employers see you named; left out means no name' }),
    ),
    headline: Type.String({ maxLength: 200 }),
    skills: Type.Array(
      Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 60 }),
          level: Type.Integer({ minimum: 1, maximum: 5 }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 100 },
    ),
    yearsExperience: Type.Integer({ minimum: 0, maximum: 70 }),
    location: Location,
    remotePreference: RemotePreference,
    desiredSalary: Type.Union([Salary, Type.Null()]),
    resumeText: Type.String({ maxLength: 50_000 }),
    discoverable: Type.Boolean({ description: 'Let employers rank you for their jobs before you apply.' }),
  },
  { additionalProperties: false },
);
export type ProfileInput = Static<typeof ProfileInput>;

const ProfileLocation = Type.Object({
  city: Type.Union([Type.String(), Type.Null()]),
  region: Type.Union([Type.String(), Type.Null()]),
  country: Type.Union([Type.String(), Type.Null()]),
});
const ProfileSkills = Type.Array(Type.Object({ name: Type.String(), level: Type.Integer() }));

export const Profile = Type.Object({
  userId: Type.String({ format: 'uuid' }),
  name: Type.String(),
  headline: Type.String(),
  skills: ProfileSkills,
  yearsExperience: Type.Integer(),
  location: ProfileLocation,
  remotePreference: RemotePreference,
  desiredSalary: Type.Union([
    Type.Object({
      min: Type.Union([Type.Integer(), Type.Null()]),
      max: Type.Union([Type.Integer(), Type.Null()]),
      currency: Type.String(),
      interval: Type.String(),
    }),
    Type.Null(),
  ]),
  resumeText: Type.String(),
  discoverable: Type.Boolean(),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type Profile = Static<typeof Profile>;

/**
 * What an employer sees of a candidate who applied to the organisation or opted into discovery:
 * the profile without the salary wish or the discovery switch. The e-mail comes with the
 * application, not from here.
 */
export const ApplicantProfile = Type.Object({
  name: Type.String({ description: 'Empty when the candidate gave none' }),
  headline: Type.String(),
  skills: ProfileSkills,
  yearsExperience: Type.Integer(),
  location: ProfileLocation,
  remotePreference: RemotePreference,
  resumeText: Type.String(),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type ApplicantProfile = Static<typeof ApplicantProfile>;

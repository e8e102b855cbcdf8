// Owns the candidate profile's request and response schemas, and what of a profile an employer
// sees. The matching constraints (workAuthorisation, willingToRelocate; issue 18) carry examples
// for /docs; which countries exist is the service's check.
import Type, { type Static } from 'typebox';
import { Location, Salary } from '../jobs/schemas.js';

export const RemotePreference = Type.Union([
  Type.Literal('remote'),
  Type.Literal('hybrid'),
  Type.Literal('on_site'),
  Type.Literal('any'),
]);

const WORK_AUTHORISATION_DESCRIPTION =
  'Countries (ISO 3166-1 alpha-2) you may work in without sponsorship. Region codes such as "EU" ' +
  'are refused: list the countries. Codes are upper-cased and duplicates dropped; an unknown code ' +
  'is refused (400 naming the item). Empty: not said.';
const WILLING_TO_RELOCATE_DESCRIPTION =
  'Whether you would move for a job: to an on-site or hybrid job beyond its commute radius, or to ' +
  'another country you may work in. Null: not said.';
const workAuthorisationExamples = [['PT'], ['DE', 'FR', 'GB']];

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
    workAuthorisation: Type.Optional(
      Type.Array(Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2, any case' }), {
        maxItems: 250,
        description: `${WORK_AUTHORISATION_DESCRIPTION} Left out: empty.`,
        examples: workAuthorisationExamples,
      }),
    ),
    willingToRelocate: Type.Optional(
      Type.Union([Type.Boolean(), Type.Null()], {
        description: `${WILLING_TO_RELOCATE_DESCRIPTION} Left out: null.`,
        examples: [true],
      }),
    ),
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
const WorkAuthorisation = Type.Array(Type.String(), {
  description: WORK_AUTHORISATION_DESCRIPTION,
  examples: workAuthorisationExamples,
});
const WillingToRelocate = Type.Union([Type.Boolean(), Type.Null()], {
  description: WILLING_TO_RELOCATE_DESCRIPTION,
  examples: [true],
});

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
  workAuthorisation: WorkAuthorisation,
  willingToRelocate: WillingToRelocate,
  updatedAt: Type.String({ format: 'date-time' }),
});
export type Profile = Static<typeof Profile>;

/**
 * What an employer sees of a candidate who applied to the organisation or opted into discovery:
 * the profile without the salary wish or the discovery switch. The e-mail comes with the
 * application, not from here. Where the candidate may work and whether they would relocate are
 * shown: they are what a recruiter checks first, and matching ranks on them, so an employer must
 * be able to see why a candidate sank.
 */
export const ApplicantProfile = Type.Object({
  name: Type.String({ description: 'Empty when the candidate gave none' }),
  headline: Type.String(),
  skills: ProfileSkills,
  yearsExperience: Type.Integer(),
  location: ProfileLocation,
  remotePreference: RemotePreference,
  resumeText: Type.String(),
  workAuthorisation: WorkAuthorisation,
  willingToRelocate: WillingToRelocate,
  updatedAt: Type.String({ format: 'date-time' }),
});
export type ApplicantProfile = Static<typeof ApplicantProfile>;

// Owns the request and response schemas of jobs: the normalised job every origin shares (employer
// posting or job-board ingestion), what an employer may send to create or change one, and the
// listing filters. Inputs allow no unknown properties and cap every string and number. The matching
// constraints (remoteRegions, commuteRadiusKm; issue 18) carry examples for /docs; which codes
// exist is the service's check (matching/countries.ts), the schema only bounds their shape.
import Type, { type Static } from 'typebox';
import { COUNTRY_GROUPS } from '../matching/countries.js';

export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const WorkplaceType = Type.Union([
  Type.Literal('on_site'),
  Type.Literal('hybrid'),
  Type.Literal('remote'),
]);
export const EmploymentType = Type.Union(
  [
    Type.Literal('FULL_TIME'),
    Type.Literal('PART_TIME'),
    Type.Literal('CONTRACTOR'),
    Type.Literal('TEMPORARY'),
    Type.Literal('INTERN'),
    Type.Literal('VOLUNTEER'),
    Type.Literal('PER_DIEM'),
    Type.Literal('OTHER'),
  ],
  { description: 'schema.org JobPosting employmentType' },
);
export const SalaryInterval = Type.Union([
  Type.Literal('HOUR'),
  Type.Literal('DAY'),
  Type.Literal('WEEK'),
  Type.Literal('MONTH'),
  Type.Literal('YEAR'),
]);
const Place = Type.String({ minLength: 1, maxLength: 120 });
const Country = Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' });
const Money = Type.Integer({ minimum: 0, maximum: 1_000_000_000_00, description: 'minor units (cents)' });
const SkillName = Type.String({ minLength: 1, maxLength: 60 });
const Level = Type.Integer({ minimum: 1, maximum: 5 });

/** Upper bound on remoteRegions entries: more than any real posting names (the EU is one code). */
const MAX_REMOTE_REGIONS = 50;
const REMOTE_REGIONS_DESCRIPTION =
  'Where a remote job may be done from: ISO 3166-1 alpha-2 countries ("DE") and region codes ' +
  `(${Object.keys(COUNTRY_GROUPS).join(', ')}). A hard constraint for remote jobs: candidates who ` +
  'may not work in any of them rank below those who may. Ignored for on-site and hybrid jobs. ' +
  'Codes are upper-cased and duplicates dropped; an unknown code is refused (400 naming the item). ' +
  'Empty: anywhere.';
const COMMUTE_RADIUS_DESCRIPTION =
  "For on-site and hybrid jobs: how far from the job's location (km) a candidate may live without " +
  'moving; candidates farther away who will not relocate rank below those within it. Ignored for ' +
  'remote jobs. Null: no limit given.';
const remoteRegionsExamples = [['DE', 'AT', 'CH'], ['EU'], ['EU', 'GB']];

const RemoteRegions = Type.Array(
  Type.String({
    minLength: 2,
    maxLength: 16,
    pattern: '^[A-Za-z][A-Za-z0-9-]*$',
    description: 'A country (ISO 3166-1 alpha-2) or region code, any case',
  }),
  { maxItems: MAX_REMOTE_REGIONS, description: REMOTE_REGIONS_DESCRIPTION, examples: remoteRegionsExamples },
);
// Described on the union, not inside it, so /docs shows the text next to the field.
const CommuteRadiusKm = Type.Union([Type.Integer({ minimum: 1, maximum: 500 }), Type.Null()], {
  description: COMMUTE_RADIUS_DESCRIPTION,
  examples: [30, null],
});

export const Location = Type.Object(
  { city: Nullable(Place), region: Nullable(Place), country: Nullable(Country) },
  { additionalProperties: false },
);
export const Salary = Type.Object(
  {
    min: Nullable(Money),
    max: Nullable(Money),
    currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217' }),
    interval: SalaryInterval,
  },
  { additionalProperties: false },
);
export const JobSkill = Type.Object(
  { name: SkillName, level: Nullable(Level), required: Type.Boolean() },
  { additionalProperties: false },
);

const editable = {
  title: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
  company: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
  descriptionText: Type.String({
    maxLength: 50_000,
    description: 'Plain text; shown escaped, paragraphs kept.',
  }),
  location: Location,
  workplaceType: Nullable(WorkplaceType),
  employmentType: Nullable(EmploymentType),
  salary: Nullable(Salary),
  skills: Type.Array(JobSkill, { maxItems: 50 }),
  minYearsExperience: Nullable(Type.Integer({ minimum: 0, maximum: 70 })),
  validThrough: Nullable(Type.String({ format: 'date-time' })),
  remoteRegions: RemoteRegions,
  commuteRadiusKm: CommuteRadiusKm,
};

export const CreateJobBody = Type.Object(
  {
    title: editable.title,
    company: Type.Optional(editable.company),
    descriptionText: Type.Optional(editable.descriptionText),
    location: Type.Optional(editable.location),
    workplaceType: Type.Optional(editable.workplaceType),
    employmentType: Type.Optional(editable.employmentType),
    salary: Type.Optional(editable.salary),
    skills: Type.Optional(editable.skills),
    minYearsExperience: Type.Optional(editable.minYearsExperience),
    validThrough: Type.Optional(editable.validThrough),
    remoteRegions: Type.Optional(editable.remoteRegions),
    commuteRadiusKm: Type.Optional(editable.commuteRadiusKm),
  },
  { additionalProperties: false },
);
export type CreateJobInput = Static<typeof CreateJobBody>;

export const UpdateJobBody = Type.Partial(Type.Object(editable, { additionalProperties: false }), {
  additionalProperties: false,
  minProperties: 1,
});
export type UpdateJobInput = Static<typeof UpdateJobBody>;

export const JobBody = Type.Object({
  id: Type.String({ format: 'uuid' }),
  organisationId: Nullable(Type.String({ format: 'uuid' })),
  status: Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('closed')], {
    description: 'A published job whose validThrough has passed is closed.',
  }),
  holdsPostingSlot: Type.Boolean({
    description: "Whether the job takes a slot of its organisation's job-postings quota (published ones do)",
  }),
  title: Type.String(),
  company: Type.String(),
  descriptionHtml: Type.String({ description: 'Sanitised HTML' }),
  descriptionText: Type.String(),
  location: Type.Object({
    city: Nullable(Type.String()),
    region: Nullable(Type.String()),
    country: Nullable(Type.String()),
  }),
  workplaceType: Nullable(WorkplaceType),
  employmentType: Nullable(EmploymentType),
  salary: Nullable(
    Type.Object({
      min: Nullable(Type.Integer()),
      max: Nullable(Type.Integer()),
      currency: Type.String(),
      interval: SalaryInterval,
    }),
  ),
  skills: Type.Array(
    Type.Object({ name: Type.String(), level: Nullable(Type.Integer()), required: Type.Boolean() }),
  ),
  minYearsExperience: Nullable(Type.Integer()),
  remoteRegions: Type.Array(Type.String(), {
    description: REMOTE_REGIONS_DESCRIPTION,
    examples: remoteRegionsExamples,
  }),
  commuteRadiusKm: Type.Union([Type.Integer(), Type.Null()], {
    description: COMMUTE_RADIUS_DESCRIPTION,
    examples: [30, null],
  }),
  postedAt: Nullable(Type.String({ format: 'date-time' })),
  validThrough: Nullable(Type.String({ format: 'date-time' })),
  url: Nullable(Type.String()),
  source: Type.String({ description: '"employer", or the job board it was ingested from' }),
  sourceJobId: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  closedAt: Nullable(Type.String({ format: 'date-time' })),
});
export type Job = Static<typeof JobBody>;

const Csv = (pattern: string, description: string) =>
  Type.String({ maxLength: 300, pattern: `^(${pattern})(,(${pattern}))*$`, description });

export const JobListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Full-text search' })),
    city: Type.Optional(Place),
    country: Type.Optional(Country),
    workplaceType: Type.Optional(Csv('on_site|hybrid|remote', 'Comma-separated workplace types')),
    employmentType: Type.Optional(
      Csv('FULL_TIME|PART_TIME|CONTRACTOR|TEMPORARY|INTERN|VOLUNTEER|PER_DIEM|OTHER', 'Comma-separated'),
    ),
    salaryMin: Type.Optional(Money),
    salaryMax: Type.Optional(Money),
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
    skills: Type.Optional(Csv('[A-Za-z0-9+#. -]{1,60}', 'Comma-separated; a job matches if it lists any')),
    postedSince: Type.Optional(Type.String({ format: 'date-time' })),
    cursor: Type.Optional(Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);
export type JobListFilters = Static<typeof JobListQuery>;

export const JobPage = Type.Object({
  items: Type.Array(JobBody),
  nextCursor: Nullable(Type.String({ description: 'Pass as `cursor` for the next page; null at the end.' })),
});

// Owns the configured job-board sources: global ones (admins) and an organisation's own (its
// owners). An organisation's source gets a random verification token when added; its postings
// become the organisation's jobs only once it is verified (verification.ts). A source is identified
// by its kind and the board token, site, board name, company identifier or page URL that kind needs.
import {
  AppError,
  assertPublicUrl,
  type Clock,
  type Database,
  NetError,
  type NetPolicy,
} from '@app/platform';
import { hiringDb } from '../../db.js';
import type { OrganisationService } from '../organisations/service.js';
import type { SourceRow } from './repository.js';
import { newVerificationToken } from './verification.js';

export interface SourceInput {
  kind: SourceRow['kind'];
  identifier: string;
  organisationId: string | null;
}

export interface Caller {
  userId: string;
  isAdmin: boolean;
}

const notFound = () =>
  new AppError({ kind: 'not_found', code: 'job_source_not_found', detail: 'No such job source.' });

function checkIdentifier(input: SourceInput): void {
  if (input.kind === 'jsonld') {
    const url = URL.canParse(input.identifier) ? new URL(input.identifier) : undefined;
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      throw new AppError({
        kind: 'invalid_input',
        code: 'job_source_url_invalid',
        detail: 'A JSON-LD source needs the http(s) URL of a careers page.',
        fields: [{ path: '/body/identifier', message: 'must be an http(s) URL' }],
      });
    }
  } else if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/.test(input.identifier)) {
    throw new AppError({
      kind: 'invalid_input',
      code: 'job_source_identifier_invalid',
      detail: `A ${input.kind} source needs the board's identifier (letters, digits, ".", "_" or "-").`,
      fields: [{ path: '/body/identifier', message: 'must be a board identifier' }],
    });
  }
}

/** A careers page the guarded fetcher would never fetch is refused now rather than at every run. */
async function checkPublic(input: SourceInput, network: NetPolicy): Promise<void> {
  if (input.kind !== 'jsonld') return;
  await assertPublicUrl(input.identifier, network).catch((error: unknown) => {
    if (!(error instanceof NetError)) throw error;
    throw new AppError({
      kind: 'invalid_input',
      code: 'job_source_url_not_public',
      detail: `A JSON-LD source must be a public http(s) URL on an allowed port (${error.message}).`,
      fields: [{ path: '/body/identifier', message: error.message }],
    });
  });
}

export function createSourceService(
  db: Database,
  clock: Clock,
  organisations: OrganisationService,
  /** Who the fetcher may reach; the same policy judges URLs at registration. */
  network: NetPolicy = {},
) {
  const kysely = hiringDb(db);

  async function authorise(caller: Caller, organisationId: string | null): Promise<void> {
    if (caller.isAdmin) return;
    if (organisationId === null) {
      throw new AppError({
        kind: 'forbidden',
        code: 'admin_only',
        detail: 'Only admins manage global sources.',
      });
    }
    await organisations.requireRight(caller.userId, organisationId, 'manage');
  }

  return {
    /** Adds the source, or enables it again when it was removed before (its run history is kept). */
    async add(caller: Caller, input: SourceInput): Promise<SourceRow> {
      checkIdentifier(input);
      await authorise(caller, input.organisationId);
      await checkPublic(input, network);
      const enabled = await kysely
        .updateTable('hiring_job_sources')
        .set({ enabled: true })
        .where((eb) =>
          input.organisationId === null
            ? eb('organisation_id', 'is', null)
            : eb('organisation_id', '=', input.organisationId),
        )
        .where('kind', '=', input.kind)
        .where('identifier', '=', input.identifier)
        .where('enabled', '=', false)
        .returningAll()
        .executeTakeFirst();
      if (enabled) return enabled;
      const row = await kysely
        .insertInto('hiring_job_sources')
        .values({
          organisation_id: input.organisationId,
          kind: input.kind,
          identifier: input.identifier,
          created_at: clock.now(),
          verification_token: input.organisationId === null ? null : newVerificationToken(),
        })
        .onConflict((conflict) => conflict.doNothing())
        .returningAll()
        .executeTakeFirst();
      if (row) return row;
      throw new AppError({
        kind: 'conflict',
        code: 'job_source_exists',
        detail: 'This source is already configured.',
      });
    },

    /** Admins see every source; others the sources of the organisations they belong to. */
    async list(caller: Caller): Promise<SourceRow[]> {
      let query = kysely.selectFrom('hiring_job_sources').selectAll().where('enabled', '=', true);
      if (!caller.isAdmin) {
        query = query.where('organisation_id', 'in', (eb) =>
          eb
            .selectFrom('hiring_organisation_members')
            .select('organisation_id')
            .where('user_id', '=', caller.userId),
        );
      }
      return query.orderBy('created_at').orderBy('id').execute();
    },

    /** Stops scraping the source; its past runs stay readable. */
    async remove(caller: Caller, sourceId: string): Promise<void> {
      const row = await kysely
        .selectFrom('hiring_job_sources')
        .selectAll()
        .where('id', '=', sourceId)
        .where('enabled', '=', true)
        .executeTakeFirst();
      if (!row) throw notFound();
      // Outside the organisation (or for a global source, without the admin right), a source that
      // exists answers exactly as one that does not.
      await authorise(caller, row.organisation_id).catch((error: unknown) => {
        const hidden =
          error instanceof AppError &&
          (error.kind === 'not_found' || (error.kind === 'forbidden' && row.organisation_id === null));
        throw hidden ? notFound() : error;
      });
      await kysely
        .updateTable('hiring_job_sources')
        .set({ enabled: false })
        .where('id', '=', sourceId)
        .execute();
    },
  };
}

export type SourceService = ReturnType<typeof createSourceService>;

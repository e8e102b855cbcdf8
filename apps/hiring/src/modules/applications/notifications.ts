// Owns the mail a candidate gets when their application changes stage: the job, the company and
// the new stage, and nothing the organisation keeps to itself (notes, ratings, the rejection
// reason, who moved it). Employer-written text is flattened to one line in the subject, so a job
// title cannot add mail headers.
import type { OutgoingMail } from '@app/platform';
import type { StageOutcome } from '../../db.js';

const oneLine = (text: string) => text.replace(/[\r\n\u2028\u2029]+/g, ' ').trim();

const CLOSING: Record<StageOutcome, string> = {
  open: 'The employer will be in touch about the next steps.',
  hired: 'Congratulations!',
  rejected: 'The employer has decided not to go ahead with your application. Thank you for applying.',
};

export function stageChangeMail(
  to: string,
  job: { title: string; company: string },
  stage: { name: string; outcome: StageOutcome },
): OutgoingMail {
  const title = oneLine(job.title);
  const company = oneLine(job.company);
  return {
    to,
    subject: `Your application for ${title} at ${company}: ${oneLine(stage.name)}`,
    text: `Your application for "${title}" at ${company} has moved to the stage "${stage.name}".\n\n${CLOSING[stage.outcome]}\n\nYour applications and their stages: GET /me/applications.`,
  };
}

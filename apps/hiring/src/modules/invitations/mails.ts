// Owns the mail a candidate gets when invited to an assessment (and again on each resend): who
// invites them, to which assessment, its time limit, when the link expires and the link itself,
// which carries the token (the only place the token ever appears). Employer-written text is
// flattened to one line in the subject, so a title cannot add mail headers.
import type { OutgoingMail } from '@app/platform';

const oneLine = (text: string) => text.replace(/[\r\n\u2028\u2029]+/g, ' ').trim();

export interface InvitationMailInput {
  to: string;
  name: string | null;
  organisationName: string;
  assessmentTitle: string;
  timeLimitMinutes: number;
  attemptsLimit: number;
  expiresAt: Date;
  link: string;
  resend: boolean;
}

export function inviteLink(publicAppUrl: string, token: string): string {
  return `${publicAppUrl}/assessments/invite/${token}`;
}

export function invitationMail(input: InvitationMailInput): OutgoingMail {
  const organisation = oneLine(input.organisationName);
  const title = oneLine(input.assessmentTitle);
  const expires = input.expiresAt
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, ' UTC');
  const greeting = input.name ? `Hello ${oneLine(input.name)},` : 'Hello,';
  const attempts = input.attemptsLimit === 1 ? 'one attempt' : `up to ${input.attemptsLimit} attempts`;
  return {
    to: input.to,
    subject: `${input.resend ? 'Reminder: ' : ''}${organisation} invites you to the assessment "${title}"`,
    text: [
      greeting,
      '',
      `${organisation} invites you to take the assessment "${title}".`,
      `Time limit: ${input.timeLimitMinutes} minutes, counted by our server from the moment you start.`,
      `The invitation allows ${attempts}; this link starts one attempt and expires on ${expires}.`,
      '',
      `Start here: ${input.link}`,
      '',
      input.resend ? 'This link replaces any earlier one, which no longer works.' : '',
      'If you did not expect this invitation you can ignore this mail.',
    ]
      .filter((line, index, lines) => line !== '' || lines[index - 1] !== '')
      .join('\n'),
  };
}

// Issue 18's patterns, each with realistic people: evidence outweighs self-rating, hard constraints
// sink a candidate below everyone who meets them (still listed, with the reason), skills match
// through synonyms and narrower skills and inside resume text, places match across languages, and
// salaries compare across currencies. Every assertion is on what a recruiter sees in the result.
import { describe, expect, it } from 'vitest';
import {
  type MatchCandidate,
  type MatchJob,
  type MatchResult,
  rankCandidatesForJob,
  rankJobsForCandidate,
} from '../../src/modules/matching/index.js';
import { candidate, job } from './builders.js';

const AS_OF = new Date('2026-11-30T00:00:00Z');
const munich = { city: 'Munich', region: 'Bavaria', country: 'DE' };

function rank(forJob: MatchJob, people: MatchCandidate[]): MatchResult[] {
  return rankCandidatesForJob(forJob, people, { limit: 100, asOf: AS_OF }).results;
}
const order = (results: MatchResult[]) => results.map((result) => result.id);
const byId = (results: MatchResult[], id: string) => results.find((result) => result.id === id)!;

const seniorBackend = job({
  id: 'senior-backend',
  title: 'Senior Backend Engineer (Java, Spring Boot)',
  descriptionText:
    'Own the policy administration services: Java 17, Spring Boot, PostgreSQL and Kafka, with five years of production backend work.',
  skills: [
    { name: 'Java', level: 4, required: true },
    { name: 'Spring Boot', level: 4, required: true },
    { name: 'PostgreSQL', level: 3, required: true },
    { name: 'Kafka', level: 3, required: false },
  ],
  minYearsExperience: 5,
  location: munich,
  workplaceType: 'on_site',
});

const genuineSenior = candidate({
  id: 'genuine-senior',
  headline: 'Backend developer',
  yearsExperience: 11,
  location: { city: 'München', region: 'Bayern', country: 'DE' },
  remotePreference: 'on_site',
  skills: [
    { name: 'Java', level: 4 },
    { name: 'Spring', level: 3 },
  ],
  resumeText: [
    'Lead Software Engineer, Example Reinsurance IT, Munich (2018 to present). Java 17, Spring Boot, PostgreSQL with 400 tables, Kafka topics feeding the data warehouse.',
    'Software Engineer, Example Payments, Munich (2014 to 2018). SEPA processing in Java EE and Spring, Oracle and later PostgreSQL.',
  ].join('\n\n'),
});

const stuffer = candidate({
  id: 'stuffer',
  headline: 'Senior Full-Stack Java Engineer | Spring Boot | Kafka | Kubernetes | PostgreSQL',
  yearsExperience: 4,
  location: munich,
  remotePreference: 'any',
  skills: ['Java', 'Spring Boot', 'PostgreSQL', 'Kafka', 'Kubernetes', 'Docker'].map((name) => ({
    name,
    level: 5 as const,
  })),
  resumeText: [
    'IT Support Specialist, Example Logistics, Munich (2021 to present). Resetting passwords, setting up laptops, tickets in Jira Service Desk.',
    'Java Backend Bootcamp, Example Code Camp (12 weeks, 2024). Built a to-do REST API with Spring Boot and PostgreSQL and a small Kafka demo following the course.',
    'Skills: Java, Spring Boot, Microservices, Kafka, Kubernetes, Docker, AWS, PostgreSQL.',
  ].join('\n\n'),
});

const student = candidate({
  id: 'student',
  headline: 'CS student | Java | Spring Boot | React',
  yearsExperience: 1,
  location: munich,
  skills: ['Java', 'Spring Boot', 'PostgreSQL', 'Kafka'].map((name) => ({ name, level: 5 as const })),
  resumeText: [
    'B.Sc. Informatics student, Technical University of Munich (since 2023).',
    'Projects: a Spring Boot REST API with PostgreSQL for my flat-share shopping list; a Discord bot in Java.',
  ].join('\n\n'),
});

const midLevel = candidate({
  id: 'mid-level',
  headline: 'Java developer',
  yearsExperience: 5,
  location: { city: 'Freising', region: 'Bavaria', country: 'DE' },
  remotePreference: 'on_site',
  skills: [
    { name: 'Java', level: 4 },
    { name: 'Spring Boot', level: 3 },
    { name: 'PostgreSQL', level: 3 },
  ],
  resumeText:
    'Software Engineer, Example Logistics Software, Freising (2021 to present). Java and Spring Boot services for warehouse planning on PostgreSQL.',
});

describe('evidence over self-rating', () => {
  it('ranks a keyword stuffer and a student below engineers whose resumes show the work', () => {
    const ranked = rank(seniorBackend, [stuffer, student, midLevel, genuineSenior]);
    expect(order(ranked)).toEqual(['genuine-senior', 'mid-level', 'stuffer', 'student']);
  });

  it('explains each inferred level: the claim, and what the resume shows', () => {
    const ranked = rank(seniorBackend, [stuffer, genuineSenior]);
    const java = (id: string) => byId(ranked, id).matchedSkills.find((skill) => skill.skill === 'java')!;
    expect(java('stuffer')).toMatchObject({
      claimedLevel: 5,
      level: 2,
      reason: 'claimed 5; only in courses or projects',
    });
    expect(java('genuine-senior')).toMatchObject({ claimedLevel: 4, level: 5 });
    expect(java('genuine-senior').reason).toContain('used for 12 years at work');
    // Spring Boot was never claimed by the senior: the resume shows it.
    const springBoot = byId(ranked, 'genuine-senior').matchedSkills.find(
      (skill) => skill.skill === 'spring boot',
    );
    expect(springBoot).toMatchObject({ claimedLevel: null, via: null, level: 5 });
    // Years that count are years with the job's skills, not years at a help desk.
    expect(byId(ranked, 'stuffer').components.experience).toBe(0);
    expect(byId(ranked, 'stuffer').explanations.experience).toBe(
      "0 years of work with the job's skills; the job asks for 5",
    );
  });
});

describe('hard constraints', () => {
  const remoteOnly = candidate({
    ...genuineSenior,
    id: 'remote-only',
    location: { city: 'Hamburg', region: 'Hamburg', country: 'DE' },
    remotePreference: 'remote',
    willingToRelocate: false,
  });
  const weakButLocal = candidate({
    id: 'weak-but-local',
    yearsExperience: 2,
    location: munich,
    remotePreference: 'on_site',
    skills: [{ name: 'Java', level: 2 }],
    resumeText: 'Junior developer, Example Agency, Munich (2024 to present). Small Java fixes.',
  });

  it('sinks a remote-only candidate below everyone who can work on site, and says why', () => {
    const ranked = rank(seniorBackend, [remoteOnly, weakButLocal, genuineSenior]);
    expect(order(ranked)).toEqual(['genuine-senior', 'weak-but-local', 'remote-only']);
    const sunk = byId(ranked, 'remote-only');
    expect(sunk.score).toBeGreaterThan(byId(ranked, 'weak-but-local').score);
    expect(sunk.constraints).toEqual([{ code: 'remote_only', reason: expect.any(String) }]);
    expect(byId(ranked, 'genuine-senior').constraints).toEqual([]);
  });

  it('sinks someone far away who will not relocate, and not someone who will', () => {
    const leipzig = { city: 'Leipzig', region: 'Saxony', country: 'DE' };
    const stays = candidate({ ...genuineSenior, id: 'stays', location: leipzig, willingToRelocate: false });
    const moves = candidate({ ...genuineSenior, id: 'moves', location: leipzig, willingToRelocate: true });
    const ranked = rank(seniorBackend, [stays, moves, weakButLocal]);
    expect(order(ranked)).toEqual(['moves', 'weak-but-local', 'stays']);
    expect(byId(ranked, 'stays').constraints.map((failure) => failure.code)).toEqual(['too_far']);
  });

  it('keeps a remote job limited to the EU to people living there', () => {
    const euOnly = job({
      id: 'eu-remote',
      title: 'Frontend Engineer',
      skills: [{ name: 'React', level: 4, required: true }],
      workplaceType: 'remote',
      location: { city: 'Amsterdam', region: 'North Holland', country: 'NL' },
      remoteRegions: ['EU'],
    });
    const strong = (id: string, location: MatchCandidate['location']) =>
      candidate({
        id,
        yearsExperience: 8,
        location,
        remotePreference: 'remote',
        skills: [{ name: 'React', level: 5 }],
        resumeText: 'Senior Frontend Engineer (2018 to present). React and TypeScript design systems.',
      });
    const lisbonJunior = candidate({
      id: 'lisbon-junior',
      yearsExperience: 2,
      location: { city: 'Lisbon', region: 'Lisbon', country: 'PT' },
      skills: [{ name: 'React', level: 3 }],
      resumeText: 'Frontend Developer (2024 to present). React pages for an online shop.',
    });
    const ranked = rank(euOnly, [
      strong('london', { city: 'London', region: 'England', country: 'GB' }),
      strong('bengaluru', { city: 'Bengaluru', region: 'Karnataka', country: 'IN' }),
      strong('berlin', { city: 'Berlin', region: 'Berlin', country: 'DE' }),
      lisbonJunior,
    ]);
    expect(order(ranked).slice(0, 2)).toEqual(['berlin', 'lisbon-junior']);
    for (const id of ['london', 'bengaluru']) {
      expect(byId(ranked, id).constraints.map((failure) => failure.code)).toEqual(['outside_remote_region']);
    }
  });
});

describe('synonyms, narrower skills and resume text', () => {
  const pairs: Array<[jobSkill: string, candidateSkill: string]> = [
    ['CSS', 'SCSS'],
    ['Accessibility', 'WCAG'],
    ['Selenium WebDriver', 'Selenium'],
    ['API testing', 'REST Assured'],
    ['API testing', 'Postman'],
    ['RTOS', 'FreeRTOS'],
    ['CAN bus', 'CAN'],
    ['ARM Cortex-M', 'Cortex-M'],
  ];
  for (const [wanted, held] of pairs) {
    it(`matches the job's ${wanted} with a candidate's ${held}`, () => {
      const [result] = rank(job({ skills: [{ name: wanted, level: 3, required: true }] }), [
        candidate({ yearsExperience: 6, skills: [{ name: held, level: 4 }] }),
      ]);
      expect(result!.missingSkills).toEqual([]);
      expect(result!.matchedSkills).toHaveLength(1);
      expect(result!.components.skills).toBe(1);
    });
  }

  it('finds a skill the candidate only wrote about in the resume', () => {
    const [result] = rank(job({ skills: [{ name: 'Accessibility (WCAG)', level: 3, required: true }] }), [
      candidate({
        yearsExperience: 6,
        skills: [{ name: 'React', level: 4 }],
        resumeText:
          'Frontend Engineer, Example Rail (2020 to present). Ran WCAG 2.2 AA audits and screen reader testing of the booking flow.',
      }),
    ]);
    expect(result!.missingSkills).toEqual([]);
    expect(result!.matchedSkills[0]).toMatchObject({ claimedLevel: null, level: 5, via: 'wcag' });
    expect(result!.matchedSkills[0]!.reason).toBe(
      'wcag is a kind of accessibility: found in the resume; used for 6 years at work',
    );
  });
});

describe('places and currencies', () => {
  it('reads München as Munich and Wien as Vienna', () => {
    const local = (city: string, country: string, where: MatchJob['location']) =>
      rank(job({ workplaceType: 'on_site', location: where }), [
        candidate({ location: { city, region: null, country }, remotePreference: 'on_site' }),
      ])[0]!.components.location;
    expect(local('München', 'DE', munich)).toBe(1);
    expect(local('Wien', 'AT', { city: 'Vienna', region: 'Vienna', country: 'AT' })).toBe(1);
  });

  it('compares a GBP ask with a EUR range after conversion', () => {
    const eurJob = job({ salary: { min: 75_000_00, max: 95_000_00, currency: 'EUR', interval: 'YEAR' } });
    const asks = (min: number) =>
      rank(eurJob, [candidate({ desiredSalary: { min, max: null, currency: 'GBP', interval: 'YEAR' } })])[0]!;
    expect(asks(70_000_00).components.salary).toBe(1);
    expect(asks(150_000_00).components.salary).toBe(0);
    // The employer sees how the ask stands to the job's range, never the ask.
    expect(asks(70_000_00).explanations.salary).toBe(
      "the candidate's expectation is within the job's top of 95,000 EUR",
    );
    // The candidate ranking jobs sees their own ask, converted.
    const own = rankJobsForCandidate(
      candidate({ desiredSalary: { min: 70_000_00, max: null, currency: 'GBP', interval: 'YEAR' } }),
      [eurJob],
      { limit: 1, asOf: AS_OF },
    ).results[0]!;
    expect(own.explanations.salary).toMatch(
      /^asks 70,000 GBP a year \(about [\d,]+ EUR\), within the job's 75,000–95,000 EUR$/,
    );
  });

  it('explains every component of every result', () => {
    for (const result of rank(seniorBackend, [genuineSenior, stuffer, student])) {
      for (const name of ['skills', 'experience', 'location', 'salary', 'text'] as const) {
        expect(result.explanations[name].length, `${result.id} ${name}`).toBeGreaterThan(5);
      }
    }
  });
});

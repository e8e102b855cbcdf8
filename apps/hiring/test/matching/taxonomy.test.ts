// A narrower skill shows the broader one (FreeRTOS is an RTOS, Spring Boot is Spring is Java), never
// the reverse and never a sibling (Kotlin is not Java); the shipped table keeps those relations
// sound: every name a skill, no cycle, no alias claimed twice, and a broken table fails to load.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  broaderSkills,
  canonicalSkill,
  compileSkillTable,
  type SkillTable,
  skillKey,
} from '../../src/modules/matching/skills.js';

const table = JSON.parse(
  readFileSync(new URL('../../src/modules/matching/skill-aliases.json', import.meta.url), 'utf8'),
) as SkillTable;

/** How a candidate's skill stands to a job's, as matching reads broaderSkills. */
function skillRelation(candidateKey: string, jobKey: string): 'same' | 'narrower' | 'broader' | null {
  if (candidateKey === jobKey) return 'same';
  if (broaderSkills(candidateKey).includes(jobKey)) return 'narrower';
  if (broaderSkills(jobKey).includes(candidateKey)) return 'broader';
  return null;
}
const relation = (candidate: string, job: string) => skillRelation(skillKey(candidate), skillKey(job));
/** Every skill of the table narrower than `key`. */
const narrowerSkills = (key: string) =>
  Object.keys(table.skills).filter((skill) => broaderSkills(skill).includes(key));

describe('a narrower skill shows the broader one', () => {
  it.each([
    // frontend
    ['SCSS', 'CSS'],
    ['Sass', 'CSS'],
    ['Less', 'CSS'],
    ['CSS Modules', 'CSS'],
    ['Tailwind', 'CSS'],
    ['WCAG', 'Accessibility'],
    ['WCAG 2.1', 'Accessibility (WCAG)'],
    ['ARIA', 'Accessibility'],
    ['Screen reader testing', 'Accessibility'],
    ['Accessibility testing', 'Accessibility'],
    ['Next.js', 'React'],
    ['React Native', 'React'],
    ['Nuxt', 'Vue'],
    ['TypeScript', 'JavaScript'],
    ['React', 'JavaScript'],
    ['UI/UX design', 'UX design'],
    // backend and languages
    ['Spring Boot', 'Spring'],
    ['Spring Boot', 'Java'],
    ['Java EE', 'Java'],
    ['Django', 'Python'],
    ['Express', 'Node.js'],
    ['Express', 'JavaScript'],
    ['Embedded C', 'C'],
    ['C', 'C/C++'],
    ['C++', 'C/C++'],
    ['GraphQL', 'API development'],
    // testing
    ['Selenium WebDriver', 'Test automation'],
    ['REST Assured', 'API testing'],
    ['Postman', 'API testing'],
    ['Newman', 'API testing'],
    ['Karate', 'API testing'],
    ['SoapUI', 'API testing'],
    ['pytest', 'Python'],
    ['JUnit', 'Java'],
    ['JMeter', 'Performance testing'],
    ['Cucumber', 'BDD'],
    ['Manual testing', 'Software testing'],
    // embedded
    ['FreeRTOS', 'RTOS'],
    ['Zephyr', 'RTOS'],
    ['VxWorks', 'Real-time operating systems'],
    ['FreeRTOS', 'Embedded systems'],
    ['Cortex-M4', 'ARM Cortex-M'],
    ['Cortex-M7', 'Cortex-M'],
    ['Cortex-M0+', 'ARM Cortex-M'],
    ['Cortex-M33', 'ARM Cortex-M'],
    ['STM32', 'ARM Cortex-M'],
    ['STM32H7', 'Microcontrollers'],
    ['nRF52840', 'ARM Cortex-M'],
    ['CANopen', 'CAN bus'],
    ['CAN FD', 'CAN'],
    ['J1939', 'CAN bus'],
    ['Yocto', 'Embedded Linux'],
    ['Embedded Linux', 'Linux'],
    ['ISO 26262', 'Functional safety'],
    // data
    ['dbt', 'SQL'],
    ['Snowflake', 'Data warehousing'],
    ['BigQuery', 'Data warehousing'],
    ['Redshift', 'Data warehousing'],
    ['Postgres', 'SQL'],
    ['MariaDB', 'Relational databases'],
    ['MongoDB', 'NoSQL'],
    ['Tableau', 'Business intelligence'],
    ['Power BI', 'Data visualization'],
    ['PyTorch', 'Deep learning'],
    ['Deep learning', 'Machine learning'],
    ['LLMs', 'Artificial intelligence'],
    ['Excel', 'Spreadsheets'],
    ['Google Sheets', 'Spreadsheets'],
    // cloud and operations
    ['EKS', 'Kubernetes'],
    ['EKS', 'AWS'],
    ['AWS Lambda', 'Serverless'],
    ['Azure', 'Cloud computing'],
    ['Docker', 'Containers'],
    ['K8s', 'Containerization'],
    ['Terraform', 'Infrastructure as code'],
    ['Ansible', 'Configuration management'],
    ['Jenkins', 'CI/CD'],
    ['GitHub Actions', 'CI/CD'],
    ['Prometheus', 'Observability'],
    ['Git', 'Version control'],
    ['RHEL', 'Linux'],
    ['OWASP', 'Cybersecurity'],
    // beyond software
    ['ACLS', 'BLS'],
    ['ACLS', 'CPR'],
    ['IFRS', 'Financial reporting'],
    ['Accounts payable', 'Accounting'],
    ['Salesforce', 'CRM'],
    ['Scrum', 'Agile'],
    ['SEO', 'Marketing'],
    ['Sourcing', 'Recruiting'],
    ['Workday', 'HR information systems'],
    ['Forklift', 'Warehouse operations'],
    ['AutoCAD', 'CAD'],
    ['Tutoring', 'Teaching'],
    ['Photoshop', 'Adobe Creative Suite'],
    ['Copywriting', 'Writing'],
    ['SAP', 'ERP'],
  ])('%s is a kind of %s', (narrower, broader) => {
    expect(canonicalSkill(narrower)).not.toBeNull();
    expect(canonicalSkill(broader)).not.toBeNull();
    expect(relation(narrower, broader)).toBe('narrower');
    expect(relation(broader, narrower)).toBe('broader');
  });

  it.each([
    ['Kotlin', 'Java'],
    ['Java', 'JavaScript'],
    ['C++', 'C'],
    ['C', 'C++'],
    ['Scala', 'Java'],
    ['Docker', 'DevOps'],
    ['Jenkins', 'DevOps'],
    ['Vue', 'React'],
    ['MySQL', 'PostgreSQL'],
    ['Cypress', 'Selenium'],
    ['Postman', 'Selenium'],
    ['FreeRTOS', 'Zephyr'],
    ['Cortex-M4', 'Cortex-M7'],
    ['Manual testing', 'Test automation'],
    ['Figma', 'Graphic design'],
    ['Critical care', 'Nursing'],
  ])('%s and %s are unrelated', (a, b) => {
    expect(skillKey(a)).not.toBe(skillKey(b));
    expect(relation(a, b)).toBeNull();
    expect(relation(b, a)).toBeNull();
  });

  it('reads spellings of one skill as the same', () => {
    expect(relation('Selenium', 'Selenium WebDriver')).toBe('same');
    expect(relation('CAN', 'Controller Area Network')).toBe('same');
    expect(relation('Accessibility (WCAG)', 'a11y')).toBe('same');
  });

  it('compares skills the table does not know by their words only', () => {
    expect(skillRelation(skillKey('Underwater Welding'), skillKey('underwater welding'))).toBe('same');
    expect(skillRelation(skillKey('Underwater Welding'), skillKey('Welding'))).toBeNull();
    expect(broaderSkills(skillKey('Underwater Welding'))).toEqual([]);
    expect(narrowerSkills(skillKey('Underwater Welding'))).toEqual([]);
  });
});

describe('broaderSkills', () => {
  it('lists every broader skill, nearest first', () => {
    expect(broaderSkills('freertos')).toEqual(['rtos', 'embedded systems']);
    expect(broaderSkills('spring boot')).toEqual(['spring', 'java']);
    expect(broaderSkills('cortex-m4')).toEqual([
      'arm cortex-m',
      'arm',
      'microcontrollers',
      'embedded systems',
    ]);
    expect(broaderSkills('java')).toEqual([]);
  });

  it('lists every narrower skill, however deep', () => {
    expect(narrowerSkills('rtos')).toEqual(expect.arrayContaining(['freertos', 'zephyr', 'vxworks']));
    expect(narrowerSkills('java')).toEqual(expect.arrayContaining(['spring', 'spring boot', 'rest assured']));
    expect(narrowerSkills('java')).not.toContain('kotlin');
    expect(narrowerSkills('freertos')).toEqual([]);
  });

  it('answers with lists that cannot be changed', () => {
    expect(Object.isFrozen(broaderSkills('freertos'))).toBe(true);
  });
});

describe('the shipped skill table', () => {
  const skills = new Set(Object.keys(table.skills));

  it('is big enough to cover the trades it claims', () => {
    expect(skills.size).toBeGreaterThanOrEqual(550);
    expect(Object.keys(table.broader).length).toBeGreaterThanOrEqual(300);
  });

  it('relates only skills it names, by their canonical names, never a skill to itself', () => {
    for (const [skill, parents] of Object.entries(table.broader)) {
      expect(skills.has(skill), skill).toBe(true);
      expect(parents.length, skill).toBeGreaterThan(0);
      for (const parent of parents) {
        expect(skills.has(parent), `${skill} -> ${parent}`).toBe(true);
        expect(parent, skill).not.toBe(skill);
      }
      expect(new Set(parents).size, skill).toBe(parents.length);
    }
  });

  it('has no cycle of broader skills', () => {
    // Kahn's algorithm: a graph without cycles can be emptied by removing skills with no narrower left.
    const narrowerLeft = new Map<string, number>();
    for (const parents of Object.values(table.broader)) {
      for (const parent of parents) narrowerLeft.set(parent, (narrowerLeft.get(parent) ?? 0) + 1);
    }
    const ready = [...skills].filter((skill) => !narrowerLeft.has(skill));
    let removed = 0;
    while (ready.length > 0) {
      const skill = ready.pop()!;
      removed += 1;
      for (const parent of table.broader[skill] ?? []) {
        const left = narrowerLeft.get(parent)! - 1;
        narrowerLeft.set(parent, left);
        if (left === 0) ready.push(parent);
      }
    }
    expect(removed).toBe(skills.size);
  });

  it('gives no alias to two skills and keeps every alias and canonical name distinct', () => {
    const owner = new Map<string, string>();
    for (const [skill, aliases] of Object.entries(table.skills)) {
      for (const alias of [skill, ...aliases]) {
        const key = skillKey(alias);
        expect(owner.get(key) ?? skill, `${alias} (${skill})`).toBe(skill);
        owner.set(key, skill);
      }
    }
  });

  it('gives each ambiguous alias one prose rule', () => {
    const rules = [...table.notInProse, ...table.proseNeedsCapital, ...table.proseNeedsAllCapitals];
    expect(new Set(rules).size).toBe(rules.length);
    for (const alias of rules) expect(canonicalSkill(alias), alias).not.toBeNull();
  });
});

describe('a broken table fails to load', () => {
  const base: SkillTable = {
    notInProse: [],
    proseNeedsCapital: [],
    proseNeedsAllCapitals: [],
    skills: { rtos: ['real-time os'], freertos: [], 'embedded systems': ['firmware'] },
    broader: { freertos: ['rtos'], rtos: ['embedded systems'] },
  };

  it('loads a sound one', () => {
    const vocabulary = compileSkillTable(base);
    expect(vocabulary.ancestors.get('freertos')).toEqual(['rtos', 'embedded systems']);
    expect(vocabulary.ancestors.get('rtos')).toEqual(['embedded systems']);
  });

  it('rejects a cycle of broader skills', () => {
    const broader = { ...base.broader, 'embedded systems': ['freertos'] };
    expect(() => compileSkillTable({ ...base, broader })).toThrow(
      'skill relations form a cycle: freertos -> rtos -> embedded systems -> freertos',
    );
  });

  it('rejects a relation naming no skill, or a skill broader than itself', () => {
    expect(() => compileSkillTable({ ...base, broader: { freertos: ['rtoss'] } })).toThrow(
      'skill relation names "rtoss", which is no skill',
    );
    expect(() => compileSkillTable({ ...base, broader: { zephyr: ['rtos'] } })).toThrow(
      'skill relation names "zephyr", which is no skill',
    );
    expect(() => compileSkillTable({ ...base, broader: { rtos: ['rtos'] } })).toThrow(
      'skill "rtos" is listed as broader than itself',
    );
  });

  it('rejects an alias claimed by two skills', () => {
    const skills = { ...base.skills, freertos: ['Real-Time OS'] };
    expect(() => compileSkillTable({ ...base, skills })).toThrow(
      'skill alias "Real-Time OS" is claimed by "rtos" and "freertos"',
    );
  });

  it('rejects a prose rule naming no alias, or two rules for one alias', () => {
    expect(() => compileSkillTable({ ...base, notInProse: ['rtoss'] })).toThrow(
      'prose rule "never" names "rtoss", which is no alias',
    );
    expect(() =>
      compileSkillTable({ ...base, notInProse: ['firmware'], proseNeedsAllCapitals: ['firmware'] }),
    ).toThrow('"firmware" has two prose rules, never and upper');
  });
});
